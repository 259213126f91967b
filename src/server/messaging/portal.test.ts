import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestFirm,
  type TestStaff,
} from "../../../test/factories.js";
import {
  docOf,
  mention,
  messagingApi,
  paragraph,
  plainText,
  text,
  textDoc,
} from "../../../test/messaging.js";
import { portalApi } from "../../../test/portal.js";
import { type Conversation, type Message, UNREAD_CAP } from "../../shared/api/messaging.js";
import type { RichTextNode } from "../../shared/rich-text/document.js";
import { conversations, messages } from "../db/schema.js";

type ClientRow = Awaited<ReturnType<typeof buildClient>>;
type ContactRow = Awaited<ReturnType<typeof buildContact>>;

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let portal: ReturnType<typeof portalApi>;
let contactApi: ReturnType<typeof messagingApi>;
let firm: TestFirm;
let ada: TestStaff;
let adaCookie: string;
let otherStaff: TestStaff;
let otherCookie: string;
let otherThread: Conversation;
let otherMessage: Message;
let otherContactCookie: string;

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t);
  portal = portalApi(t);
  contactApi = messagingApi(t, "contact");
  firm = await buildFirm(t.database.db, "Portal Firm");
  ada = await buildStaff(t.database.db, firm, { name: "Ada Archer" });
  adaCookie = await t.signIn(ada.email);
  // A second firm, with its own client, contact on the portal, thread and message.
  const otherFirm = await buildFirm(t.database.db, "Other Firm");
  otherStaff = await buildStaff(t.database.db, otherFirm, { name: "Otto Other" });
  otherCookie = await t.signIn(otherStaff.email);
  const otherClient = await buildClient(t.database.db, otherFirm, "Other Firm Client");
  const otherContact = await buildContact(t.database.db, otherClient, { name: "Olive Other" });
  otherContactCookie = await portal.grantAccess(otherClient, otherContact, otherCookie);
  otherThread = await api.openConversation(otherClient.id, { kind: "all_contacts" }, otherCookie);
  otherMessage = await api.send(otherThread.id, "Other firm's message", otherCookie);
});
afterAll(() => t.close());

const unique = () => crypto.randomUUID().slice(0, 8);

type Person = { contact: ContactRow; cookie: string };

/**
 * A fresh client with two contacts on the portal (Dana, Eli) and one without access (Fay).
 * A fresh staff member invites them: invitations are limited per sender and hour.
 */
async function newScene() {
  const client = await buildClient(t.database.db, firm, `Client ${unique()}`);
  const inviterCookie = await t.signIn((await buildStaff(t.database.db, firm)).email);
  const person = async (name: string): Promise<Person> => {
    const contact = await buildContact(t.database.db, client, { name });
    return { contact, cookie: await portal.grantAccess(client, contact, inviterCookie) };
  };
  const dana = await person("Dana Fox");
  const eli = await person("Eli Stone");
  const fay = await buildContact(t.database.db, client, { name: "Fay Lin" });
  return { client, dana, eli, fay };
}

const openAllContacts = (client: ClientRow) =>
  api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
const openDirect = (client: ClientRow, contact: ContactRow) =>
  api.openConversation(client.id, { kind: "direct", contactId: contact.id }, adaCookie);

/**
 * A conversation row as a contact sees it in the portal list: a direct thread is titled with the
 * firm's name and has the firm in it; an All Contacts thread names its other contacts (`others`).
 */
const portalRow = (
  conversation: Conversation,
  overrides: Partial<Conversation> & { others?: string[] } = {},
): Conversation => ({
  id: conversation.id,
  clientId: conversation.clientId,
  kind: conversation.kind,
  title: conversation.kind === "all_contacts" ? "All Contacts" : firm.name,
  members: [...(overrides.others ?? []), firm.name],
  contact: null,
  lastSeq: 0,
  lastReadSeq: 0,
  unreadCount: 0,
  waitingOn: null,
  lastMessage: null,
  ...(({ others: _others, ...rest }) => rest)(overrides),
});

