import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestFirm,
} from "../../../test/factories.js";
import { messagingApi, portalConversationsUrl } from "../../../test/messaging.js";
import { listen, openSocket, portalApi } from "../../../test/portal.js";
import type { Conversation } from "../../shared/api/messaging.js";
import { conversations } from "../db/schema.js";

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let contactApi: ReturnType<typeof messagingApi>;
let portal: ReturnType<typeof portalApi>;
let firm: TestFirm;
let adaCookie: string;
let otherFirm: TestFirm;
let otherClientId: string;
let otherContactCookie: string;

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t);
  contactApi = messagingApi(t, "contact");
  portal = portalApi(t);
  firm = await buildFirm(t.database.db, "Northwind Accounting");
  adaCookie = await t.signIn((await buildStaff(t.database.db, firm, { name: "Ada Park" })).email);
  // Another firm with a client whose contact uses the portal: the attacker and the bystander.
  otherFirm = await buildFirm(t.database.db, "Southside Legal");
  const solCookie = await t.signIn(
    (await buildStaff(t.database.db, otherFirm, { name: "Sol Reed" })).email,
  );
  const otherClient = await buildClient(t.database.db, otherFirm, "Initech");
  otherClientId = otherClient.id;
  const ivy = await buildContact(t.database.db, otherClient, { name: "Ivy Chen" });
  otherContactCookie = await portal.grantAccess(otherClient, ivy, solCookie);
  await api.openConversation(otherClient.id, { kind: "all_contacts" }, solCookie);
});
afterAll(() => t.close());

const unique = () => crypto.randomUUID().slice(0, 8);

/**
 * A client with two contacts on the portal (Dana, Eli), one never invited (Fay) and one whose
 * access was revoked (Hal); and a neighbouring client of the same firm with its own contact.
 */
async function newScene() {
  const client = await buildClient(t.database.db, firm, `Acme Bakery ${unique()}`);
  const inviterCookie = await t.signIn((await buildStaff(t.database.db, firm)).email);
  const person = async (target: { id: string; firmId: string }, name: string) => {
    const contact = await buildContact(t.database.db, target, { name });
    return { contact, cookie: await portal.grantAccess(target, contact, inviterCookie) };
  };
  const dana = await person(client, "Dana Fox");
  const eli = await person(client, "Eli Stone");
  const fay = await buildContact(t.database.db, client, { name: "Fay Lin" });
  const hal = await person(client, "Hal Gone");
  const revoked = await portal.revoke(client.id, hal.contact.id, inviterCookie);
  expect(revoked.json().portalStatus).toBe("revoked");
  const neighbour = await buildClient(t.database.db, firm, `Globex ${unique()}`);
  const gus = await person(neighbour, "Gus Hale");
  return { client, dana, eli, fay, neighbour, gus };
}

const startDirectResponse = (clientId: string, cookie?: string, payload?: object) =>
  t.request({
    method: "POST",
    url: `${portalConversationsUrl(clientId)}/direct`,
    cookie,
    ...(payload ? { payload } : {}),
  });

const directThreadsOf = (clientId: string) =>
  t.database.db
    .select({ id: conversations.id, contactId: conversations.contactId })
    .from(conversations)
    .where(and(eq(conversations.clientId, clientId), eq(conversations.kind, "direct")));

describe("the names a contact sees", () => {
  it("titles the group All Contacts with its other contacts and the firm, the direct thread with the firm", async () => {
    const { client, dana, eli, gus, neighbour } = await newScene();
    const allContacts = await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
    await api.openConversation(
      client.id,
      { kind: "direct", contactId: dana.contact.id },
      adaCookie,
    );
    await api.openConversation(neighbour.id, { kind: "all_contacts" }, adaCookie);

    const danaList = await contactApi.listConversations(client.id, dana.cookie);
    expect(
      danaList.conversations.map(({ kind, title, members }) => ({ kind, title, members })),
    ).toEqual([
      {
        kind: "all_contacts",
        title: "All Contacts",
        members: ["Eli Stone", "Northwind Accounting"],
      },
      { kind: "direct", title: "Northwind Accounting", members: ["Northwind Accounting"] },
    ]);
    const eliRow = await contactApi.conversationRow(allContacts, eli.cookie);
    expect(eliRow.members).toEqual(["Dana Fox", "Northwind Accounting"]);

    // A contact of another client of the same firm is told only about their own client.
    const gusList = await contactApi.listConversations(neighbour.id, gus.cookie);
    expect(gusList.conversations.map((row) => row.members)).toEqual([["Northwind Accounting"]]);
  });

  it("never names contacts without access, of another client or of another firm, nor staff", async () => {
    const { client, dana } = await newScene();
    await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
    const seen = JSON.stringify(await contactApi.listConversations(client.id, dana.cookie));
    for (const name of ["Fay Lin", "Hal Gone", "Gus Hale", "Ivy Chen", "Ada Park", "Sol Reed"]) {
      expect(seen).not.toContain(name);
    }
    // The positive control: the listed names are there to be found.
    expect(seen).toContain("Eli Stone");
  });

  it("keeps showing staff the contact's name as a direct thread's title", async () => {
    const { client, dana } = await newScene();
    const direct = await api.openConversation(
      client.id,
      { kind: "direct", contactId: dana.contact.id },
      adaCookie,
    );
    const row = await api.conversationRow(direct, adaCookie);
    expect(row.title).toBe("Dana Fox");
    expect(row.members).toBeUndefined();
  });
});

