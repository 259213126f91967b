/**
 * Files travel with messages through the messaging API: sent with a message, listed and
 * downloaded with it, removed by an edit or a delete — each tried by the wrong people too.
 */
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestFirm,
} from "../../../test/factories.js";
import {
  attachmentPath,
  download,
  filesIn,
  pdfBytes,
  pngBytes,
  portalAttachmentPath,
  portalUploadPath,
  sha256,
  uploadFile,
  uploadPath,
} from "../../../test/files.js";
import { docOf, messagingApi, textDoc } from "../../../test/messaging.js";
import { isMessageFrame, listen, openSocket, portalApi } from "../../../test/portal.js";
import type { Conversation, Message } from "../../shared/api/messaging.js";
import type { FileStorageConfig } from "../config.js";
import { attachments } from "../db/schema.js";

let t: TestApp;
let origin: string;
let staffApi: ReturnType<typeof messagingApi>;
let contactApi: ReturnType<typeof messagingApi>;
let northwind: TestFirm;
let adaCookie: string;
let benCookie: string;
let danaCookie: string;
let eliCookie: string;
let solCookie: string;
let acmeId: string;
let acmeAll: Conversation;

beforeAll(async () => {
  t = await createTestApp();
  origin = await listen(t);
  staffApi = messagingApi(t);
  contactApi = messagingApi(t, "contact");
  const portal = portalApi(t);
  const db = t.database.db;
  northwind = await buildFirm(db, "Northwind Accounting");
  const ada = await buildStaff(db, northwind, { name: "Ada Park", role: "owner" });
  const ben = await buildStaff(db, northwind, { name: "Ben Ortiz" });
  adaCookie = await t.signIn(ada.email);
  benCookie = await t.signIn(ben.email);
  const acme = await buildClient(db, northwind, "Acme Bakery");
  acmeId = acme.id;
  const dana = await buildContact(db, acme, { name: "Dana Fox" });
  const eli = await buildContact(db, acme, { name: "Eli Stone" });
  danaCookie = await portal.grantAccess(acme, dana, adaCookie);
  eliCookie = await portal.grantAccess(acme, eli, adaCookie);
  const southside = await buildFirm(db, "Southside Legal");
  const sol = await buildStaff(db, southside, { name: "Sol Reed", role: "owner" });
  solCookie = await t.signIn(sol.email);
  acmeAll = await staffApi.openConversation(acme.id, { kind: "all_contacts" }, adaCookie);
});

afterAll(async () => {
  await t.close();
});

const staffUpload = async (cookie: string, name: string, content: Buffer) => {
  const answer = await uploadFile(origin, uploadPath, cookie, { name, content });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
};

const contactUpload = async (cookie: string, name: string, content: Buffer) => {
  const answer = await uploadFile(origin, portalUploadPath(acmeId), cookie, { name, content });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
};

const attachedTo = async (ids: string[]) =>
  t.database.db
    .select({ id: attachments.id, messageId: attachments.messageId })
    .from(attachments)
    .where(inArray(attachments.id, ids));

const filesDir = () =>
  (t.config.fileStorage as Extract<FileStorageConfig, { kind: "disk" }>).directory;

