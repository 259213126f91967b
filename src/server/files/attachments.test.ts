/**
 * Who may attach an upload, and who may download a file once attached: exactly those who see its
 * message. Written as attempts by the wrong people — a colleague, another contact of the client,
 * a contact of another client, and another firm's staff and contacts.
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
  uploadFile,
  uploadPath,
} from "../../../test/files.js";
import { messagingApi } from "../../../test/messaging.js";
import { listen, portalApi } from "../../../test/portal.js";
import type { Attachment } from "../../shared/api/files.js";
import type { Conversation } from "../../shared/api/messaging.js";
import type { FileStorageConfig } from "../config.js";
import { attachments } from "../db/schema.js";
import {
  claimUploadsForMessage,
  listAttachmentsOfMessages,
  removeAttachmentsFromMessage,
  removeStoredFiles,
  storedFilesOfMessages,
  type Uploader,
} from "./attachments.service.js";

let t: TestApp;
let origin: string;
let api: ReturnType<typeof messagingApi>;
let portal: ReturnType<typeof portalApi>;
let contactApi: ReturnType<typeof messagingApi>;
let northwind: TestFirm;
let southside: TestFirm;

type Person = { cookie: string; uploader: Uploader; firmId: string; portalClientId?: string };
const people = {} as Record<"ada" | "ben" | "dana" | "eli" | "gus" | "sol" | "ivy", Person>;
let acme: { id: string; firmId: string };
let acmeAll: Conversation;
let danaDirect: Conversation;
let globexAll: Conversation;

beforeAll(async () => {
  t = await createTestApp();
  origin = await listen(t);
  api = messagingApi(t);
  portal = portalApi(t);
  contactApi = messagingApi(t, "contact");
  const db = t.database.db;

  northwind = await buildFirm(db, "Northwind Accounting");
  const ada = await buildStaff(db, northwind, { name: "Ada Park", role: "owner" });
  const ben = await buildStaff(db, northwind, { name: "Ben Ortiz" });
  const adaCookie = await t.signIn(ada.email);
  acme = await buildClient(db, northwind, "Acme Bakery");
  const globex = await buildClient(db, northwind, "Globex Ltd");
  const dana = await buildContact(db, acme, { name: "Dana Fox" });
  const eli = await buildContact(db, acme, { name: "Eli Stone" });
  const gus = await buildContact(db, globex, { name: "Gus Hale" });

  southside = await buildFirm(db, "Southside Legal");
  const sol = await buildStaff(db, southside, { name: "Sol Reed", role: "owner" });
  const solCookie = await t.signIn(sol.email);
  const initech = await buildClient(db, southside, "Initech");
  const ivy = await buildContact(db, initech, { name: "Ivy Chen" });

  people.ada = {
    cookie: adaCookie,
    uploader: { kind: "staff", staffId: ada.id },
    firmId: northwind.id,
  };
  people.ben = {
    cookie: await t.signIn(ben.email),
    uploader: { kind: "staff", staffId: ben.id },
    firmId: northwind.id,
  };
  const contact = async (
    client: { id: string },
    record: { id: string; email: string | null },
    firmId: string,
    staffCookie: string,
  ): Promise<Person> => ({
    cookie: await portal.grantAccess(client, record, staffCookie),
    uploader: { kind: "contact", contactId: record.id },
    firmId,
    portalClientId: client.id,
  });
  people.dana = await contact(acme, dana, northwind.id, adaCookie);
  people.eli = await contact(acme, eli, northwind.id, adaCookie);
  people.gus = await contact(globex, gus, northwind.id, adaCookie);
  people.sol = {
    cookie: solCookie,
    uploader: { kind: "staff", staffId: sol.id },
    firmId: southside.id,
  };
  people.ivy = await contact(initech, ivy, southside.id, solCookie);

  acmeAll = await api.openConversation(acme.id, { kind: "all_contacts" }, adaCookie);
  danaDirect = await api.openConversation(
    acme.id,
    { kind: "direct", contactId: dana.id },
    adaCookie,
  );
  globexAll = await api.openConversation(globex.id, { kind: "all_contacts" }, adaCookie);
});

afterAll(async () => {
  await t.close();
});

/** Uploads a file as this person (staff or portal route) and returns it (asserts 201). */
async function upload(person: Person, name = "file.pdf", content = pdfBytes(name)) {
  const path = person.portalClientId ? portalUploadPath(person.portalClientId) : uploadPath;
  const answer = await uploadFile(origin, path, person.cookie, { name, content });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

/** What a person's download of an attachment answers (their side's route). */
async function statusFor(person: Person, attachmentId: string, suffix = "") {
  const path = person.portalClientId ? portalAttachmentPath : attachmentPath;
  return (await download(origin, `${path(attachmentId)}${suffix}`, person.cookie)).status;
}

const claim = (
  person: Person,
  messageId: string,
  attachmentIds: string[],
  firmId = person.firmId,
) =>
  t.database.db.transaction((tx) =>
    claimUploadsForMessage(tx, { uploader: person.uploader, attachmentIds, messageId, firmId }),
  );

const messageIdOf = async (ids: string[]) =>
  t.database.db
    .select({ id: attachments.id, messageId: attachments.messageId })
    .from(attachments)
    .where(inArray(attachments.id, ids));

describe("an upload not sent yet", () => {
  it("is seen by its uploader alone", async () => {
    const adas = await upload(people.ada);
    expect(await statusFor(people.ada, adas.id)).toBe(200);
    for (const name of ["ben", "sol", "dana", "ivy"] as const) {
      expect(await statusFor(people[name], adas.id), name).toBe(404);
    }
    const danas = await upload(people.dana);
    expect(await statusFor(people.dana, danas.id)).toBe(200);
    for (const name of ["ada", "ben", "eli", "gus", "sol", "ivy"] as const) {
      expect(await statusFor(people[name], danas.id), name).toBe(404);
    }
  });
});

describe("attaching uploads to a message", () => {
  it("attaches the uploader's own uploads, in the order given, and lists them with the message", async () => {
    const first = await upload(people.ada, "one.pdf");
    const second = await upload(people.ada, "two.png", await pngBytes(64, 64));
    const message = await api.send(acmeAll.id, "Two files", people.ada.cookie);
    const claimed = await claim(people.ada, message.id, [second.id, first.id]);
    expect(claimed.map((file) => file.name)).toEqual(["two.png", "one.pdf"]);

    const listed = await listAttachmentsOfMessages(t.database.db, {
      firmId: northwind.id,
      messageIds: [message.id, crypto.randomUUID()],
    });
    expect(listed.get(message.id)).toEqual<Attachment[]>([
      {
        id: first.id,
        name: "one.pdf",
        contentType: "application/pdf",
        size: first.size,
        hasThumbnail: false,
      },
      {
        id: second.id,
        name: "two.png",
        contentType: "image/png",
        size: second.size,
        hasThumbnail: true,
      },
    ]);
    expect(listed.size).toBe(1);
    // Another firm asking for the same message ids gets nothing.
    const elsewhere = await listAttachmentsOfMessages(t.database.db, {
      firmId: southside.id,
      messageIds: [message.id],
    });
    expect(elsewhere.size).toBe(0);
  });

  it("refuses a contact's upload to anyone else, attaching nothing", async () => {
    const danas = await upload(people.dana);
    const adaMessage = await api.send(acmeAll.id, "Mine", people.ada.cookie);
    const eliMessage = await contactApi.send(acmeAll.id, "Mine too", people.eli.cookie);
    const solMessage = await api.send(
      (
        await api.openConversation(
          (
            await buildClient(t.database.db, southside)
          ).id,
          { kind: "all_contacts" },
          people.sol.cookie,
        )
      ).id,
      "Other firm",
      people.sol.cookie,
    );
    const attempts: [Person, string][] = [
      [people.ada, adaMessage.id],
      [people.ben, adaMessage.id],
      [people.eli, eliMessage.id],
      [people.sol, solMessage.id],
    ];
    for (const [person, messageId] of attempts) {
      await expect(claim(person, messageId, [danas.id])).rejects.toMatchObject({
        status: 400,
        code: "attachment_unavailable",
      });
    }
    // Dana's own upload cannot be put in another firm's message either.
    await expect(claim(people.dana, solMessage.id, [danas.id], southside.id)).rejects.toMatchObject(
      { code: "attachment_unavailable" },
    );
    expect(await messageIdOf([danas.id])).toEqual([{ id: danas.id, messageId: null }]);
  });

  it("refuses a staff member's upload to anyone else", async () => {
    const adas = await upload(people.ada);
    const danaMessage = await contactApi.send(acmeAll.id, "Hello", people.dana.cookie);
    const benMessage = await api.send(acmeAll.id, "Hi", people.ben.cookie);
    await expect(claim(people.dana, danaMessage.id, [adas.id])).rejects.toMatchObject({
      code: "attachment_unavailable",
    });
    await expect(claim(people.ben, benMessage.id, [adas.id])).rejects.toMatchObject({
      code: "attachment_unavailable",
    });
    await expect(claim(people.sol, benMessage.id, [adas.id], northwind.id)).rejects.toMatchObject({
      code: "attachment_unavailable",
    });
    expect(await messageIdOf([adas.id])).toEqual([{ id: adas.id, messageId: null }]);
  });

  it("is all or nothing: one foreign id in the list attaches none of them", async () => {
    const own = await upload(people.dana, "own.pdf");
    const foreign = await upload(people.eli, "foreign.pdf");
    const message = await contactApi.send(acmeAll.id, "Both?", people.dana.cookie);
    await expect(claim(people.dana, message.id, [own.id, foreign.id])).rejects.toMatchObject({
      code: "attachment_unavailable",
    });
    expect(await messageIdOf([own.id])).toEqual([{ id: own.id, messageId: null }]);
    // Nor can a file be attached twice.
    await claim(people.dana, message.id, [own.id]);
    const another = await contactApi.send(acmeAll.id, "Again", people.dana.cookie);
    await expect(claim(people.dana, another.id, [own.id])).rejects.toMatchObject({
      code: "attachment_unavailable",
    });
  });

  it("refuses more than ten files on one message", async () => {
    const uploads = [];
    for (let i = 0; i < 11; i += 1)
      uploads.push(await upload(people.ben, `page-${i}.txt`, Buffer.from(`page ${i}`)));
    const message = await api.send(acmeAll.id, "Eleven pages", people.ben.cookie);
    await expect(
      claim(
        people.ben,
        message.id,
        uploads.map((file) => file.id),
      ),
    ).rejects.toMatchObject({ status: 400, code: "too_many_attachments" });
    expect(
      (
        await claim(
          people.ben,
          message.id,
          uploads.slice(0, 10).map((file) => file.id),
        )
      ).length,
    ).toBe(10);
  });
});

describe("a sent file is exactly as visible as its message", () => {
  it("goes to every contact of the client in All Contacts, and to no one outside", async () => {
    const file = await upload(people.ada, "year-end.png", await pngBytes(100, 100));
    const message = await api.send(acmeAll.id, "Your year-end pack", people.ada.cookie);
    await claim(people.ada, message.id, [file.id]);
    for (const name of ["ada", "ben", "dana", "eli"] as const) {
      expect(await statusFor(people[name], file.id), name).toBe(200);
      expect(await statusFor(people[name], file.id, "/thumbnail"), name).toBe(200);
    }
    for (const name of ["gus", "sol", "ivy"] as const) {
      expect(await statusFor(people[name], file.id), name).toBe(404);
      expect(await statusFor(people[name], file.id, "/thumbnail"), name).toBe(404);
    }
  });

  it("never reaches a contact when it is on an internal note", async () => {
    const file = await upload(people.ada, "internal-memo.png", await pngBytes(80, 80));
    const note = await api.send(acmeAll.id, "Staff only", people.ada.cookie, { internal: true });
    await claim(people.ada, note.id, [file.id]);
    expect(await statusFor(people.ben, file.id)).toBe(200);
    for (const name of ["dana", "eli", "gus", "ivy", "sol"] as const) {
      expect(await statusFor(people[name], file.id), name).toBe(404);
      expect(await statusFor(people[name], file.id, "/thumbnail"), name).toBe(404);
    }
  });

  it("stays between staff and the one contact in a direct thread", async () => {
    const fromStaff = await upload(people.ada, "dana-only.pdf");
    const toDana = await api.send(danaDirect.id, "Just for you", people.ada.cookie);
    await claim(people.ada, toDana.id, [fromStaff.id]);
    const fromDana = await upload(people.dana, "reply.pdf");
    const reply = await contactApi.send(danaDirect.id, "Thanks", people.dana.cookie);
    await claim(people.dana, reply.id, [fromDana.id]);
    for (const id of [fromStaff.id, fromDana.id]) {
      expect(await statusFor(people.dana, id)).toBe(200);
      expect(await statusFor(people.ben, id)).toBe(200);
      for (const name of ["eli", "gus", "ivy", "sol"] as const) {
        expect(await statusFor(people[name], id), name).toBe(404);
      }
    }
  });

  it("follows the contact's access: a file of another client's thread is 404, and revoking ends it", async () => {
    const file = await upload(people.ada, "globex.pdf");
    const message = await api.send(globexAll.id, "For Globex", people.ada.cookie);
    await claim(people.ada, message.id, [file.id]);
    expect(await statusFor(people.gus, file.id)).toBe(200);
    expect(await statusFor(people.dana, file.id)).toBe(404);

    const shared = await upload(people.ada, "shared.pdf");
    const sharedMessage = await api.send(acmeAll.id, "For Acme", people.ada.cookie);
    await claim(people.ada, sharedMessage.id, [shared.id]);
    expect(await statusFor(people.eli, shared.id)).toBe(200);
    const eliContactId = (people.eli.uploader as { contactId: string }).contactId;
    expect((await portal.revoke(acme.id, eliContactId, people.ada.cookie)).statusCode).toBe(200);
    // Revoking ends the contact's session: the download asks them to sign in.
    expect(await statusFor(people.eli, shared.id)).toBe(401);
  });
});

describe("removing a message's files", () => {
  const filesDir = () =>
    (t.config.fileStorage as Extract<FileStorageConfig, { kind: "disk" }>).directory;

  it("removes the bytes (and thumbnail) of a deleted message's files after the row is gone", async () => {
    const file = await upload(people.ada, "to-delete.png", await pngBytes(120, 90));
    const message = await api.send(acmeAll.id, "Oops", people.ada.cookie);
    await claim(people.ada, message.id, [file.id]);
    const [row] = await t.database.db.select().from(attachments).where(eq(attachments.id, file.id));
    expect(await filesIn(filesDir())).toEqual(
      expect.arrayContaining([row?.storageKey, row?.thumbnailKey]),
    );

    const stored = await storedFilesOfMessages(t.database.db, {
      firmId: northwind.id,
      messageIds: [message.id],
    });
    expect((await api.deleteMessage(message.id, people.ada.cookie)).statusCode).toBe(204);
    expect(await messageIdOf([file.id])).toEqual([]);
    await removeStoredFiles(t.storage, stored, t.app.log);

    const left = await filesIn(filesDir());
    expect(left).not.toContain(row?.storageKey);
    expect(left).not.toContain(row?.thumbnailKey);
    expect(await statusFor(people.ada, file.id)).toBe(404);
  });

  it("takes chosen files off a message being edited, and no one else's", async () => {
    const keep = await upload(people.ada, "keep.pdf");
    const drop = await upload(people.ada, "drop.pdf");
    const message = await api.send(acmeAll.id, "Two", people.ada.cookie);
    await claim(people.ada, message.id, [keep.id, drop.id]);
    const other = await upload(people.ada, "other.pdf");
    const otherMessage = await api.send(acmeAll.id, "Other", people.ada.cookie);
    await claim(people.ada, otherMessage.id, [other.id]);

    const removed = await t.database.db.transaction((tx) =>
      removeAttachmentsFromMessage(tx, {
        firmId: northwind.id,
        messageId: message.id,
        attachmentIds: [drop.id, other.id],
      }),
    );
    expect(removed).toHaveLength(1);
    await removeStoredFiles(t.storage, removed, t.app.log);
    expect(await statusFor(people.dana, drop.id)).toBe(404);
    expect(await statusFor(people.dana, keep.id)).toBe(200);
    expect(await statusFor(people.dana, other.id)).toBe(200);
  });
});
