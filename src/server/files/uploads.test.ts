import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import {
  attachmentPath,
  download,
  elfBytes,
  exeBytes,
  filesIn,
  pdfBytes,
  pngBytes,
  portalAttachmentPath,
  portalUploadPath,
  sha256,
  uploadFile,
  uploadPath,
} from "../../../test/files.js";
import { listen, portalApi } from "../../../test/portal.js";
import { THUMBNAIL_MAX_PX } from "../../shared/api/files.js";
import type { FileStorageConfig } from "../config.js";
import { attachments } from "../db/schema.js";

const MAX_BYTES = 2 * 1024 * 1024;
const fixture = (name: string) =>
  readFile(join(import.meta.dirname, "../../../test/fixtures", name));

let t: TestApp;
let origin: string;
let filesDir: string;
let firm: Awaited<ReturnType<typeof buildFirm>>;
let adaCookie: string;
let danaCookie: string;
let acme: Awaited<ReturnType<typeof buildClient>>;

beforeAll(async () => {
  t = await createTestApp({ attachmentMaxBytes: MAX_BYTES });
  filesDir = (t.config.fileStorage as Extract<FileStorageConfig, { kind: "disk" }>).directory;
  origin = await listen(t);
  firm = await buildFirm(t.database.db);
  const ada = await buildStaff(t.database.db, firm, { role: "owner" });
  adaCookie = await t.signIn(ada.email);
  acme = await buildClient(t.database.db, firm, "Acme Bakery");
  const dana = await buildContact(t.database.db, acme, { name: "Dana Fox" });
  danaCookie = await portalApi(t).grantAccess(acme, dana, adaCookie);
});

afterAll(async () => {
  await t.close();
});

/** The firm's attachment rows, as stored. */
const firmRows = () =>
  t.database.db.select().from(attachments).where(eq(attachments.firmId, firm.id));