describe("sending files with a message", () => {
  it("round-trips: upload, send, list, and download the same bytes on both sides", async () => {
    const pdf = pdfBytes("round trip");
    const png = await pngBytes(90, 60);
    const first = await staffUpload(adaCookie, "return.pdf", pdf);
    const second = await staffUpload(adaCookie, "receipt.png", png);
    const sent = await staffApi.send(acmeAll.id, "Your return", adaCookie, {
      attachmentIds: [first.id, second.id],
    });
    expect(sent.attachments.map((file) => file.name)).toEqual(["return.pdf", "receipt.png"]);

    const danaSees = await contactApi.listMessages(acmeAll.id, danaCookie);
    const shown = danaSees.messages.find((message) => message.id === sent.id);
    expect(shown?.attachments).toEqual(sent.attachments);

    const fromPortal = await download(origin, portalAttachmentPath(first.id), danaCookie);
    expect(fromPortal.status).toBe(200);
    expect(sha256(fromPortal.bytes)).toBe(sha256(pdf));
    const fromStaff = await download(origin, attachmentPath(second.id), benCookie);
    expect(sha256(fromStaff.bytes)).toBe(sha256(png));
  });

  it("tells each audience live: the message's files reach contacts, a note's files only staff", async () => {
    const danaSocket = await openSocket(origin, danaCookie);
    const benSocket = await openSocket(origin, benCookie);
    const shared = await staffUpload(adaCookie, "shared.pdf", pdfBytes("shared"));
    const hidden = await staffUpload(adaCookie, "hidden-note-file.pdf", pdfBytes("hidden"));
    const message = await staffApi.send(acmeAll.id, "For everyone", adaCookie, {
      attachmentIds: [shared.id],
    });
    const note = await staffApi.send(acmeAll.id, "For the team", adaCookie, {
      internal: true,
      attachmentIds: [hidden.id],
    });
    const last = await staffApi.send(acmeAll.id, "Last one", adaCookie);
    const danaFrame = await danaSocket.waitFor(
      isMessageFrame("message.created", message.id),
      "file",
    );
    expect((danaFrame.data?.message as Message).attachments).toEqual([shared]);
    const benFrame = await benSocket.waitFor(isMessageFrame("message.created", note.id), "note");
    expect((benFrame.data?.message as Message).attachments).toEqual([hidden]);
    await danaSocket.waitFor(isMessageFrame("message.created", last.id), "last");
    expect(JSON.stringify(danaSocket.raw)).not.toContain(hidden.id);
    expect(JSON.stringify(danaSocket.raw)).not.toContain("hidden-note-file.pdf");
    danaSocket.socket.close();
    benSocket.socket.close();
  });

  it("sends a message of files only, but not an empty message without files", async () => {
    const file = await contactUpload(danaCookie, "scan.pdf", pdfBytes("scan"));
    const empty = docOf();
    const refused = await contactApi.postMessage(
      acmeAll.id,
      { id: crypto.randomUUID(), body: empty },
      danaCookie,
    );
    expect(refused.statusCode).toBe(400);
    const sent = await contactApi.send(acmeAll.id, empty, danaCookie, {
      attachmentIds: [file.id],
    });
    expect(sent.attachments.map((attachment) => attachment.id)).toEqual([file.id]);
  });

  it("is idempotent: a retried send with the same id answers the same message and files", async () => {
    const file = await staffUpload(adaCookie, "once.pdf", pdfBytes("once"));
    const id = crypto.randomUUID();
    const payload = { id, body: textDoc("Once"), attachmentIds: [file.id] };
    const first = await staffApi.postMessage(acmeAll.id, payload, adaCookie);
    expect(first.statusCode).toBe(201);
    const again = await staffApi.postMessage(acmeAll.id, payload, adaCookie);
    expect(again.statusCode).toBe(200);
    expect((again.json() as Message).attachments).toEqual((first.json() as Message).attachments);
  });

  it("refuses someone else's upload: a contact's file cannot be attached by staff or another contact", async () => {
    const danas = await contactUpload(danaCookie, "dana.pdf", pdfBytes("dana"));
    for (const [api, cookie] of [
      [staffApi, adaCookie],
      [contactApi, eliCookie],
    ] as const) {
      const response = await api.postMessage(
        acmeAll.id,
        { id: crypto.randomUUID(), body: textDoc("Taking it"), attachmentIds: [danas.id] },
        cookie,
      );
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.code).toBe("attachment_unavailable");
    }
    expect(await attachedTo([danas.id])).toEqual([{ id: danas.id, messageId: null }]);
  });

  it("refuses eleven files with 400 and attaches none of them", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 11; i += 1) {
      ids.push((await staffUpload(benCookie, `page-${i}.txt`, Buffer.from(`page ${i}`))).id);
    }
    const response = await staffApi.postMessage(
      acmeAll.id,
      { id: crypto.randomUUID(), body: textDoc("Eleven"), attachmentIds: ids },
      benCookie,
    );
    expect(response.statusCode).toBe(400);
    expect((await attachedTo(ids)).every((row) => row.messageId === null)).toBe(true);
  });
});

describe("changing a message's files", () => {
  it("an edit removes a file (its bytes too) and keeps the others", async () => {
    const keep = await staffUpload(adaCookie, "keep.pdf", pdfBytes("keep"));
    const drop = await staffUpload(adaCookie, "drop.png", await pngBytes(50, 50));
    const sent = await staffApi.send(acmeAll.id, "Two", adaCookie, {
      attachmentIds: [keep.id, drop.id],
    });
    const [row] = await t.database.db.select().from(attachments).where(eq(attachments.id, drop.id));
    const edited = await staffApi.editMessage(
      sent.id,
      { body: textDoc("One"), version: sent.version, removeAttachmentIds: [drop.id] },
      adaCookie,
    );
    expect(edited.statusCode, edited.body).toBe(200);
    expect((edited.json() as Message).attachments.map((file) => file.id)).toEqual([keep.id]);
    const left = await filesIn(filesDir());
    expect(left).not.toContain(row?.storageKey);
    expect(left).not.toContain(row?.thumbnailKey);
    expect((await download(origin, portalAttachmentPath(drop.id), danaCookie)).status).toBe(404);
    expect((await download(origin, portalAttachmentPath(keep.id), danaCookie)).status).toBe(200);
  });

  it("an edit cannot add files", async () => {
    const sent = await staffApi.send(acmeAll.id, "No files", adaCookie);
    const extra = await staffUpload(adaCookie, "extra.pdf", pdfBytes("extra"));
    const edited = await staffApi.editMessage(
      sent.id,
      { body: textDoc("Still none"), version: sent.version, attachmentIds: [extra.id] },
      adaCookie,
    );
    expect([200, 400]).toContain(edited.statusCode);
    expect(await attachedTo([extra.id])).toEqual([{ id: extra.id, messageId: null }]);
  });

  it("a delete removes the message's files: rows and stored bytes", async () => {
    const file = await contactUpload(danaCookie, "gone.png", await pngBytes(70, 70));
    const sent = await contactApi.send(acmeAll.id, "Oops", danaCookie, {
      attachmentIds: [file.id],
    });
    const [row] = await t.database.db.select().from(attachments).where(eq(attachments.id, file.id));
    expect(await filesIn(filesDir())).toEqual(
      expect.arrayContaining([row?.storageKey, row?.thumbnailKey]),
    );
    expect((await contactApi.deleteMessage(sent.id, danaCookie)).statusCode).toBe(204);
    expect(await attachedTo([file.id])).toEqual([]);
    const left = await filesIn(filesDir());
    expect(left).not.toContain(row?.storageKey);
    expect(left).not.toContain(row?.thumbnailKey);
    expect((await download(origin, attachmentPath(file.id), adaCookie)).status).toBe(404);
    expect((await download(origin, attachmentPath(file.id), solCookie)).status).toBe(404);
  });
});
