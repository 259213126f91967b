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
import { conversationsUrl, messagingApi } from "../../../test/messaging.js";

type ClientRow = Awaited<ReturnType<typeof buildClient>>;
type ContactRow = Awaited<ReturnType<typeof buildContact>>;

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let firm: TestFirm;
let ada: TestStaff;
let adaCookie: string;
let benCookie: string;
let otherCookie: string;
let otherClient: ClientRow;
let otherContact: ContactRow;

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t);
  firm = await buildFirm(t.database.db, "Conversations Firm");
  ada = await buildStaff(t.database.db, firm, { name: "Ada Archer" });
  adaCookie = await t.signIn(ada.email);
  benCookie = await t.signIn((await buildStaff(t.database.db, firm, { name: "Ben Baker" })).email);
  // A second firm, with its own staff, client and contact, is always there to leak from.
  const otherFirm = await buildFirm(t.database.db, "Other Firm");
  otherCookie = await t.signIn((await buildStaff(t.database.db, otherFirm)).email);
  otherClient = await buildClient(t.database.db, otherFirm, "Other Firm Client");
  otherContact = await buildContact(t.database.db, otherClient, { name: "Olive Other" });
});
afterAll(() => t.close());

const unique = () => crypto.randomUUID().slice(0, 8);
const newClient = () => buildClient(t.database.db, firm, `Client ${unique()}`);

const contactView = (contact: ContactRow) => ({
  id: contact.id,
  name: contact.name,
  portalStatus: contact.portalStatus,
  former: false,
});

const unauthenticated = { error: { code: "unauthenticated", message: "Sign in to continue." } };
const clientNotFound = { error: { code: "not_found", message: "Client was not found." } };
const contactNotFound = { error: { code: "not_found", message: "Contact was not found." } };