describe("uploading and downloading a file", () => {
  it("answers the stored file byte for byte, typed by its content and named as uploaded", async () => {
    const bytes = pdfBytes("statement 2026-Q1");
    const uploaded = await uploadFile(origin, uploadPath, adaCookie, {
      name: "Rechnung März 2026.pdf",
      content: bytes,
      type: "text/html",
    });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    expect(uploaded.body).toEqual({
      id: expect.any(String),
      name: "Rechnung März 2026.pdf",
      contentType: "application/pdf",
      size: bytes.length,
      hasThumbnail: false,
    });

    const got = await download(origin, attachmentPath(uploaded.body.id), adaCookie);
    expect(got.status).toBe(200);
    expect(sha256(got.bytes)).toBe(sha256(bytes));
    expect(got.headers.get("content-type")).toBe("application/pdf");
    expect(got.headers.get("content-length")).toBe(String(bytes.length));
    expect(got.headers.get("content-disposition")).toBe(
      `inline; filename="Rechnung M?rz 2026.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz%202026.pdf`,
    );
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(got.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
  });

  it("accepts documents accountants exchange: Word, legacy Excel by its extension, CSV and text", async () => {
    const docx = await uploadFile(origin, uploadPath, adaCookie, {
      name: "engagement-letter.docx",
      content: await fixture("engagement-letter.docx"),
    });
    expect(docx.status, JSON.stringify(docx.body)).toBe(201);
    expect(docx.body.contentType).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );

    // Old Office files are compound files; the extension says which program opens them.
    const compound = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(1024, 1),
    ]);
    const xls = await uploadFile(origin, uploadPath, adaCookie, {
      name: "ledger.xls",
      content: compound,
    });
    expect(xls.body.contentType).toBe("application/vnd.ms-excel");
    const installer = await uploadFile(origin, uploadPath, adaCookie, {
      name: "setup.msi",
      content: compound,
    });
    expect(installer.status).toBe(400);
    expect(installer.body.error?.code).toBe("file_type_not_allowed");

    // Windows-1252 text (a typical bank export) is text too.
    const csv = await uploadFile(origin, uploadPath, adaCookie, {
      name: "bank-export.csv",
      content: Buffer.from(
        "Datum;Betrag;Empf\xe4nger\r\n01.02.2026;12,50;B\xe4ckerei\r\n",
        "latin1",
      ),
    });
    expect(csv.body.contentType).toBe("text/csv");
    const note = await uploadFile(origin, uploadPath, adaCookie, {
      name: "notes",
      content: Buffer.from("Call the bank about the loan.\n"),
    });
    expect(note.body.contentType).toBe("text/plain");

    const got = await download(origin, attachmentPath(csv.body.id), adaCookie);
    expect(got.headers.get("content-type")).toBe("text/csv");
    expect(got.headers.get("content-disposition")).toBe("attachment; filename=bank-export.csv");
  });

  it("serves an HTML or SVG file as a download of text that cannot run as a page of the site", async () => {
    const html = Buffer.from(
      `<!doctype html><html><body><script>fetch("/api/session")</script></body></html>`,
    );
    const uploaded = await uploadFile(origin, uploadPath, adaCookie, {
      name: "invoice.html",
      content: html,
      type: "text/html",
    });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.contentType).toBe("text/plain");

    const got = await download(origin, attachmentPath(uploaded.body.id), adaCookie);
    expect(got.bytes.equals(html)).toBe(true);
    expect(got.headers.get("content-type")).toBe("text/plain");
    expect(got.headers.get("content-disposition")).toBe("attachment; filename=invoice.html");
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(got.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");

    const svg = await uploadFile(origin, uploadPath, adaCookie, {
      name: "logo.svg",
      content: Buffer.from(
        `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
      ),
      type: "image/svg+xml",
    });
    expect(svg.status).toBe(201);
    const svgDownload = await download(origin, attachmentPath(svg.body.id), adaCookie);
    expect(svgDownload.headers.get("content-type")).not.toMatch(/svg|html/);
    expect(svgDownload.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(svgDownload.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
  });

  it("keeps a cleaned name for display: no path, no control or direction characters", async () => {
    const uploaded = await uploadFile(origin, uploadPath, adaCookie, {
      name: "C:\\Users\\ada\\invoice\u202Efdp.exe\u0007 .txt",
      content: Buffer.from("hello"),
    });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.name).toBe("invoicefdp.exe .txt");
  });

  it("answers one byte range of a file, as PDF viewers ask for large files", async () => {
    const bytes = Buffer.concat([pdfBytes(), Buffer.from("0123456789")]);
    const uploaded = await uploadFile(origin, uploadPath, adaCookie, {
      name: "ranges.pdf",
      content: bytes,
    });
    const path = attachmentPath(uploaded.body.id);
    const first = await download(origin, path, adaCookie, { range: "bytes=0-7" });
    expect(first.status).toBe(206);
    expect(first.bytes.toString("latin1")).toBe("%PDF-1.4");
    expect(first.headers.get("content-range")).toBe(`bytes 0-7/${bytes.length}`);
    expect(first.headers.get("content-length")).toBe("8");
    const last = await download(origin, path, adaCookie, { range: "bytes=-4" });
    expect(last.status).toBe(206);
    expect(last.bytes.toString()).toBe("6789");
    const pastTheEnd = await download(origin, path, adaCookie, {
      range: `bytes=${bytes.length}-`,
    });
    expect(pastTheEnd.status).toBe(416);
    expect(pastTheEnd.headers.get("content-range")).toBe(`bytes */${bytes.length}`);
    // A range of some other version of the file gets the whole of this one.
    const stale = await download(origin, path, adaCookie, {
      range: "bytes=0-7",
      "if-range": '"something-else"',
    });
    expect(stale.status).toBe(200);
    expect(stale.bytes.equals(bytes)).toBe(true);
  });

  it("answers 304 to a browser that has the file already, after checking access again", async () => {
    const uploaded = await uploadFile(origin, uploadPath, adaCookie, {
      name: "a.txt",
      content: Buffer.from("same bytes forever"),
    });
    const first = await download(origin, attachmentPath(uploaded.body.id), adaCookie);
    const etag = first.headers.get("etag") ?? "";
    expect(etag).not.toBe("");
    const again = await download(origin, attachmentPath(uploaded.body.id), adaCookie, {
      "if-none-match": etag,
    });
    expect(again.status).toBe(304);
    const stranger = await download(origin, attachmentPath(uploaded.body.id), danaCookie, {
      "if-none-match": etag,
    });
    expect(stranger.status).toBe(403);
  });
});

describe("thumbnails", () => {
  it("makes a WebP thumbnail of an image within the bounded size, and none for other files", async () => {
    const png = await pngBytes(1200, 800);
    const uploaded = await uploadFile(origin, uploadPath, adaCookie, {
      name: "receipt.png",
      content: png,
    });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    expect(uploaded.body).toMatchObject({ contentType: "image/png", hasThumbnail: true });

    const thumbnail = await download(
      origin,
      `${attachmentPath(uploaded.body.id)}/thumbnail`,
      adaCookie,
    );
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get("content-type")).toBe("image/webp");
    expect(thumbnail.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    const meta = await sharp(thumbnail.bytes).metadata();
    expect(meta.format).toBe("webp");
    expect(meta.width).toBe(THUMBNAIL_MAX_PX);
    expect(meta.height).toBe(Math.round((THUMBNAIL_MAX_PX * 800) / 1200));

    const original = await download(origin, attachmentPath(uploaded.body.id), adaCookie);
    expect(original.bytes.equals(png)).toBe(true);
    expect(original.headers.get("content-disposition")).toBe("inline; filename=receipt.png");

    const pdf = await uploadFile(origin, uploadPath, adaCookie, {
      name: "a.pdf",
      content: pdfBytes(),
    });
    const none = await download(origin, `${attachmentPath(pdf.body.id)}/thumbnail`, adaCookie);
    expect(none.status).toBe(404);
  });

  it("stores an image that cannot be decoded without a thumbnail", async () => {
    // A real PNG's signature and header, cut off before its pixels.
    const broken = (await pngBytes(300, 300)).subarray(0, 60);
    const uploaded = await uploadFile(origin, uploadPath, adaCookie, {
      name: "broken.png",
      content: broken,
    });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ contentType: "image/png", hasThumbnail: false });
  });
});

describe("refused uploads store nothing", () => {
  const refused = async (
    file: Parameters<typeof uploadFile>[3],
    status: number,
    code: string,
    cookie = adaCookie,
    path = uploadPath,
  ) => {
    const rowsBefore = (await firmRows()).length;
    const stored = await filesIn(filesDir);
    const answer = await uploadFile(origin, path, cookie, file);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.body.error?.code).toBe(code);
    expect(await filesIn(filesDir)).toEqual(stored);
    expect(await firmRows()).toHaveLength(rowsBefore);
    return answer;
  };

  it("refuses a file over the size limit with 413, removing the bytes already written", async () => {
    const answer = await refused(
      { name: "scan.pdf", content: Buffer.concat([pdfBytes(), Buffer.alloc(MAX_BYTES)]) },
      413,
      "file_too_large",
    );
    expect(answer.body.error?.message).toMatch(/2 MB/);
    // Far past the limit, the server stops reading and still answers.
    await refused(
      { name: "huge.pdf", content: Buffer.concat([pdfBytes(), Buffer.alloc(8 * MAX_BYTES)]) },
      413,
      "file_too_large",
    );
  });

  it("accepts a file of exactly the limit", async () => {
    const head = pdfBytes();
    const exact = Buffer.concat([head, Buffer.alloc(MAX_BYTES - head.length, 0x20)]);
    const answer = await uploadFile(origin, uploadPath, adaCookie, {
      name: "exact.pdf",
      content: exact,
    });
    expect(answer.status).toBe(201);
    expect(answer.body.size).toBe(MAX_BYTES);
  });

  it("refuses programs whatever they are named", async () => {
    await refused({ name: "tool", content: elfBytes() }, 400, "file_type_not_allowed");
    await refused(
      { name: "invoice.pdf", content: exeBytes(), type: "application/pdf" },
      400,
      "file_type_not_allowed",
    );
  });

  it("refuses an empty file", async () => {
    await refused({ name: "empty.pdf", content: Buffer.alloc(0) }, 400, "file_empty");
  });

  it("refuses the same way on the portal", async () => {
    await refused(
      { name: "invoice.pdf", content: exeBytes() },
      400,
      "file_type_not_allowed",
      danaCookie,
      portalUploadPath(acme.id),
    );
  });

  it("refuses a request that carries no file", async () => {
    const answer = await t.request({
      method: "POST",
      url: uploadPath,
      cookie: adaCookie,
      payload: { name: "not a file" },
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error.code).toBe("file_missing");
  });
});

describe("who may upload and download", () => {
  it("lets a contact upload for a client whose portal they use, and see only their own upload", async () => {
    const uploaded = await uploadFile(origin, portalUploadPath(acme.id), danaCookie, {
      name: "payslip.pdf",
      content: pdfBytes("payslip"),
    });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    const own = await download(origin, portalAttachmentPath(uploaded.body.id), danaCookie);
    expect(own.status).toBe(200);
    expect(own.bytes.equals(pdfBytes("payslip"))).toBe(true);
    // Not sent yet: staff of the firm do not see it either.
    const staff = await download(origin, attachmentPath(uploaded.body.id), adaCookie);
    expect(staff.status).toBe(404);
  });

  it("answers 404 to a contact uploading for a client that is not theirs", async () => {
    const globex = await buildClient(t.database.db, firm, "Globex");
    const answer = await uploadFile(origin, portalUploadPath(globex.id), danaCookie, {
      name: "a.pdf",
      content: pdfBytes(),
    });
    expect(answer.status).toBe(404);
  });

  it("keeps staff and contacts on their own routes", async () => {
    const file = { name: "a.pdf", content: pdfBytes() };
    expect((await uploadFile(origin, uploadPath, danaCookie, file)).status).toBe(403);
    expect((await uploadFile(origin, portalUploadPath(acme.id), adaCookie, file)).status).toBe(403);
    expect((await uploadFile(origin, uploadPath, "", file)).status).toBe(401);
  });
});