const rowOf = async (conversation: Conversation, cookie: string) => {
  const list = await contactApi.listConversations(conversation.clientId, cookie);
  const row = list.conversations.find((candidate) => candidate.id === conversation.id);
  if (!row) throw new Error(`conversation ${conversation.id} is not in the portal list`);
  return row;
};

const textsOf = (page: { messages: Message[] }) =>
  page.messages.map((message) => plainText(message.body as RichTextNode));

/** The message as a contact sees it: the same, numbered in the public sequence. */
const asContactSees = (message: Message, seq: number): Message => ({
  ...message,
  seq,
  internal: false,
});

const storedMessages = (conversationId: string) =>
  t.database.db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.seq));

const storedCounters = async (conversationId: string) => {
  const [row] = await t.database.db
    .select({ lastSeq: conversations.lastSeq, lastPublicSeq: conversations.lastPublicSeq })
    .from(conversations)
    .where(eq(conversations.id, conversationId));
  return row;
};

const clientNotFound = { error: { code: "not_found", message: "Client was not found." } };
const conversationNotFound = {
  error: { code: "not_found", message: "Conversation was not found." },
};
const messageNotFound = { error: { code: "not_found", message: "Message was not found." } };
const notTheAuthor = {
  error: { code: "forbidden", message: "Only the author can change or delete a message." },
};

describe("the portal conversation list", () => {
  it("shows the All Contacts thread and the contact's own direct thread, nothing else", async () => {
    const { client, dana, eli, fay } = await newScene();
    expect(await contactApi.listConversations(client.id, dana.cookie)).toEqual({
      conversations: [],
      contactsWithoutDirect: [],
      unreadTotal: 0,
    });

    // Threads of other contacts never show; a thread not yet created is absent.
    const eliDirect = await openDirect(client, eli.contact);
    await openDirect(client, fay);
    expect(await contactApi.listConversations(client.id, dana.cookie)).toEqual({
      conversations: [],
      contactsWithoutDirect: [],
      unreadTotal: 0,
    });
    expect(await contactApi.listConversations(client.id, eli.cookie)).toEqual({
      conversations: [portalRow(eliDirect)],
      contactsWithoutDirect: [],
      unreadTotal: 0,
    });

    const allContacts = await openAllContacts(client);
    expect((await contactApi.listConversations(client.id, dana.cookie)).conversations).toEqual([
      portalRow(allContacts, { others: ["Eli Stone"] }),
    ]);

    const danaDirect = await openDirect(client, dana.contact);
    expect(await contactApi.listConversations(client.id, dana.cookie)).toEqual({
      conversations: [portalRow(allContacts, { others: ["Eli Stone"] }), portalRow(danaDirect)],
      contactsWithoutDirect: [],
      unreadTotal: 0,
    });
    expect((await contactApi.listConversations(client.id, eli.cookie)).conversations).toEqual([
      portalRow(allContacts, { others: ["Dana Fox"] }),
      portalRow(eliDirect),
    ]);
  });

  it("answers 404 for a client the contact is not a contact of, in any firm", async () => {
    const { dana } = await newScene();
    const neighbour = await buildClient(t.database.db, firm, `Neighbour ${unique()}`);
    await openAllContacts(neighbour);
    for (const clientId of [neighbour.id, otherThread.clientId, crypto.randomUUID()]) {
      const response = await contactApi.listConversationsResponse(clientId, dana.cookie);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual(clientNotFound);
    }
  });

  it("lists each client of a person who is a contact of two clients on its own", async () => {
    const email = `both-${unique()}@example.test`;
    const inviterCookie = await t.signIn((await buildStaff(t.database.db, firm)).email);
    const first = await buildClient(t.database.db, firm, `First ${unique()}`);
    const second = await buildClient(t.database.db, firm, `Second ${unique()}`);
    const atFirst = await buildContact(t.database.db, first, { name: "Pat Both", email });
    const atSecond = await buildContact(t.database.db, second, { name: "Pat Both", email });
    const cookie = await portal.grantAccess(first, atFirst, inviterCookie);
    await portal.grantMoreAccess(second, atSecond, inviterCookie, cookie);
    const firstAll = await openAllContacts(first);
    const firstDirect = await openDirect(first, atFirst);
    const secondAll = await openAllContacts(second);
    const secondDirect = await openDirect(second, atSecond);

    expect((await contactApi.listConversations(first.id, cookie)).conversations).toEqual([
      portalRow(firstAll),
      portalRow(firstDirect),
    ]);
    expect((await contactApi.listConversations(second.id, cookie)).conversations).toEqual([
      portalRow(secondAll),
      portalRow(secondDirect),
    ]);
  });
});

