/**
 * A client's Files list: staff see every file sent in the client's conversations; a contact sees
 * only files of messages they may see — never a note's, never another contact's direct thread's —
 * and another firm sees nothing at all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import { pdfBytes, portalUploadPath, uploadFile, uploadPath } from "../../../test/files.js";
import { messagingApi } from "../../../test/messaging.js";
import { listen, portalApi } from "../../../test/portal.js";
import type { ClientFilePage } from "../../shared/api/files.js";

let t: TestApp;
let origin: string;
let adaCookie: string;
let danaCookie: string;
let eliCookie: string;
let solCookie: string;
let ivyCookie: string;
let acmeId: string;
const sent: Record<string, { messageId: string; fileId: string }> = {};
const NOTE_FILE = `note-only-${crypto.randomUUID()}.txt`;

const filesUrl = (clientId: string) => `/api/clients/${clientId}/files`;
const portalFilesUrl = (clientId: string) => `/api/portal/clients/${clientId}/files`;

beforeAll(async () => {
  t = await createTestApp();
  origin = await listen(t);
  const staffApi = messagingApi(t);
  const contactApi = messagingApi(t, "contact");
  const portal = portalApi(t);
  const db = t.database.db;
  const northwind = await buildFirm(db, "Northwind Accounting");
  const ada = await buildStaff(db, northwind, { name: "Ada Park", role: "owner" });
  adaCookie = await t.signIn(ada.email);
  const acme = await buildClient(db, northwind, "Acme Bakery");
  acmeId = acme.id;
  const dana = await buildContact(db, acme, { name: "Dana Fox" });
  const eli = await buildContact(db, acme, { name: "Eli Stone" });
  danaCookie = await portal.grantAccess(acme, dana, adaCookie);
  eliCookie = await portal.grantAccess(acme, eli, adaCookie);
  const southside = await buildFirm(db, "Southside Legal");
  const sol = await buildStaff(db, southside, { name: "Sol Reed", role: "owner" });
  solCookie = await t.signIn(sol.email);
  const initech = await buildClient(db, southside, "Initech");
  const ivy = await buildContact(db, initech, { name: "Ivy Chen" });
  ivyCookie = await portal.grantAccess(initech, ivy, solCookie);

  const all = await staffApi.openConversation(acme.id, { kind: "all_contacts" }, adaCookie);
  const danaDirect = await staffApi.openConversation(
    acme.id,
    { kind: "direct", contactId: dana.id },
    adaCookie,
  );
  const eliDirect = await staffApi.openConversation(
    acme.id,
    { kind: "direct", contactId: eli.id },
    adaCookie,
  );

  // In this order, so newest first is the reverse.
  const steps: [string, "staff" | "dana" | "eli", string, boolean][] = [
    ["public.pdf", "staff", all.id, false],
    [NOTE_FILE, "staff", all.id, true],
    ["from-dana.pdf", "dana", all.id, false],
    ["dana-direct.pdf", "staff", danaDirect.id, false],
    ["eli-direct.pdf", "eli", eliDirect.id, false],
  ];
  for (const [name, who, conversationId, internal] of steps) {
    const cookie = who === "staff" ? adaCookie : who === "dana" ? danaCookie : eliCookie;
    const path = who === "staff" ? uploadPath : portalUploadPath(acme.id);
    const upload = await uploadFile(origin, path, cookie, {
      name,
      content: name.endsWith(".txt") ? Buffer.from(`secret ${name}`) : pdfBytes(name),
    });
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);
    const api = who === "staff" ? staffApi : contactApi;
    const message = await api.send(conversationId, `Sending ${name}`, cookie, {
      internal: who === "staff" ? internal : undefined,
      attachmentIds: [upload.body.id],
    });
    sent[name] = { messageId: message.id, fileId: upload.body.id };
  }
});

afterAll(async () => {
  await t.close();
});

const list = async (url: string, cookie: string, query: Record<string, string> = {}) => {
  const response = await t.request({ method: "GET", url, cookie, query });
  return { status: response.statusCode, page: response.json() as ClientFilePage };
};

describe("a client's files", () => {
  it("shows staff every file, notes' included, newest first, with who, when and where", async () => {
    const { status, page } = await list(filesUrl(acmeId), adaCookie);
    expect(status).toBe(200);
    expect(page.files.map((file) => file.attachment.name)).toEqual([
      "eli-direct.pdf",
      "dana-direct.pdf",
      "from-dana.pdf",
      NOTE_FILE,
      "public.pdf",
    ]);
    expect(page.nextCursor).toBeNull();
    const fromDana = page.files.find((file) => file.attachment.name === "from-dana.pdf");
    expect(fromDana).toMatchObject({
      messageId: sent["from-dana.pdf"]?.messageId,
      conversationTitle: "All Contacts",
      sentBy: { kind: "contact", name: "Dana Fox" },
      internal: false,
    });
    expect(Date.parse(fromDana?.sentAt ?? "")).not.toBeNaN();
    expect(page.files.find((file) => file.attachment.name === NOTE_FILE)?.internal).toBe(true);
    expect(page.files[0]?.conversationTitle).toBe("Eli Stone");
  });

  it("shows a contact only files they may see: no note's, no other contact's direct thread", async () => {
    const { status, page } = await list(portalFilesUrl(acmeId), danaCookie);
    expect(status).toBe(200);
    expect(page.files.map((file) => file.attachment.name)).toEqual([
      "dana-direct.pdf",
      "from-dana.pdf",
      "public.pdf",
    ]);
    expect(JSON.stringify(page)).not.toContain(NOTE_FILE);
    expect(JSON.stringify(page)).not.toContain(sent[NOTE_FILE]?.fileId);
    expect(page.files[0]?.conversationTitle).toBe("Northwind Accounting");
    const eli = await list(portalFilesUrl(acmeId), eliCookie);
    expect(eli.page.files.map((file) => file.attachment.name)).toEqual([
      "eli-direct.pdf",
      "from-dana.pdf",
      "public.pdf",
    ]);
  });

  it("pages by keyset: every file once, in order", async () => {
    const names: string[] = [];
    let cursor: string | null | undefined;
    do {
      const { status, page } = await list(filesUrl(acmeId), adaCookie, {
        limit: "2",
        ...(cursor ? { cursor } : {}),
      });
      expect(status).toBe(200);
      names.push(...page.files.map((file) => file.attachment.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toEqual([
      "eli-direct.pdf",
      "dana-direct.pdf",
      "from-dana.pdf",
      NOTE_FILE,
      "public.pdf",
    ]);
    const bad = await t.request({
      method: "GET",
      url: filesUrl(acmeId),
      cookie: adaCookie,
      query: { cursor: "not-a-cursor" },
    });
    expect(bad.statusCode).toBe(400);
  });

  it("answers 404 to another firm's staff and contacts, and refuses contacts on the staff route", async () => {
    expect((await list(filesUrl(acmeId), solCookie)).status).toBe(404);
    expect((await list(portalFilesUrl(acmeId), ivyCookie)).status).toBe(404);
    expect([401, 403]).toContain((await list(filesUrl(acmeId), danaCookie)).status);
  });
});
