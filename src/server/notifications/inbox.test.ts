import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import { docOf, mention, messagingApi, paragraph, text } from "../../../test/messaging.js";
import { portalApi } from "../../../test/portal.js";
import type { Conversation } from "../../shared/api/messaging.js";
import type { InboxFilter, InboxPage, InboxRow } from "../../shared/api/notifications.js";

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let portal: ReturnType<typeof messagingApi>;
let adaCookie: string;
let benCookie: string;
let danaCookie: string;
let otherFirmCookie: string;
let adaStaffId: string;
let northwindAll: Conversation;
let northwindDirect: Conversation;
let acmeAll: Conversation;
let otherFirmThread: Conversation;
let mentionNote: { seq: number };

const CANARY = "CANARY-inbox-91c2";

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t, "staff");
  portal = messagingApi(t, "contact");
  const db = t.database.db;
  const firm = await buildFirm(db, "Inbox Firm");
  const ada = await buildStaff(db, firm, { name: "Ada Archer" });
  adaStaffId = ada.id;
  adaCookie = await t.signIn(ada.email);
  benCookie = await t.signIn((await buildStaff(db, firm, { name: "Ben Baker" })).email);
  const northwind = await buildClient(db, firm, "Northwind");
  const acme = await buildClient(db, firm, "Acme");
  const dana = await buildContact(db, northwind, { name: "Dana Diaz" });
  danaCookie = await portalApi(t).grantAccess(northwind, dana, adaCookie);

  // A second firm with unread, waiting work of its own: none of it may show in this inbox.
  const otherFirm = await buildFirm(db, "Other Firm");
  const otto = await buildStaff(db, otherFirm, { name: "Otto Other" });
  otherFirmCookie = await t.signIn(otto.email);
  const otherClient = await buildClient(db, otherFirm, "Other Client");
  otherFirmThread = await api.openConversation(
    otherClient.id,
    { kind: "all_contacts" },
    otherFirmCookie,
  );
  await api.send(otherFirmThread.id, "Other firm's message", otherFirmCookie);

  // Oldest first: Ada's own direct message, Dana's question (then a note), Ben's reply at Acme.
  northwindDirect = await api.openConversation(
    northwind.id,
    { kind: "direct", contactId: dana.id },
    adaCookie,
  );
  await api.send(northwindDirect.id, "Your documents are ready", adaCookie);
  northwindAll = await api.openConversation(northwind.id, { kind: "all_contacts" }, adaCookie);
  await portal.send(northwindAll.id, "When is the deadline?", danaCookie);
  await api.send(northwindAll.id, `${CANARY} checking the file`, benCookie, { internal: true });
  acmeAll = await api.openConversation(acme.id, { kind: "all_contacts" }, benCookie);
  await api.send(acmeAll.id, "We sent the draft", benCookie);
  mentionNote = await api.send(
    acmeAll.id,
    docOf(paragraph(text("Can you review? "), mention(adaStaffId, "Ada"))),
    benCookie,
    { internal: true },
  );
});
afterAll(() => t.close());