describe("threads a contact cannot see", () => {
  it("answers 404 to reading, sending to and marking them read, and stores nothing", async () => {
    const { client, dana, eli } = await newScene();
    const eliDirect = await openDirect(client, eli.contact);
    await api.send(eliDirect.id, "For Eli only", adaCookie);
    const neighbour = await buildClient(t.database.db, firm, `Neighbour ${unique()}`);
    const neighbourThread = await openAllContacts(neighbour);
    await api.send(neighbourThread.id, "For the neighbour", adaCookie);

    for (const thread of [eliDirect, neighbourThread, otherThread]) {
      const before = await storedMessages(thread.id);
      const read = await contactApi.listMessagesResponse(thread.id, dana.cookie);
      expect(read.statusCode).toBe(404);
      expect(read.json()).toEqual(conversationNotFound);

      const sent = await contactApi.postMessage(
        thread.id,
        { id: crypto.randomUUID(), body: textDoc("Let me in") },
        dana.cookie,
      );
      expect(sent.statusCode).toBe(404);
      expect(sent.json()).toEqual(conversationNotFound);

      const marked = await contactApi.markRead(thread.id, 1, dana.cookie);
      expect(marked.statusCode).toBe(404);
      expect(marked.json()).toEqual(conversationNotFound);
      expect(await storedMessages(thread.id)).toEqual(before);
    }

    // Nor can another firm's contact see this client's threads.
    const allContacts = await openAllContacts(client);
    const outsiderList = await contactApi.listConversationsResponse(client.id, otherContactCookie);
    expect(outsiderList.statusCode).toBe(404);
    expect(outsiderList.json()).toEqual(clientNotFound);
    const outsiderPage = await contactApi.listMessagesResponse(allContacts.id, otherContactCookie);
    expect(outsiderPage.statusCode).toBe(404);
    expect(outsiderPage.json()).toEqual(conversationNotFound);

    const missing = await contactApi.listMessagesResponse(crypto.randomUUID(), dana.cookie);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual(conversationNotFound);
  });
});

