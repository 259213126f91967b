/**
 * The same uploads and downloads against S3-compatible object storage: an s3rver on 127.0.0.1,
 * looked at through S3 itself.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildFirm, buildStaff } from "../../../test/factories.js";
import {
  attachmentPath,
  download,
  exeBytes,
  generatedPdf,
  pdfBytes,
  pngBytes,
  sha256,
  uploadFile,
  uploadPath,
} from "../../../test/files.js";
import { listen } from "../../../test/portal.js";
import { startTestS3, type TestS3 } from "../../../test/s3.js";
import { attachments } from "../db/schema.js";
import { removeStoredFiles } from "./attachments.service.js";

const MB = 1024 * 1024;
const MAX_BYTES = 8 * MB;

let s3: TestS3;
let t: TestApp;
let origin: string;
let firmId: string;
let cookie: string;

beforeAll(async () => {
  s3 = await startTestS3();
  t = await createTestApp({ fileStorage: s3.storage, attachmentMaxBytes: MAX_BYTES });
  origin = await listen(t);
  const firm = await buildFirm(t.database.db);
  firmId = firm.id;
  const member = await buildStaff(t.database.db, firm);
  cookie = await t.signIn(member.email);
});

afterAll(async () => {
  await t?.close();
  await s3?.close();
});

const firmKeys = () => s3.keys(`${firmId}/`);

describe("files in S3-compatible storage", () => {
  it("answers a small file byte for byte", async () => {
    const bytes = pdfBytes("bank statement");
    const uploaded = await uploadFile(origin, uploadPath, cookie, {
      name: "statement.pdf",
      content: bytes,
    });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    const got = await download(origin, attachmentPath(uploaded.body.id), cookie);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(bytes)).toBe(true);
    expect(got.headers.get("content-length")).toBe(String(bytes.length));
  });

  it("streams a file larger than one part (multipart upload) and answers it byte for byte", async () => {
    const file = generatedPdf(6 * MB + 12345);
    const uploaded = await uploadFile(origin, uploadPath, cookie, {
      name: "ledger.pdf",
      content: file.chunks,
    });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    const got = await download(origin, attachmentPath(uploaded.body.id), cookie);
    expect(got.bytes.length).toBe(6 * MB + 12345);
    expect(sha256(got.bytes)).toBe(file.digest());
    const tail = await download(origin, attachmentPath(uploaded.body.id), cookie, {
      range: "bytes=6291456-",
    });
    expect(tail.status).toBe(206);
    expect(tail.bytes.equals(got.bytes.subarray(6 * MB))).toBe(true);
  });

  it("stores an image's thumbnail beside it", async () => {
    const uploaded = await uploadFile(origin, uploadPath, cookie, {
      name: "receipt.png",
      content: await pngBytes(800, 800),
    });
    expect(uploaded.body.hasThumbnail).toBe(true);
    const [row] = await t.database.db
      .select()
      .from(attachments)
      .where(eq(attachments.id, uploaded.body.id));
    expect(await firmKeys()).toEqual(expect.arrayContaining([row?.storageKey, row?.thumbnailKey]));
    const thumbnail = await download(
      origin,
      `${attachmentPath(uploaded.body.id)}/thumbnail`,
      cookie,
    );
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get("content-type")).toBe("image/webp");
  });

  it("leaves nothing in the bucket for a file over the limit or of a refused type", async () => {
    const before = await firmKeys();
    const tooLarge = generatedPdf(MAX_BYTES + 1);
    const refused = await uploadFile(origin, uploadPath, cookie, {
      name: "too-large.pdf",
      content: tooLarge.chunks,
    });
    expect(refused.status).toBe(413);
    expect(refused.body.error?.code).toBe("file_too_large");
    const program = await uploadFile(origin, uploadPath, cookie, {
      name: "invoice.pdf",
      content: exeBytes(),
    });
    expect(program.body.error?.code).toBe("file_type_not_allowed");
    expect(await firmKeys()).toEqual(before);
  });

  it("removes a file's bytes and thumbnail from the bucket", async () => {
    const uploaded = await uploadFile(origin, uploadPath, cookie, {
      name: "photo.png",
      content: await pngBytes(500, 300),
    });
    const [row] = await t.database.db
      .delete(attachments)
      .where(eq(attachments.id, uploaded.body.id))
      .returning();
    if (!row) throw new Error("no row");
    await removeStoredFiles(t.storage, [row], t.app.log);
    const keys = await firmKeys();
    expect(keys).not.toContain(row.storageKey);
    expect(keys).not.toContain(row.thumbnailKey);
    expect(await t.storage.get(row.storageKey)).toBeNull();
  });
});
