/**
 * Removing a contact: only owners and admins may; someone with history (messages, a direct
 * thread with its staff notes) is kept as a former contact, and their portal access ends at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestFirm,
} from "../../../test/factories.js";
import { messagingApi, plainText } from "../../../test/messaging.js";
import { listen, openSocket, portalApi, type SocketListener } from "../../../test/portal.js";

type ClientRow = Awaited<ReturnType<typeof buildClient>>;
type ContactRow = Awaited<ReturnType<typeof buildContact>>;

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let portal: ReturnType<typeof portalApi>;
let contactApi: ReturnType<typeof messagingApi>;
let origin: string;
let firm: TestFirm;
let ownerCookie: string;
let adminCookie: string;
let memberCookie: string;

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t);
  portal = portalApi(t);
  contactApi = messagingApi(t, "contact");
  origin = await listen(t);
  firm = await buildFirm(t.database.db, "Removal Firm");
  const staffOf = async (role: "owner" | "admin" | "member") =>
    t.signIn((await buildStaff(t.database.db, firm, { role })).email);
  ownerCookie = await staffOf("owner");
  adminCookie = await staffOf("admin");
  memberCookie = await staffOf("member");
});
afterAll(() => t.close());

const sockets = new Set<SocketListener>();
afterEach(() => {
  for (const listener of sockets) listener.socket.terminate();
  sockets.clear();
});

const unique = () => crypto.randomUUID().slice(0, 8);
const newClient = () => buildClient(t.database.db, firm, `Client ${unique()}`);

const contactUrl = (client: ClientRow, contact: { id: string }) =>
  `/api/clients/${client.id}/contacts/${contact.id}`;
const remove = (client: ClientRow, contact: { id: string }, cookie = adminCookie) =>
  t.request({ method: "DELETE", url: contactUrl(client, contact), cookie });
const contactsOf = async (client: ClientRow) => {
  const response = await t.request({
    method: "GET",
    url: `/api/clients/${client.id}/contacts`,
    cookie: ownerCookie,
  });
  expect(response.statusCode).toBe(200);
  return response.json().contacts as { id: string; portalStatus: string; former: boolean }[];
};
const countOf = async (client: ClientRow) => {
  const response = await t.request({
    method: "GET",
    url: "/api/clients",
    query: { q: client.name },
    cookie: ownerCookie,
  });
  return response.json().clients.find((row: { id: string }) => row.id === client.id)?.contactCount;
};
const formerContact = (name: string) => ({
  error: { code: "former_contact", message: `${name} is a former contact of this client.` },
});

describe("who may remove a contact", () => {
  it("refuses a member with 403 and changes nothing; owners and admins may", async () => {
    const client = await newClient();
    const first = await buildContact(t.database.db, client);
    const second = await buildContact(t.database.db, client);

    const refused = await remove(client, first, memberCookie);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({
      error: {
        code: "forbidden",
        message: "Only the firm's owners and admins can remove contacts.",
      },
    });
    expect(await countOf(client)).toBe(2);

    expect((await remove(client, first, ownerCookie)).statusCode).toBe(204);
    expect((await remove(client, second, adminCookie)).statusCode).toBe(204);
    expect(await contactsOf(client)).toEqual([]);
  });

  it("tells each role in its session what it may do", async () => {
    const session = async (cookie: string) =>
      (await t.request({ method: "GET", url: "/api/session", cookie })).json();
    expect((await session(ownerCookie)).can).toMatchObject({
      readOutbox: true,
      removeContacts: true,
    });
    expect(await session(adminCookie)).toMatchObject({
      role: "admin",
      can: { readOutbox: true, removeContacts: true },
    });
    expect((await session(memberCookie)).can).toMatchObject({
      readOutbox: false,
      removeContacts: false,
    });
    const outbox = await t.request({ method: "GET", url: "/api/outbox", cookie: memberCookie });
    expect(outbox.statusCode).toBe(403);
  });
});

describe("removing a contact with history", () => {
  let client: ClientRow;
  let gone: ContactRow;
  let goneCookie: string;
  let socket: SocketListener;
  let direct: Awaited<ReturnType<typeof api.openConversation>>;
  let threadBefore: unknown;

  beforeAll(async () => {
    client = await newClient();
    gone = await buildContact(t.database.db, client, { name: "Gale Gone" });
    goneCookie = await portal.grantAccess(client, gone, ownerCookie);
    direct = await api.openConversation(
      client.id,
      { kind: "direct", contactId: gone.id },
      ownerCookie,
    );
    await api.send(direct.id, "Here are the figures", ownerCookie);
    await api.send(direct.id, "Gale pays late: keep an eye on it", ownerCookie, {
      internal: true,
    });
    await contactApi.send(direct.id, "Thanks, received", goneCookie);
    threadBefore = await api.listMessages(direct.id, ownerCookie);
    socket = await openSocket(origin, goneCookie);

    expect((await remove(client, gone)).statusCode).toBe(204);
  });

  it("keeps them as a former contact, outside the count", async () => {
    expect(await contactsOf(client)).toEqual([
      expect.objectContaining({ id: gone.id, former: true, portalStatus: "revoked" }),
    ]);
    expect(await countOf(client)).toBe(0);
  });

  it("keeps their direct thread, notes included, titled as a former contact", async () => {
    expect(await api.listMessages(direct.id, ownerCookie)).toEqual(threadBefore);
    const page = await api.listMessages(direct.id, ownerCookie);
    expect(page.messages.map((message) => plainText(message.body))).toEqual([
      "Here are the figures",
      "Gale pays late: keep an eye on it",
      "Thanks, received",
    ]);
    expect(page.messages[2]?.author.name).toBe("Gale Gone");
    const list = await api.listConversations(client.id, ownerCookie);
    expect(list.conversations.find((row) => row.id === direct.id)).toMatchObject({
      title: "Gale Gone (former contact)",
      contact: { id: gone.id, name: "Gale Gone", former: true },
    });
    expect(list.contactsWithoutDirect).toEqual([]);
  });

  it("ends their portal access at once, socket included", async () => {
    expect(await socket.closed).toEqual({ code: 4403, reason: "access revoked" });
    expect((await portal.session(goneCookie)).statusCode).toBe(401);
  });

  it("offers them for nothing new: no invitation, no change, no new thread", async () => {
    const invited = await portal.invite(client.id, gone.id, ownerCookie);
    expect(invited.statusCode).toBe(409);
    expect(invited.json()).toEqual(formerContact("Gale Gone"));
    const changed = await t.request({
      method: "PUT",
      url: contactUrl(client, gone),
      payload: { name: "Gale Back", email: gone.email },
      cookie: ownerCookie,
    });
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toEqual(formerContact("Gale Gone"));
    // Someone who only wrote in All Contacts is kept too, and gets no direct thread after.
    const other = await newClient();
    const formerHere = await buildContact(t.database.db, other, { name: "Fern Former" });
    const fernCookie = await portal.grantAccess(other, formerHere, ownerCookie);
    const allThread = await api.openConversation(other.id, { kind: "all_contacts" }, ownerCookie);
    await contactApi.send(allThread.id, "Fern was here", fernCookie);
    expect((await remove(other, formerHere)).statusCode).toBe(204);
    expect((await contactsOf(other))[0]?.former).toBe(true);
    const opened = await t.request({
      method: "POST",
      url: `/api/clients/${other.id}/conversations`,
      payload: { kind: "direct", contactId: formerHere.id },
      cookie: ownerCookie,
    });
    expect(opened.statusCode).toBe(409);
    expect(opened.json()).toEqual(formerContact("Fern Former"));
  });

  it("lets the address be used by a new contact, and answers a second removal with no change", async () => {
    expect((await remove(client, gone)).statusCode).toBe(204);
    expect(await contactsOf(client)).toHaveLength(1);
    const again = await t.request({
      method: "POST",
      url: `/api/clients/${client.id}/contacts`,
      payload: { name: "Gale Again", email: gone.email },
      cookie: ownerCookie,
    });
    expect(again.statusCode).toBe(201);
    expect(await countOf(client)).toBe(1);
  });
});

describe("removing a contact without history", () => {
  it("deletes them, and their pending invitation link stops working", async () => {
    const client = await newClient();
    const invited = await buildContact(t.database.db, client);
    expect((await portal.invite(client.id, invited.id, ownerCookie)).statusCode).toBe(200);
    const token = await portal.latestInvitationToken(invited.email ?? "");

    expect((await remove(client, invited)).statusCode).toBe(204);
    expect(await contactsOf(client)).toEqual([]);
    expect((await portal.describe(token)).json()).toEqual({ state: "invalid", firmName: null });
    expect((await portal.accept(token)).statusCode).toBe(410);
    expect((await remove(client, invited)).statusCode).toBe(404);
  });
});