describe("numbering in the portal", () => {
  it("numbers only the messages a contact sees, without gaps where notes sit", async () => {
    const { client, dana } = await newScene();
    const thread = await openAllContacts(client);
    const first = await api.send(thread.id, "First", adaCookie);
    const note = await api.send(thread.id, "Staff only", adaCookie, { internal: true });
    const second = await api.send(thread.id, "Second", adaCookie);
    await api.send(thread.id, "Another note", adaCookie, { internal: true });
    const reply = await contactApi.send(thread.id, "Reply", dana.cookie);
    const last = await api.send(thread.id, "Last note", adaCookie, { internal: true });

    expect(reply.seq).toBe(3);
    const page = await contactApi.listMessages(thread.id, dana.cookie);
    expect(page).toEqual({
      messages: [asContactSees(first, 1), asContactSees(second, 2), reply],
      hasOlder: false,
    });
    expect(JSON.stringify(page)).not.toContain(note.id);

    // Staff see every message in their own numbering.
    const staffPage = await api.listMessages(thread.id, adaCookie);
    expect(staffPage.messages.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(staffPage.messages[4]).toEqual({ ...reply, seq: 5 });

    // The list counts in public numbers, and previews the last message a contact may see.
    expect(await rowOf(thread, dana.cookie)).toEqual(
      portalRow(thread, {
        others: ["Eli Stone"],
        lastSeq: 3,
        lastReadSeq: 3,
        lastMessage: {
          preview: "Reply",
          internal: false,
          authorName: "Dana Fox",
          createdAt: reply.createdAt,
        },
      }),
    );
    expect((await api.conversationRow(thread, adaCookie)).lastMessage?.preview).toBe("Last note");
    expect(last.internal).toBe(true);
  });

  it("pages back through history in public numbers", async () => {
    const { client, dana } = await newScene();
    const thread = await openAllContacts(client);
    const sent: Message[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      sent.push(await api.send(thread.id, `Public ${n}`, adaCookie));
      await api.send(thread.id, `Note ${n}`, adaCookie, { internal: true });
    }
    const expected = sent.map((message, index) => asContactSees(message, index + 1));

    const newest = await contactApi.listMessages(thread.id, dana.cookie, { limit: "2" });
    expect(newest).toEqual({ messages: expected.slice(3), hasOlder: true });
    const middle = await contactApi.listMessages(thread.id, dana.cookie, {
      limit: "2",
      before: "4",
    });
    expect(middle).toEqual({ messages: expected.slice(1, 3), hasOlder: true });
    const oldest = await contactApi.listMessages(thread.id, dana.cookie, {
      limit: "2",
      before: "2",
    });
    expect(oldest).toEqual({ messages: expected.slice(0, 1), hasOlder: false });
  });
});

describe("a contact's own messages", () => {
  it("sends a message staff see with the contact as author, once per id", async () => {
    const { client, dana } = await newScene();
    const thread = await openDirect(client, dana.contact);
    const id = crypto.randomUUID();
    const body = docOf(paragraph(text("Hello "), text("there", [{ type: "bold" }])));

    const response = await contactApi.postMessage(thread.id, { id, body }, dana.cookie);
    expect(response.statusCode).toBe(201);
    const sent = response.json();
    expect(sent).toEqual({
      // Stored under an id derived from the chosen one, the same on every retry.
      id: expect.any(String),
      conversationId: thread.id,
      seq: 1,
      author: { kind: "contact", id: dana.contact.id, name: "Dana Fox" },
      internal: false,
      body,
      createdAt: expect.any(String),
      editedAt: null,
      version: 1,
      attachments: [],
    });

    const retried = await contactApi.postMessage(thread.id, { id, body }, dana.cookie);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toEqual(sent);
    expect(await storedMessages(thread.id)).toHaveLength(1);

    expect((await api.listMessages(thread.id, adaCookie)).messages).toEqual([sent]);
    expect((await api.conversationRow(thread, adaCookie)).lastMessage).toEqual({
      preview: "Hello there",
      internal: false,
      authorName: "Dana Fox",
      createdAt: sent.createdAt,
    });
  });

  it("edits and deletes the contact's own message", async () => {
    const { client, dana, eli } = await newScene();
    const thread = await openAllContacts(client);
    const mine = await contactApi.send(thread.id, "Typo heer", dana.cookie);
    const kept = await api.send(thread.id, "Staff reply", adaCookie);

    const edited = await contactApi.editMessage(
      mine.id,
      { body: textDoc("Typo here"), version: 1 },
      dana.cookie,
    );
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toEqual({
      ...mine,
      body: textDoc("Typo here"),
      editedAt: expect.any(String),
      version: 2,
    });
    const stale = await contactApi.editMessage(
      mine.id,
      { body: textDoc("Older"), version: 1 },
      dana.cookie,
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe("stale_version");
    expect(textsOf(await contactApi.listMessages(thread.id, eli.cookie))).toEqual([
      "Typo here",
      "Staff reply",
    ]);

    const removed = await contactApi.deleteMessage(mine.id, dana.cookie);
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe("");
    expect((await contactApi.listMessages(thread.id, dana.cookie)).messages).toEqual([
      asContactSees(kept, 2),
    ]);
    expect((await api.listMessages(thread.id, adaCookie)).messages).toEqual([kept]);
    expect(await storedMessages(thread.id)).toHaveLength(1);

    const again = await contactApi.deleteMessage(mine.id, dana.cookie);
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual(messageNotFound);
  });

  it("refuses to change a staff member's or another contact's message, with 403", async () => {
    const { client, dana, eli } = await newScene();
    const thread = await openAllContacts(client);
    const staffMessage = await api.send(thread.id, "From staff", adaCookie);
    const eliMessage = await contactApi.send(thread.id, "From Eli", eli.cookie);
    const before = await storedMessages(thread.id);

    for (const message of [staffMessage, eliMessage]) {
      const edit = await contactApi.editMessage(
        message.id,
        { body: textDoc("Hijacked"), version: 1 },
        dana.cookie,
      );
      expect(edit.statusCode).toBe(403);
      expect(edit.json()).toEqual(notTheAuthor);
      const remove = await contactApi.deleteMessage(message.id, dana.cookie);
      expect(remove.statusCode).toBe(403);
      expect(remove.json()).toEqual(notTheAuthor);
    }
    expect(await storedMessages(thread.id)).toEqual(before);
  });

  it("answers 404 to changing a note or a message of a thread the contact cannot see", async () => {
    const { client, dana, eli } = await newScene();
    const allContacts = await openAllContacts(client);
    const note = await api.send(allContacts.id, "Secret note", adaCookie, { internal: true });
    const eliDirect = await openDirect(client, eli.contact);
    const eliOwn = await contactApi.send(eliDirect.id, "Eli's own", eli.cookie);
    const staffToEli = await api.send(eliDirect.id, "For Eli", adaCookie);
    const neighbour = await buildClient(t.database.db, firm, `Neighbour ${unique()}`);
    const neighbourMessage = await api.send((await openAllContacts(neighbour)).id, "Hi", adaCookie);

    for (const message of [note, eliOwn, staffToEli, neighbourMessage, otherMessage]) {
      const edit = await contactApi.editMessage(
        message.id,
        { body: textDoc("Hijacked"), version: 1 },
        dana.cookie,
      );
      expect(edit.statusCode).toBe(404);
      expect(edit.json()).toEqual(messageNotFound);
      const remove = await contactApi.deleteMessage(message.id, dana.cookie);
      expect(remove.statusCode).toBe(404);
      expect(remove.json()).toEqual(messageNotFound);
    }
    // A contact cannot touch a note even when it is in a thread they see.
    expect((await api.listMessages(allContacts.id, adaCookie)).messages).toEqual([note]);
    expect((await api.listMessages(eliDirect.id, adaCookie)).messages).toEqual([
      eliOwn,
      staffToEli,
    ]);
    expect((await api.listMessages(otherThread.id, otherCookie)).messages).toEqual([otherMessage]);
  });

  it("refuses the internal flag in a portal send with 400, and stores nothing", async () => {
    const { client, dana } = await newScene();
    const thread = await openAllContacts(client);
    for (const internal of [true, false]) {
      const response = await contactApi.postMessage(
        thread.id,
        { id: crypto.randomUUID(), body: textDoc("Am I a note?"), internal },
        dana.cookie,
      );
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: {
          code: "invalid_input",
          message: "Some of the values are not valid.",
          fields: { body: 'Unrecognized key: "internal"' },
        },
      });
    }
    expect(await storedMessages(thread.id)).toEqual([]);
    expect(await storedCounters(thread.id)).toEqual({ lastSeq: 0, lastPublicSeq: 0 });
  });

  it("refuses a mention in a contact's message with 400 unknown_mention", async () => {
    const { client, dana } = await newScene();
    const thread = await openAllContacts(client);
    const mine = await contactApi.send(thread.id, "Plain", dana.cookie);
    const withMention = docOf(paragraph(text("Hey "), mention(ada.id, "Ada Archer")));

    const sent = await contactApi.postMessage(
      thread.id,
      { id: crypto.randomUUID(), body: withMention },
      dana.cookie,
    );
    expect(sent.statusCode).toBe(400);
    expect(sent.json().error.code).toBe("unknown_mention");
    const edited = await contactApi.editMessage(
      mine.id,
      { body: withMention, version: 1 },
      dana.cookie,
    );
    expect(edited.statusCode).toBe(400);
    expect(edited.json().error.code).toBe("unknown_mention");

    expect((await contactApi.listMessages(thread.id, dana.cookie)).messages).toEqual([mine]);
    expect(await storedCounters(thread.id)).toEqual({ lastSeq: 1, lastPublicSeq: 1 });
  });

  it("answers 401 without a session, and stores nothing", async () => {
    const { client, dana } = await newScene();
    const thread = await openAllContacts(client);
    const mine = await contactApi.send(thread.id, "Mine", dana.cookie);
    const responses = [
      await contactApi.listConversationsResponse(client.id),
      await contactApi.listMessagesResponse(thread.id),
      await contactApi.postMessage(thread.id, { id: crypto.randomUUID(), body: textDoc("Anon") }),
      await contactApi.editMessage(mine.id, { body: textDoc("Anon"), version: 1 }),
      await contactApi.deleteMessage(mine.id),
      await contactApi.markRead(thread.id, 1),
    ];
    for (const response of responses) expect(response.statusCode).toBe(401);
    expect((await contactApi.listMessages(thread.id, dana.cookie)).messages).toEqual([mine]);
  });
});