describe("conversation list", () => {
  it("lists All Contacts first, then direct threads by contact name, with titles", async () => {
    const client = await newClient();
    const zed = await buildContact(t.database.db, client, { name: "Zed Zulu" });
    const amy = await buildContact(t.database.db, client, { name: "Amy Able" });
    const mo = await buildContact(t.database.db, client, { name: "Mo Middle" });

    // Created in an order that is neither the listed order nor alphabetical.
    const zedThread = await api.openConversation(
      client.id,
      { kind: "direct", contactId: zed.id },
      adaCookie,
    );
    const allContacts = await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
    const amyThread = await api.openConversation(
      client.id,
      { kind: "direct", contactId: amy.id },
      adaCookie,
    );

    const list = await api.listConversations(client.id, benCookie);
    const empty = {
      lastSeq: 0,
      lastReadSeq: 0,
      unreadCount: 0,
      waitingOn: null,
      lastMessage: null,
    };
    expect(list).toEqual({
      conversations: [
        {
          id: allContacts.id,
          clientId: client.id,
          kind: "all_contacts",
          title: "All Contacts",
          contact: null,
          ...empty,
        },
        {
          id: amyThread.id,
          clientId: client.id,
          kind: "direct",
          title: "Amy Able",
          contact: contactView(amy),
          ...empty,
        },
        {
          id: zedThread.id,
          clientId: client.id,
          kind: "direct",
          title: "Zed Zulu",
          contact: contactView(zed),
          ...empty,
        },
      ],
      contactsWithoutDirect: [contactView(mo)],
      unreadTotal: 0,
    });
  });

  it("answers an empty list for a client without conversations", async () => {
    const client = await newClient();
    const list = await api.listConversations(client.id, adaCookie);
    expect(list).toEqual({ conversations: [], contactsWithoutDirect: [], unreadTotal: 0 });
  });

  it("lists only this client's conversations and contacts", async () => {
    const client = await newClient();
    const neighbour = await newClient();
    const mine = await buildContact(t.database.db, client, { name: "Mine Only" });
    const theirs = await buildContact(t.database.db, neighbour, { name: "Theirs Only" });
    await api.openConversation(neighbour.id, { kind: "all_contacts" }, adaCookie);
    await api.openConversation(neighbour.id, { kind: "direct", contactId: theirs.id }, adaCookie);

    const list = await api.listConversations(client.id, adaCookie);
    expect(list.conversations).toEqual([]);
    expect(list.contactsWithoutDirect).toEqual([contactView(mine)]);
  });

  it("previews the last message, marked internal when it is a note", async () => {
    const client = await newClient();
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);

    await api.send(thread.id, "Hello there, everyone", adaCookie);
    const note = await api.send(thread.id, "Only for us: check the invoice", adaCookie, {
      internal: true,
    });
    let row = await api.conversationRow(thread, benCookie);
    expect(row.lastSeq).toBe(2);
    expect(row.lastMessage).toEqual({
      preview: "Only for us: check the invoice",
      internal: true,
      authorName: "Ada Archer",
      createdAt: note.createdAt,
    });

    const reply = await api.send(thread.id, "Public again", benCookie);
    row = await api.conversationRow(thread, adaCookie);
    expect(row.lastSeq).toBe(3);
    expect(row.lastMessage).toEqual({
      preview: "Public again",
      internal: false,
      authorName: "Ben Baker",
      createdAt: reply.createdAt,
    });
  });

  it("cuts a long preview to 160 characters", async () => {
    const client = await newClient();
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
    const long = `${"a".repeat(150)}${"b".repeat(50)}`;
    await api.send(thread.id, long, adaCookie);
    const row = await api.conversationRow(thread, adaCookie);
    expect(row.lastMessage?.preview).toBe(long.slice(0, 160));
  });

  it("offers fewer contacts without a direct thread as directs are created, then none", async () => {
    const client = await newClient();
    const cy = await buildContact(t.database.db, client, { name: "Cy Cole" });
    const al = await buildContact(t.database.db, client, { name: "Al Avery" });
    const bo = await buildContact(t.database.db, client, { name: "Bo Brown" });

    const offered = async () =>
      (await api.listConversations(client.id, adaCookie)).contactsWithoutDirect;
    expect(await offered()).toEqual([contactView(al), contactView(bo), contactView(cy)]);

    // All Contacts is no direct thread: it offers the same contacts afterwards.
    await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
    expect(await offered()).toEqual([contactView(al), contactView(bo), contactView(cy)]);

    await api.openConversation(client.id, { kind: "direct", contactId: bo.id }, adaCookie);
    expect(await offered()).toEqual([contactView(al), contactView(cy)]);
    await api.openConversation(client.id, { kind: "direct", contactId: al.id }, benCookie);
    expect(await offered()).toEqual([contactView(cy)]);
    await api.openConversation(client.id, { kind: "direct", contactId: cy.id }, adaCookie);
    expect(await offered()).toEqual([]);

    const list = await api.listConversations(client.id, adaCookie);
    expect(list.conversations.map((row) => row.title)).toEqual([
      "All Contacts",
      "Al Avery",
      "Bo Brown",
      "Cy Cole",
    ]);
  });

  it("answers 404 for another firm's client, without showing its threads", async () => {
    await api.openConversation(
      otherClient.id,
      { kind: "direct", contactId: otherContact.id },
      otherCookie,
    );
    const response = await t.request({
      method: "GET",
      url: conversationsUrl(otherClient.id),
      cookie: adaCookie,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(clientNotFound);
    expect(response.body).not.toContain(otherContact.id);
    expect(response.body).not.toContain("Olive");
  });

  it("answers 404 for a client id that does not exist, 400 for one that is not a uuid", async () => {
    const missing = await t.request({
      method: "GET",
      url: conversationsUrl(crypto.randomUUID()),
      cookie: adaCookie,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual(clientNotFound);

    const malformed = await t.request({
      method: "GET",
      url: conversationsUrl("not-a-uuid"),
      cookie: adaCookie,
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({
      error: {
        code: "invalid_input",
        message: "Some of the values are not valid.",
        fields: { clientId: "Not a valid client id." },
      },
    });
  });
});

describe("starting a conversation", () => {
  it("creates the All Contacts thread once: 201, then 200 with the same id", async () => {
    const client = await newClient();
    const first = await api.startConversation(client.id, { kind: "all_contacts" }, adaCookie);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({
      id: expect.any(String),
      clientId: client.id,
      kind: "all_contacts",
      title: "All Contacts",
      contact: null,
      lastSeq: 0,
      lastReadSeq: 0,
      unreadCount: 0,
      waitingOn: null,
      lastMessage: null,
    });

    const again = await api.startConversation(client.id, { kind: "all_contacts" }, benCookie);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);

    const list = await api.listConversations(client.id, adaCookie);
    expect(list.conversations.map((row) => row.id)).toEqual([first.json().id]);
  });

  it("opening an existing thread shows its messages' state, not an empty new one", async () => {
    const client = await newClient();
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
    await api.send(thread.id, "Already talking", adaCookie);

    const again = await api.startConversation(client.id, { kind: "all_contacts" }, benCookie);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      id: thread.id,
      lastSeq: 1,
      unreadCount: 1,
      lastMessage: { preview: "Already talking", authorName: "Ada Archer", internal: false },
    });
  });

  it("creates a contact's direct thread once: 201, then 200 with the same id", async () => {
    const client = await newClient();
    const dana = await buildContact(t.database.db, client, { name: "Dana Direct" });
    const first = await api.startConversation(
      client.id,
      { kind: "direct", contactId: dana.id },
      adaCookie,
    );
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      clientId: client.id,
      kind: "direct",
      title: "Dana Direct",
      contact: contactView(dana),
    });

    const again = await api.startConversation(
      client.id,
      { kind: "direct", contactId: dana.id },
      adaCookie,
    );
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect((await api.listConversations(client.id, adaCookie)).conversations).toHaveLength(1);
  });

  it("keeps one All Contacts thread when two people start it at the same moment", async () => {
    const client = await newClient();
    const responses = await Promise.all([
      api.startConversation(client.id, { kind: "all_contacts" }, adaCookie),
      api.startConversation(client.id, { kind: "all_contacts" }, benCookie),
    ]);
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 201]);
    const [first, second] = responses.map((response) => response.json());
    expect(first.id).toBe(second.id);

    const list = await api.listConversations(client.id, adaCookie);
    expect(list.conversations.map((row) => row.id)).toEqual([first.id]);
  });

  it("keeps one direct thread when two people start it at the same moment", async () => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client, { name: "Race Runner" });
    const body = { kind: "direct", contactId: contact.id };
    const responses = await Promise.all([
      api.startConversation(client.id, body, adaCookie),
      api.startConversation(client.id, body, benCookie),
      api.startConversation(client.id, body, adaCookie),
    ]);
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 200, 201]);
    const ids = new Set(responses.map((response) => response.json().id));
    expect(ids.size).toBe(1);

    const list = await api.listConversations(client.id, adaCookie);
    expect(list.conversations.map((row) => row.id)).toEqual([...ids]);
    expect(list.contactsWithoutDirect).toEqual([]);
  });

  it("answers 404 for a contact of another client of the firm, and creates nothing", async () => {
    const client = await newClient();
    const neighbour = await newClient();
    const elsewhere = await buildContact(t.database.db, neighbour, { name: "Not Here" });

    const response = await api.startConversation(
      client.id,
      { kind: "direct", contactId: elsewhere.id },
      adaCookie,
    );
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(contactNotFound);
    expect((await api.listConversations(client.id, adaCookie)).conversations).toEqual([]);
    expect(await api.listConversations(neighbour.id, adaCookie)).toEqual({
      conversations: [],
      contactsWithoutDirect: [contactView(elsewhere)],
      unreadTotal: 0,
    });
  });

  it("answers 404 for another firm's contact, and creates nothing on either side", async () => {
    const client = await newClient();
    const foreign = await buildContact(t.database.db, otherClient, { name: "Foreign Person" });
    const response = await api.startConversation(
      client.id,
      { kind: "direct", contactId: foreign.id },
      adaCookie,
    );
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(contactNotFound);
    expect((await api.listConversations(client.id, adaCookie)).conversations).toEqual([]);
    const theirs = await api.listConversations(otherClient.id, otherCookie);
    expect(theirs.conversations.map((row) => row.contact?.id)).not.toContain(foreign.id);
    expect(theirs.contactsWithoutDirect.map((row) => row.id)).toContain(foreign.id);
  });

  it("answers 404 for a contact id that does not exist", async () => {
    const client = await newClient();
    const response = await api.startConversation(
      client.id,
      { kind: "direct", contactId: crypto.randomUUID() },
      adaCookie,
    );
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(contactNotFound);
    expect((await api.listConversations(client.id, adaCookie)).conversations).toEqual([]);
  });

  it("answers 404 for another firm's client, and creates nothing there", async () => {
    const before = await api.listConversations(otherClient.id, otherCookie);
    for (const body of [{ kind: "all_contacts" }, { kind: "direct", contactId: otherContact.id }]) {
      const response = await api.startConversation(otherClient.id, body, adaCookie);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual(clientNotFound);
    }
    expect(await api.listConversations(otherClient.id, otherCookie)).toEqual(before);
    expect(before.conversations.map((row) => row.kind)).not.toContain("all_contacts");
  });

  it.each([
    { rule: "an unknown kind", body: { kind: "group" } },
    { rule: "no kind", body: {} },
    { rule: "a direct thread without contactId", body: { kind: "direct" } },
    { rule: "a contactId that is not a uuid", body: { kind: "direct", contactId: "1234" } },
    { rule: "a contactId that is not a string", body: { kind: "direct", contactId: 42 } },
  ])("answers 400 invalid_input for $rule, and creates nothing", async ({ body }) => {
    const client = await newClient();
    await buildContact(t.database.db, client);
    const response = await api.startConversation(client.id, body, adaCookie);
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error).toMatchObject({
      code: "invalid_input",
      message: "Some of the values are not valid.",
    });
    expect(Object.keys(error.fields ?? {}).length).toBeGreaterThan(0);
    expect((await api.listConversations(client.id, adaCookie)).conversations).toEqual([]);
  });

  it("names the missing or malformed contact in the error", async () => {
    const client = await newClient();
    for (const body of [{ kind: "direct" }, { kind: "direct", contactId: "nope" }]) {
      const response = await api.startConversation(client.id, body, adaCookie);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.fields).toEqual({ contactId: "Choose a contact." });
    }
  });

  it("refuses a start posted from another site, and creates nothing", async () => {
    const client = await newClient();
    const response = await t.request({
      method: "POST",
      url: conversationsUrl(client.id),
      payload: { kind: "all_contacts" },
      cookie: adaCookie,
      headers: { origin: "http://evil.example" },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("bad_origin");
    expect((await api.listConversations(client.id, adaCookie)).conversations).toEqual([]);
  });
});