async function inbox(cookie: string, filter: InboxFilter = "all", before?: string) {
  const response = await t.request({
    method: "GET",
    url: "/api/inbox",
    query: before ? { filter, before } : { filter },
    cookie,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as InboxPage;
}

const titles = (page: InboxPage) => page.rows.map((row) => `${row.clientName} · ${row.title}`);

describe("the inbox", () => {
  it("lists the firm's conversations across clients, newest activity first", async () => {
    const page = await inbox(adaCookie);
    expect(titles(page)).toEqual([
      "Acme · All Contacts",
      "Northwind · All Contacts",
      "Northwind · Dana Diaz",
    ]);
    expect(page.nextCursor).toBeNull();
  });

  it("shows each row's preview (a note with its lock flag), unread for me, waiting and mention", async () => {
    const rows = new Map((await inbox(adaCookie)).rows.map((row) => [row.conversationId, row]));
    expect(rows.get(northwindAll.id)).toEqual({
      conversationId: northwindAll.id,
      clientId: northwindAll.clientId,
      clientName: "Northwind",
      kind: "all_contacts",
      title: "All Contacts",
      lastMessage: {
        preview: `${CANARY} checking the file`,
        internal: true,
        authorName: "Ben Baker",
        createdAt: expect.any(String),
      },
      lastActivityAt: expect.any(String),
      unreadCount: 2,
      waitingOn: "us",
      mentioned: false,
    } satisfies InboxRow);
    expect(rows.get(acmeAll.id)).toMatchObject({
      unreadCount: 2,
      waitingOn: "client",
      mentioned: true,
    });
    expect(rows.get(northwindDirect.id)).toMatchObject({ unreadCount: 0, waitingOn: "client" });
  });

  it("filters Unread, Waiting on us (a note never changes it) and Mentions", async () => {
    expect(titles(await inbox(adaCookie, "unread"))).toEqual([
      "Acme · All Contacts",
      "Northwind · All Contacts",
    ]);
    expect(titles(await inbox(adaCookie, "waiting"))).toEqual(["Northwind · All Contacts"]);
    expect(titles(await inbox(adaCookie, "mentions"))).toEqual(["Acme · All Contacts"]);
    // Writing reads what came before (Ben's note read Dana's question); Ada's message is news to Ben.
    expect(titles(await inbox(benCookie, "unread"))).toEqual(["Northwind · Dana Diaz"]);
    expect(titles(await inbox(benCookie, "mentions"))).toEqual([]);
  });

  it("counts conversations with something unread for the header", async () => {
    const response = await t.request({
      method: "GET",
      url: "/api/inbox/unread-total",
      cookie: adaCookie,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ unreadConversations: 2 });
  });

  it("says on the client's conversation list whom each conversation waits on (staff only)", async () => {
    const staffList = await api.listConversations(northwindAll.clientId, adaCookie);
    const waiting = Object.fromEntries(
      staffList.conversations.map((row) => [row.title, row.waitingOn]),
    );
    expect(waiting).toEqual({ "All Contacts": "us", "Dana Diaz": "client" });
    const danaList = await portal.listConversations(northwindAll.clientId, danaCookie);
    expect(danaList.conversations.map((row) => row.waitingOn)).toEqual([null, null]);
  });

  it("gives each client my unread total on the client list, sortable by it", async () => {
    const clientsOf = async (cookie: string, sort?: "unread") => {
      const response = await t.request({
        method: "GET",
        url: "/api/clients",
        query: sort ? { sort } : {},
        cookie,
      });
      expect(response.statusCode, response.body).toBe(200);
      return (response.json().clients as { name: string; unreadCount: number }[]).map(
        (client) => `${client.name} ${client.unreadCount}`,
      );
    };
    expect(await clientsOf(adaCookie)).toEqual(["Acme 2", "Northwind 2"]);
    expect(await clientsOf(benCookie)).toEqual(["Acme 0", "Northwind 1"]);
    expect(await clientsOf(benCookie, "unread")).toEqual(["Northwind 1", "Acme 0"]);
    expect(await clientsOf(otherFirmCookie)).toEqual(["Other Client 0"]);
  });

  it("drops a conversation from Mentions and Unread once I read it", async () => {
    const read = await api.markRead(acmeAll.id, mentionNote.seq, adaCookie);
    expect(read.statusCode, read.body).toBe(204);
    expect(titles(await inbox(adaCookie, "mentions"))).toEqual([]);
    expect(titles(await inbox(adaCookie, "unread"))).toEqual(["Northwind · All Contacts"]);
  });

  it("shows another firm only its own conversations, and contacts nothing", async () => {
    const other = await inbox(otherFirmCookie);
    expect(other.rows.map((row) => row.conversationId)).toEqual([otherFirmThread.id]);
    expect(JSON.stringify(other)).not.toContain(CANARY);
    for (const url of ["/api/inbox", "/api/inbox/unread-total"]) {
      const response = await t.request({ method: "GET", url, cookie: danaCookie });
      expect(response.statusCode).toBe(403);
      expect(response.body).not.toContain(CANARY);
    }
  });

  it("pages by newest activity with a cursor, each conversation once, and refuses a forged cursor", async () => {
    const db = t.database.db;
    const firm = await buildFirm(db, "Busy Firm");
    const cookie = await t.signIn((await buildStaff(db, firm)).email);
    const sent: string[] = [];
    for (let n = 0; n < 33; n++) {
      const client = await buildClient(db, firm, `Busy ${n}`);
      const thread = await api.openConversation(client.id, { kind: "all_contacts" }, cookie);
      await api.send(thread.id, `Message ${n}`, cookie);
      sent.push(thread.id);
    }
    const first = await inbox(cookie);
    expect(first.rows).toHaveLength(30);
    const second = await inbox(cookie, "all", first.nextCursor ?? undefined);
    expect(second.nextCursor).toBeNull();
    expect([...first.rows, ...second.rows].map((row) => row.conversationId)).toEqual(
      sent.reverse(),
    );
    const forged = await t.request({
      method: "GET",
      url: "/api/inbox",
      query: { before: "forged" },
      cookie,
    });
    expect(forged.statusCode).toBe(400);
  });
});

describe("whom a conversation waits on, after deletions", () => {
  it("is read again from the newest public message left, and a deleted note changes nothing", async () => {
    const db = t.database.db;
    const firm = await buildFirm(db, "Deleting Firm");
    const cora = await t.signIn((await buildStaff(db, firm, { name: "Cora Cole" })).email);
    const client = await buildClient(db, firm, "Fabrikam");
    const erin = await buildContact(db, client, { name: "Erin Eve" });
    const erinCookie = await portalApi(t).grantAccess(client, erin, cora);
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, cora);
    const waitingOn = async () => (await api.conversationRow(thread, cora)).waitingOn;
    const waitingTitles = async () =>
      (await inbox(cora, "waiting")).rows.map((row) => row.conversationId);

    await api.send(thread.id, "The forms are attached", cora);
    const question = await portal.send(thread.id, "Which form?", erinCookie);
    const note = await api.send(thread.id, "Erin means the tax form", cora, { internal: true });
    expect(await waitingOn()).toBe("us");
    expect(await waitingTitles()).toEqual([thread.id]);

    expect((await api.deleteMessage(note.id, cora)).statusCode).toBe(204);
    expect(await waitingOn()).toBe("us");
    expect((await portal.deleteMessage(question.id, erinCookie)).statusCode).toBe(204);
    expect(await waitingOn()).toBe("client");
    expect(await waitingTitles()).toEqual([]);
  });
});
