import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestFirm,
} from "../../../test/factories.js";
import { messagingApi } from "../../../test/messaging.js";
import { type Conversation, UNREAD_CAP } from "../../shared/api/messaging.js";

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let firm: TestFirm;
let adaCookie: string;
let benCookie: string;
let cleoCookie: string;
let otherCookie: string;
let otherThread: Conversation;

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t);
  firm = await buildFirm(t.database.db, "Unread Firm");
  adaCookie = await t.signIn((await buildStaff(t.database.db, firm, { name: "Ada Archer" })).email);
  benCookie = await t.signIn((await buildStaff(t.database.db, firm, { name: "Ben Baker" })).email);
  cleoCookie = await t.signIn(
    (await buildStaff(t.database.db, firm, { name: "Cleo Clark" })).email,
  );
  // A second firm, with its own staff and a thread full of unread messages, to leak from.
  const otherFirm = await buildFirm(t.database.db, "Other Firm");
  const otherAuthor = await t.signIn((await buildStaff(t.database.db, otherFirm)).email);
  otherCookie = await t.signIn((await buildStaff(t.database.db, otherFirm)).email);
  const otherClient = await buildClient(t.database.db, otherFirm, "Other Firm Client");
  otherThread = await api.openConversation(otherClient.id, { kind: "all_contacts" }, otherAuthor);
  for (const n of [1, 2]) await api.send(otherThread.id, `Other ${n}`, otherAuthor);
});
afterAll(() => t.close());

const unique = () => crypto.randomUUID().slice(0, 8);

async function newClientThread() {
  const client = await buildClient(t.database.db, firm, `Client ${unique()}`);
  const thread = await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
  return { client, thread };
}
const newThread = async () => (await newClientThread()).thread;

const sendMany = async (conversationId: string, count: number, cookie: string) => {
  const sent = [];
  for (let n = 1; n <= count; n++) sent.push(await api.send(conversationId, `Note ${n}`, cookie));
  return sent;
};

/** What the reader's conversation list shows for one thread, and for the client in total. */
async function unreadOf(thread: Conversation, cookie: string) {
  const list = await api.listConversations(thread.clientId, cookie);
  const row = list.conversations.find((conversation) => conversation.id === thread.id);
  if (!row) throw new Error("thread is not listed");
  return {
    unreadCount: row.unreadCount,
    lastReadSeq: row.lastReadSeq,
    unreadTotal: list.unreadTotal,
  };
}

const markRead = async (thread: Conversation, seq: number, cookie: string) => {
  const response = await api.markRead(thread.id, seq, cookie);
  expect(response.statusCode, response.body).toBe(204);
  expect(response.body).toBe("");
};

describe("unread counts", () => {
  it("counts another member's messages as unread, and never one's own", async () => {
    const thread = await newThread();
    await sendMany(thread.id, 3, adaCookie);

    expect(await unreadOf(thread, benCookie)).toEqual({
      unreadCount: 3,
      lastReadSeq: 0,
      unreadTotal: 3,
    });
    expect(await unreadOf(thread, adaCookie)).toEqual({
      unreadCount: 0,
      lastReadSeq: 3,
      unreadTotal: 0,
    });
  });

  it("counts internal notes for staff", async () => {
    const thread = await newThread();
    await api.send(thread.id, "Public", adaCookie);
    await api.send(thread.id, "Note", adaCookie, { internal: true });
    expect((await unreadOf(thread, benCookie)).unreadCount).toBe(2);
  });

  it("keeps each reader's count separate", async () => {
    const thread = await newThread();
    await sendMany(thread.id, 3, adaCookie);
    await markRead(thread, 3, benCookie);
    expect((await unreadOf(thread, benCookie)).unreadCount).toBe(0);
    expect((await unreadOf(thread, cleoCookie)).unreadCount).toBe(3);

    // Ben's reply is unread for Ada and Cleo, not for Ben.
    await api.send(thread.id, "Reply", benCookie);
    expect((await unreadOf(thread, benCookie)).unreadCount).toBe(0);
    expect((await unreadOf(thread, adaCookie)).unreadCount).toBe(1);
    expect((await unreadOf(thread, cleoCookie)).unreadCount).toBe(4);
  });

  it("adds up the client's threads in unreadTotal, and no other client's", async () => {
    const { client, thread } = await newClientThread();
    const contact = await buildContact(t.database.db, client, { name: "Dee Direct" });
    const direct = await api.openConversation(
      client.id,
      { kind: "direct", contactId: contact.id },
      adaCookie,
    );
    const elsewhere = await newThread();
    await sendMany(thread.id, 2, adaCookie);
    await sendMany(direct.id, 3, adaCookie);
    await sendMany(elsewhere.id, 4, adaCookie);

    const list = await api.listConversations(client.id, benCookie);
    expect(list.conversations.map((row) => [row.title, row.unreadCount])).toEqual([
      ["All Contacts", 2],
      ["Dee Direct", 3],
    ]);
    expect(list.unreadTotal).toBe(5);
  });
});