describe("a contact starting their direct thread", () => {
  it("creates it once, announces it to staff live, and counts the contact's message unread", async () => {
    const { client, dana } = await newScene();
    const staffSocket = await openSocket(await listen(t), adaCookie);
    try {
      const first = await startDirectResponse(client.id, dana.cookie);
      expect(first.statusCode, first.body).toBe(201);
      const direct = first.json() as Conversation;
      expect(direct).toMatchObject({
        kind: "direct",
        title: "Northwind Accounting",
        members: ["Northwind Accounting"],
        contact: null,
        unreadCount: 0,
      });
      await staffSocket.waitFor(
        (frame) =>
          frame.type === "conversation.created" &&
          (frame.data?.conversation as { id?: string } | undefined)?.id === direct.id,
        "conversation.created for the new direct thread",
      );

      const again = await startDirectResponse(client.id, dana.cookie);
      expect(again.statusCode).toBe(200);
      expect(again.json().id).toBe(direct.id);
      expect(await directThreadsOf(client.id)).toEqual([
        { id: direct.id, contactId: dana.contact.id },
      ]);

      await contactApi.send(direct.id, "Hello from Dana", dana.cookie);
      const staffList = await api.listConversations(client.id, adaCookie);
      const staffRow = staffList.conversations.find((row) => row.id === direct.id);
      expect(staffRow).toMatchObject({ title: "Dana Fox", unreadCount: 1 });
      expect(staffList.contactsWithoutDirect.map((contact) => contact.name)).not.toContain(
        "Dana Fox",
      );
    } finally {
      staffSocket.socket.close();
    }
  });

  it("opens the thread staff already started instead of making a second one", async () => {
    const { client, dana } = await newScene();
    const byStaff = await api.openConversation(
      client.id,
      { kind: "direct", contactId: dana.contact.id },
      adaCookie,
    );
    const response = await startDirectResponse(client.id, dana.cookie);
    expect(response.statusCode).toBe(200);
    expect(response.json().id).toBe(byStaff.id);
  });

  it("starts only the contact's own thread, whatever contact the request names", async () => {
    const { client, dana, eli } = await newScene();
    const response = await startDirectResponse(client.id, dana.cookie, {
      kind: "direct",
      contactId: eli.contact.id,
    });
    expect(response.statusCode).toBe(201);
    expect(await directThreadsOf(client.id)).toEqual([
      { id: response.json().id, contactId: dana.contact.id },
    ]);
    // Eli does not see Dana's thread, and still has none of his own.
    expect((await contactApi.listConversations(client.id, eli.cookie)).conversations).toEqual([]);
  });

  it("answers 404 for another client of the firm or another firm's client, and creates nothing", async () => {
    const { dana, neighbour } = await newScene();
    for (const clientId of [neighbour.id, otherClientId, crypto.randomUUID()]) {
      const response = await startDirectResponse(clientId, dana.cookie);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({
        error: { code: "not_found", message: "Client was not found." },
      });
      expect(await directThreadsOf(clientId)).toEqual([]);
    }
  });

  it("refuses a contact of another firm, staff and nobody signed in", async () => {
    const { client } = await newScene();
    const attacker = await startDirectResponse(client.id, otherContactCookie);
    expect(attacker.statusCode).toBe(404);
    const staff = await startDirectResponse(client.id, adaCookie);
    expect(staff.statusCode).toBe(403);
    const anonymous = await startDirectResponse(client.id);
    expect(anonymous.statusCode).toBe(401);
    expect(await directThreadsOf(client.id)).toEqual([]);
  });
});

describe("starting a direct thread, limited like a send", () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({ messageSendRateLimit: 2 });
  });
  afterAll(() => limited.close());

  it("refuses a contact's starts past the per-minute limit with 429", async () => {
    const db = limited.database.db;
    const ownFirm = await buildFirm(db);
    const client = await buildClient(db, ownFirm);
    const staffCookie = await limited.signIn((await buildStaff(db, ownFirm)).email);
    const contact = await buildContact(db, client, { name: "Dana Fox" });
    const cookie = await portalApi(limited).grantAccess(client, contact, staffCookie);
    const start = () =>
      limited.request({
        method: "POST",
        url: `${portalConversationsUrl(client.id)}/direct`,
        cookie,
      });
    expect((await start()).statusCode).toBe(201);
    expect((await start()).statusCode).toBe(200);
    const refused = await start();
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe("rate_limited");
  });
});