describe("unread counts in the portal", () => {
  it("counts staff's and other contacts' public messages after the cursor, never notes or one's own", async () => {
    const { client, dana, eli } = await newScene();
    const thread = await openAllContacts(client);
    const direct = await openDirect(client, dana.contact);
    const unread = async (cookie = dana.cookie) => {
      const row = await rowOf(thread, cookie);
      return { unreadCount: row.unreadCount, lastReadSeq: row.lastReadSeq, lastSeq: row.lastSeq };
    };

    for (const n of [1, 2, 3]) await api.send(thread.id, `Staff ${n}`, adaCookie);
    await api.send(thread.id, "A note", adaCookie, { internal: true });
    expect(await unread()).toEqual({ unreadCount: 3, lastReadSeq: 0, lastSeq: 3 });

    // Writing reads what came before; one's own message is not unread.
    await contactApi.send(thread.id, "Dana writes", dana.cookie);
    expect(await unread()).toEqual({ unreadCount: 0, lastReadSeq: 4, lastSeq: 4 });
    await api.send(thread.id, "Another note", adaCookie, { internal: true });
    expect(await unread()).toEqual({ unreadCount: 0, lastReadSeq: 4, lastSeq: 4 });

    await api.send(thread.id, "Staff 5", adaCookie);
    await api.send(thread.id, "Staff 6", adaCookie);
    await contactApi.send(thread.id, "Eli writes", eli.cookie);
    expect(await unread()).toEqual({ unreadCount: 3, lastReadSeq: 4, lastSeq: 7 });
    expect(await unread(eli.cookie)).toEqual({ unreadCount: 0, lastReadSeq: 7, lastSeq: 7 });

    await api.send(direct.id, "Just for Dana", adaCookie);
    await api.send(direct.id, "Note on Dana", adaCookie, { internal: true });
    expect((await contactApi.listConversations(client.id, dana.cookie)).unreadTotal).toBe(4);
    expect((await contactApi.listConversations(client.id, eli.cookie)).unreadTotal).toBe(0);

    // Ada's own count: only Eli's message came after her last one.
    expect((await api.conversationRow(thread, adaCookie)).unreadCount).toBe(1);

    // Reading clears, up to what exists, and never moves back.
    expect((await contactApi.markRead(thread.id, 5, dana.cookie)).statusCode).toBe(204);
    expect(await unread()).toEqual({ unreadCount: 2, lastReadSeq: 5, lastSeq: 7 });
    expect((await contactApi.markRead(thread.id, 1_000, dana.cookie)).statusCode).toBe(204);
    expect(await unread()).toEqual({ unreadCount: 0, lastReadSeq: 7, lastSeq: 7 });
    expect((await contactApi.markRead(thread.id, 2, dana.cookie)).statusCode).toBe(204);
    expect(await unread()).toEqual({ unreadCount: 0, lastReadSeq: 7, lastSeq: 7 });
    expect((await contactApi.markRead(direct.id, 1, dana.cookie)).statusCode).toBe(204);
    expect(await contactApi.listConversations(client.id, dana.cookie)).toMatchObject({
      unreadTotal: 0,
    });

    // A contact's reading is their own: staff's counts do not move.
    expect((await api.conversationRow(thread, adaCookie)).unreadCount).toBe(1);
  });

  it(`caps the count at ${UNREAD_CAP}`, async () => {
    const { client, dana } = await newScene();
    const thread = await openAllContacts(client);
    for (let n = 0; n <= UNREAD_CAP; n++) await api.send(thread.id, `Message ${n}`, adaCookie);

    const row = await rowOf(thread, dana.cookie);
    expect(row).toMatchObject({ unreadCount: UNREAD_CAP, lastSeq: UNREAD_CAP + 1 });
    expect((await contactApi.listConversations(client.id, dana.cookie)).unreadTotal).toBe(
      UNREAD_CAP,
    );

    expect((await contactApi.markRead(thread.id, 1, dana.cookie)).statusCode).toBe(204);
    expect((await rowOf(thread, dana.cookie)).unreadCount).toBe(UNREAD_CAP);
    expect((await contactApi.markRead(thread.id, 2, dana.cookie)).statusCode).toBe(204);
    expect((await rowOf(thread, dana.cookie)).unreadCount).toBe(UNREAD_CAP - 1);
  });

  it("drops a deleted public message from the count, while a deleted note changes nothing", async () => {
    const { client, dana } = await newScene();
    const thread = await openAllContacts(client);
    const first = await api.send(thread.id, "Staff 1", adaCookie);
    await api.send(thread.id, "Staff 2", adaCookie);
    const third = await api.send(thread.id, "Staff 3", adaCookie);
    const note = await api.send(thread.id, "A note", adaCookie, { internal: true });
    expect((await contactApi.markRead(thread.id, 1, dana.cookie)).statusCode).toBe(204);
    expect(await rowOf(thread, dana.cookie)).toMatchObject({ unreadCount: 2, lastReadSeq: 1 });

    expect((await api.deleteMessage(note.id, adaCookie)).statusCode).toBe(204);
    expect((await rowOf(thread, dana.cookie)).unreadCount).toBe(2);
    // One already read, then one not yet read.
    expect((await api.deleteMessage(first.id, adaCookie)).statusCode).toBe(204);
    expect((await rowOf(thread, dana.cookie)).unreadCount).toBe(2);
    expect((await api.deleteMessage(third.id, adaCookie)).statusCode).toBe(204);
    expect((await rowOf(thread, dana.cookie)).unreadCount).toBe(1);
    expect((await contactApi.listConversations(client.id, dana.cookie)).unreadTotal).toBe(1);

    // Numbers are never reused: what comes next counts once.
    await api.send(thread.id, "Staff 4", adaCookie);
    expect((await rowOf(thread, dana.cookie)).unreadCount).toBe(2);
    // Staff 2 is the contact's message number 2.
    expect((await contactApi.markRead(thread.id, 2, dana.cookie)).statusCode).toBe(204);
    expect((await rowOf(thread, dana.cookie)).unreadCount).toBe(1);
  });
});