describe("the team list", () => {
  it("lists the firm's own staff by name, never another firm's", async () => {
    const fresh = await buildFirm(t.database.db);
    const zora = await buildStaff(t.database.db, fresh, { name: "Zora Zed" });
    const abe = await buildStaff(t.database.db, fresh, { name: "Abe Alpha" });
    const response = await t.request({
      method: "GET",
      url: "/api/team",
      cookie: await t.signIn(zora.email),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      members: [
        { id: abe.id, name: "Abe Alpha" },
        { id: zora.id, name: "Zora Zed" },
      ],
    });
  });
});

describe("without a session", () => {
  it("answers 401 to the list and to starting, and creates nothing", async () => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client);
    const responses = [
      await t.request({ method: "GET", url: conversationsUrl(client.id) }),
      await api.startConversation(client.id, { kind: "all_contacts" }),
      await api.startConversation(client.id, { kind: "direct", contactId: contact.id }),
      await t.request({ method: "GET", url: "/api/team" }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(unauthenticated);
    }
    expect((await api.listConversations(client.id, adaCookie)).conversations).toEqual([]);
  });

  it("answers 401 before looking at the input or the ids", async () => {
    const responses = [
      await t.request({ method: "GET", url: conversationsUrl("not-a-uuid") }),
      await api.startConversation("not-a-uuid", { kind: "nonsense" }),
      await api.startConversation(otherClient.id, { kind: "all_contacts" }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(unauthenticated);
    }
  });

  it("answers 401 to a signed-out session", async () => {
    const member = await buildStaff(t.database.db, firm);
    const cookie = await t.signIn(member.email);
    const client = await newClient();
    expect((await api.listConversations(client.id, cookie)).conversations).toEqual([]);
    await t.request({ method: "POST", url: "/api/auth/sign-out", cookie });
    const response = await t.request({ method: "GET", url: conversationsUrl(client.id), cookie });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(unauthenticated);
  });
});
