/**
 * The same uploads and downloads against S3-compatible object storage: an s3rver on 127.0.0.1,
 * looked at through S3 itself.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import {
  attachmentPath,
  download,
  exeBytes,
  generatedPdf,
  pdfBytes,
  pngBytes,
  portalAttachmentPath,
  portalUploadPath,
  sha256,
  uploadFile,
  uploadPath,
} from "../../../test/files.js";
import { messagingApi, textDoc } from "../../../test/messaging.js";
import { listen, portalApi } from "../../../test/portal.js";
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
let clientId: string;
let contactCookie: string;

beforeAll(async () => {
  s3 = await startTestS3();
  t = await createTestApp({ fileStorage: s3.storage, attachmentMaxBytes: MAX_BYTES });
  origin = await listen(t);
  const firm = await buildFirm(t.database.db);
  firmId = firm.id;
  const member = await buildStaff(t.database.db, firm, { role: "owner" });
  cookie = await t.signIn(member.email);
  const client = await buildClient(t.database.db, firm);
  clientId = client.id;
  const contact = await buildContact(t.database.db, client);
  contactCookie = await portalApi(t).grantAccess(client, contact, cookie);
});

afterAll(async () => {
  await t?.close();
  await s3?.close();
});

const firmKeys = () => s3.keys(`${firmId}/`);

const storedKeysOf = async (attachmentId: string) => {
  const [row] = await t.database.db
    .select()
    .from(attachments)
    .where(eq(attachments.id, attachmentId));
  if (!row?.thumbnailKey) throw new Error("no stored image");
  return [row.storageKey, row.thumbnailKey];
};

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

  it("round-trips through a message: upload, send, and both sides download the same bytes", async () => {
    const staffApi = messagingApi(t);
    const contactApi = messagingApi(t, "contact");
    const conversation = await staffApi.openConversation(
      clientId,
      { kind: "all_contacts" },
      cookie,
    );
    const pdf = generatedPdf(5 * MB + 777);
    const png = await pngBytes(640, 480);
    const fromStaff = await uploadFile(origin, uploadPath, cookie, {
      name: "accounts.pdf",
      content: pdf.chunks,
    });
    const fromContact = await uploadFile(origin, portalUploadPath(clientId), contactCookie, {
      name: "receipt.png",
      content: png,
    });
    expect(fromStaff.status, JSON.stringify(fromStaff.body)).toBe(201);
    expect(fromContact.status, JSON.stringify(fromContact.body)).toBe(201);
    const sent = await staffApi.send(conversation.id, "Your accounts", cookie, {
      attachmentIds: [fromStaff.body.id],
    });
    const reply = await contactApi.send(conversation.id, "My receipt", contactCookie, {
      attachmentIds: [fromContact.body.id],
    });
    expect(sent.attachments.map((file) => file.name)).toEqual(["accounts.pdf"]);
    expect(reply.attachments.map((file) => file.name)).toEqual(["receipt.png"]);

    const contactGets = await download(
      origin,
      portalAttachmentPath(fromStaff.body.id),
      contactCookie,
    );
    expect(contactGets.status).toBe(200);
    expect(contactGets.bytes.length).toBe(5 * MB + 777);
    expect(sha256(contactGets.bytes)).toBe(pdf.digest());
    const staffGets = await download(origin, attachmentPath(fromContact.body.id), cookie);
    expect(staffGets.status).toBe(200);
    expect(staffGets.bytes.equals(png)).toBe(true);
  });

  it("takes a file's bytes out of the bucket when an edit removes it or its message is deleted", async () => {
    const staffApi = messagingApi(t);
    const conversation = await staffApi.openConversation(
      clientId,
      { kind: "all_contacts" },
      cookie,
    );
    const upload = async (name: string) => {
      const answer = await uploadFile(origin, uploadPath, cookie, {
        name,
        content: await pngBytes(300, 200),
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      return answer.body.id;
    };
    const kept = await upload("kept.png");
    const edited = await upload("edited-away.png");
    const deleted = await upload("deleted.png");
    const keptKeys = await storedKeysOf(kept);
    const editedKeys = await storedKeysOf(edited);
    const deletedKeys = await storedKeysOf(deleted);
    const first = await staffApi.send(conversation.id, "Two photos", cookie, {
      attachmentIds: [kept, edited],
    });
    const second = await staffApi.send(conversation.id, "One photo", cookie, {
      attachmentIds: [deleted],
    });
    expect(await firmKeys()).toEqual(
      expect.arrayContaining([...keptKeys, ...editedKeys, ...deletedKeys]),
    );

    const edit = await staffApi.editMessage(
      first.id,
      { body: textDoc("One photo left"), version: first.version, removeAttachmentIds: [edited] },
      cookie,
    );
    expect(edit.statusCode, edit.body).toBe(200);
    expect((await staffApi.deleteMessage(second.id, cookie)).statusCode).toBe(204);

    const left = await firmKeys();
    expect(left).toEqual(expect.arrayContaining(keptKeys));
    for (const key of [...editedKeys, ...deletedKeys]) expect(left).not.toContain(key);
    expect((await download(origin, attachmentPath(edited), cookie)).status).toBe(404);
    expect((await download(origin, attachmentPath(deleted), cookie)).status).toBe(404);
    expect((await download(origin, attachmentPath(kept), cookie)).status).toBe(200);
  });
});