describe("marking read", () => {
  it("clears the count up to the given seq", async () => {
    const thread = await newThread();
    await sendMany(thread.id, 3, adaCookie);

    await markRead(thread, 2, benCookie);
    expect(await unreadOf(thread, benCookie)).toEqual({
      unreadCount: 1,
      lastReadSeq: 2,
      unreadTotal: 1,
    });
    await markRead(thread, 3, benCookie);
    expect(await unreadOf(thread, benCookie)).toEqual({
      unreadCount: 0,
      lastReadSeq: 3,
      unreadTotal: 0,
    });
  });

  it("clamps a seq beyond the last message, so the next message is unread", async () => {
    const thread = await newThread();
    await sendMany(thread.id, 3, adaCookie);

    await markRead(thread, 1_000, benCookie);
    expect(await unreadOf(thread, benCookie)).toEqual({
      unreadCount: 0,
      lastReadSeq: 3,
      unreadTotal: 0,
    });

    await api.send(thread.id, "After the clamp", adaCookie);
    expect(await unreadOf(thread, benCookie)).toEqual({
      unreadCount: 1,
      lastReadSeq: 3,
      unreadTotal: 1,
    });
  });

  it("never moves the cursor backwards", async () => {
    const thread = await newThread();
    await sendMany(thread.id, 3, adaCookie);
    await markRead(thread, 3, benCookie);

    await markRead(thread, 1, benCookie);
    await markRead(thread, 0, benCookie);
    expect(await unreadOf(thread, benCookie)).toEqual({
      unreadCount: 0,
      lastReadSeq: 3,
      unreadTotal: 0,
    });
  });

  it("keeps the furthest cursor when reads arrive at once, in any order", async () => {
    const thread = await newThread();
    await sendMany(thread.id, 6, adaCookie);
    const responses = await Promise.all(
      [6, 2, 4, 1, 5, 3].map((seq) => api.markRead(thread.id, seq, benCookie)),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(Array(6).fill(204));
    expect((await unreadOf(thread, benCookie)).lastReadSeq).toBe(6);
  });

  it("drops the count when an unread message is deleted", async () => {
    const thread = await newThread();
    const [first, second, third] = await sendMany(thread.id, 3, adaCookie);
    expect((await unreadOf(thread, benCookie)).unreadCount).toBe(3);

    expect((await api.deleteMessage(String(second?.id), adaCookie)).statusCode).toBe(204);
    expect(await unreadOf(thread, benCookie)).toMatchObject({ unreadCount: 2, unreadTotal: 2 });

    await markRead(thread, Number(first?.seq), benCookie);
    expect((await unreadOf(thread, benCookie)).unreadCount).toBe(1);
    expect((await api.deleteMessage(String(third?.id), adaCookie)).statusCode).toBe(204);
    expect((await unreadOf(thread, benCookie)).unreadCount).toBe(0);
  });

  it("stays exact past more deletions than the cap", async () => {
    const thread = await newThread();
    const sent = await sendMany(thread.id, UNREAD_CAP + 5, adaCookie);
    await markRead(thread, 1, benCookie);
    // Ada deletes all but the first two and the last: 102 deletions past Ben's cursor.
    for (const message of sent.slice(2, UNREAD_CAP + 4)) {
      expect((await api.deleteMessage(message.id, adaCookie)).statusCode).toBe(204);
    }
    expect(await unreadOf(thread, benCookie)).toMatchObject({ unreadCount: 2, unreadTotal: 2 });
    await markRead(thread, Number(sent[1]?.seq), benCookie);
    expect((await unreadOf(thread, benCookie)).unreadCount).toBe(1);
  });

  it("caps the count at 100", async () => {
    expect(UNREAD_CAP).toBe(100);
    const thread = await newThread();
    await sendMany(thread.id, 105, adaCookie);

    expect(await unreadOf(thread, benCookie)).toEqual({
      unreadCount: 100,
      lastReadSeq: 0,
      unreadTotal: 100,
    });
    // Below the cap, the count is exact again.
    await markRead(thread, 6, benCookie);
    expect((await unreadOf(thread, benCookie)).unreadCount).toBe(99);
    await markRead(thread, 100, benCookie);
    expect((await unreadOf(thread, benCookie)).unreadCount).toBe(5);
  });

  it("answers 404 for another firm's conversation, and moves no cursor there", async () => {
    const response = await api.markRead(otherThread.id, 2, adaCookie);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: "not_found", message: "Conversation was not found." },
    });
    expect(await unreadOf(otherThread, otherCookie)).toMatchObject({
      unreadCount: 2,
      lastReadSeq: 0,
    });
  });

  it.each([
    { rule: "a negative seq", payload: { seq: -1 } },
    { rule: "a fractional seq", payload: { seq: 1.5 } },
    { rule: "a seq that is a string", payload: { seq: "3" } },
    { rule: "no seq", payload: {} },
  ])("answers 400 invalid_input to $rule, and moves no cursor", async ({ payload }) => {
    const thread = await newThread();
    await sendMany(thread.id, 3, adaCookie);
    const response = await t.request({
      method: "POST",
      url: `/api/conversations/${thread.id}/read`,
      payload,
      cookie: benCookie,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("invalid_input");
    expect((await unreadOf(thread, benCookie)).unreadCount).toBe(3);
  });

  it("answers 401 without a session, and moves no cursor", async () => {
    const thread = await newThread();
    await sendMany(thread.id, 2, adaCookie);
    const response = await api.markRead(thread.id, 2);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error: { code: "unauthenticated", message: "Sign in to continue." },
    });
    expect((await unreadOf(thread, benCookie)).unreadCount).toBe(2);
  });
});
