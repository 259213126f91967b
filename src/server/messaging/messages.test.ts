import { asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildFirm,
  buildStaff,
  type TestFirm,
  type TestStaff,
} from "../../../test/factories.js";
import {
  docOf,
  link,
  mention,
  messagingApi,
  nodesOf,
  paragraph,
  plainText,
  text,
  textDoc,
} from "../../../test/messaging.js";
import type { Conversation, Message } from "../../shared/api/messaging.js";
import type { RichTextNode } from "../../shared/rich-text/document.js";
import { conversations, mentions, messages } from "../db/schema.js";

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let firm: TestFirm;
let ada: TestStaff;
let ben: TestStaff;
let cleo: TestStaff;
let adaCookie: string;
let benCookie: string;
let otherStaff: TestStaff;
let otherCookie: string;
let otherThread: Conversation;
let otherMessage: Message;

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t);
  firm = await buildFirm(t.database.db, "Messages Firm");
  ada = await buildStaff(t.database.db, firm, { name: "Ada Archer" });
  ben = await buildStaff(t.database.db, firm, { name: "Ben Baker" });
  cleo = await buildStaff(t.database.db, firm, { name: "Cleo Clark" });
  adaCookie = await t.signIn(ada.email);
  benCookie = await t.signIn(ben.email);
  // A second firm, with its own staff, thread and message, is always there to leak from.
  const otherFirm = await buildFirm(t.database.db, "Other Firm");
  otherStaff = await buildStaff(t.database.db, otherFirm, { name: "Otto Other" });
  otherCookie = await t.signIn(otherStaff.email);
  const otherClient = await buildClient(t.database.db, otherFirm, "Other Firm Client");
  otherThread = await api.openConversation(otherClient.id, { kind: "all_contacts" }, otherCookie);
  otherMessage = await api.send(otherThread.id, "Other firm's secret", otherCookie);
});
afterAll(() => t.close());

const unique = () => crypto.randomUUID().slice(0, 8);

/** A fresh All Contacts thread of a fresh client of our firm, so each test reads exact lists. */
async function newThread() {
  const client = await buildClient(t.database.db, firm, `Client ${unique()}`);
  return api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
}

const storedRows = (conversationId: string) =>
  t.database.db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.seq));

const storedConversation = async (conversationId: string) => {
  const [row] = await t.database.db
    .select()
    .from(conversations)
    .where(eq(conversations.id, conversationId));
  if (!row) throw new Error("conversation is gone");
  return row;
};

const mentionedStaffOf = async (messageId: string) =>
  (
    await t.database.db
      .select({ staffId: mentions.staffId })
      .from(mentions)
      .where(eq(mentions.messageId, messageId))
  )
    .map((row) => row.staffId)
    .sort();

/** Everything a failed request must leave as it was: the messages and the conversation's counters. */
async function snapshotOf(thread: { id: string; clientId: string }) {
  const rows = await storedRows(thread.id);
  const stored = await storedConversation(thread.id);
  return {
    page: await api.listMessages(thread.id, adaCookie),
    lastSeq: (await api.conversationRow(thread, adaCookie)).lastSeq,
    storedLastSeq: stored.lastSeq,
    storedLastPublicSeq: stored.lastPublicSeq,
    mentions: await t.database.db
      .select()
      .from(mentions)
      .where(
        inArray(
          mentions.messageId,
          rows.map((row) => row.id),
        ),
      ),
  };
}

const unauthenticated = { error: { code: "unauthenticated", message: "Sign in to continue." } };
const messageNotFound = { error: { code: "not_found", message: "Message was not found." } };
const conversationNotFound = {
  error: { code: "not_found", message: "Conversation was not found." },
};
const notTheAuthor = {
  error: { code: "forbidden", message: "Only the author can change or delete a message." },
};

const bold = [{ type: "bold" }];

const paragraphJson = '{"type":"paragraph","content":[{"type":"text","text":"deep"}]}';
/** JSON text of `inner` wrapped `depth` times, built as a string: too deep to stringify. */
const nestedJson = (depth: number, open: string, close: string, inner: string) =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

/** Bodies the server must refuse, each for exactly one reason, with the code it must answer. */
const invalidBodies: { rule: string; body: () => unknown; code: string; message?: string }[] = [
  {
    rule: "an unknown node (heading)",
    body: () => docOf({ type: "heading", attrs: { level: 1 }, content: [text("Title")] }),
    code: "invalid_body",
  },
  {
    rule: "an unknown mark (underline)",
    body: () => docOf(paragraph(text("underlined", [{ type: "underline" }]))),
    code: "invalid_body",
  },
  {
    rule: "text placed directly in the document",
    body: () => ({ type: "doc", content: [{ type: "text", text: "loose" }] }),
    code: "invalid_body",
  },
  {
    rule: "a javascript: link",
    body: () => docOf(paragraph(text("click me", [link("javascript:alert(document.cookie)")]))),
    code: "unsafe_link",
    message: "Links must start with http://, https:// or mailto:.",
  },
  {
    rule: "a javascript: link in capitals after a space",
    body: () => docOf(paragraph(text("click me", [link(" JAVASCRIPT:alert(1)")]))),
    code: "unsafe_link",
  },
  {
    rule: "a data: link",
    body: () =>
      docOf(
        paragraph(
          text("open", [link("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")]),
        ),
      ),
    code: "unsafe_link",
    message: "Links must start with http://, https:// or mailto:.",
  },
  {
    rule: "an empty paragraph",
    body: () => ({ type: "doc", content: [{ type: "paragraph" }] }),
    code: "empty_message",
    message: "Write something before sending.",
  },
  {
    rule: "a document without blocks",
    body: () => ({ type: "doc", content: [] }),
    code: "empty_message",
    message: "Write something before sending.",
  },
  {
    rule: "only spaces",
    body: () => docOf(paragraph(text("   ")), paragraph(text("\t"))),
    code: "empty_message",
  },
  {
    rule: "text over 10,000 characters",
    body: () => textDoc("x".repeat(10_001)),
    code: "message_too_long",
    message: "A message can have at most 10,000 characters.",
  },
  {
    rule: "text over 10,000 characters spread over paragraphs",
    body: () => docOf(...Array.from({ length: 11 }, () => paragraph(text("y".repeat(1_000))))),
    code: "message_too_long",
  },
  {
    rule: "JSON over 100 KB with little text",
    // 2,000 one-letter bold paragraphs: about 4,000 characters of text, over 150 KB of JSON.
    body: () => docOf(...Array.from({ length: 2_000 }, () => paragraph(text("x", bold)))),
    code: "message_too_large",
    message: "The message is too large to send.",
  },
  {
    rule: "a mention of another firm's staff member",
    body: () => docOf(paragraph(text("Ask "), mention(otherStaff.id, "Otto Other"))),
    code: "unknown_mention",
  },
  {
    rule: "a mention without an id",
    body: () => docOf(paragraph(text("Ask "), mention(null))),
    code: "unknown_mention",
  },
  {
    rule: "a mention whose id is not a uuid",
    body: () => docOf(paragraph(text("Ask "), mention("ben"))),
    code: "unknown_mention",
  },
  {
    rule: "a mention of a uuid that is nobody",
    body: () => docOf(paragraph(text("Ask "), mention(crypto.randomUUID()))),
    code: "unknown_mention",
  },
  {
    rule: "a NUL character in the text",
    body: () => textDoc("before\u0000after"),
    code: "invalid_character",
    message:
      "The message contains a character that cannot be stored (a NUL or a broken Unicode character).",
  },
  {
    rule: "an unpaired high surrogate in the text",
    body: () => textDoc("broken \ud83d here"),
    code: "invalid_character",
  },
  {
    rule: "an unpaired low surrogate in the text",
    body: () => docOf(paragraph(text("bold", bold), text("\ude00"))),
    code: "invalid_character",
  },
  {
    rule: "a NUL character in a link",
    body: () => docOf(paragraph(text("site", [link("https://example.com/\u0000")]))),
    code: "invalid_character",
  },
  {
    rule: "a body that is not a document",
    body: () => paragraph(text("not a doc")),
    code: "invalid_input",
  },
];

describe("sending and listing", () => {
  it("sends a message and lists it with its author, seq and version", async () => {
    const thread = await newThread();
    const id = crypto.randomUUID();
    const response = await api.postMessage(
      thread.id,
      { id, body: textDoc("Hello, team") },
      adaCookie,
    );
    expect(response.statusCode).toBe(201);
    const sent = response.json();
    expect(sent).toEqual({
      // Stored under an id of its own, derived from the one chosen (see "idempotent sends").
      id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      conversationId: thread.id,
      seq: 1,
      author: { kind: "staff", id: ada.id, name: "Ada Archer" },
      internal: false,
      body: textDoc("Hello, team"),
      createdAt: expect.any(String),
      editedAt: null,
      version: 1,
      attachments: [],
    });
    expect(Date.now() - Date.parse(sent.createdAt)).toBeLessThan(60_000);

    expect(await api.listMessages(thread.id, benCookie)).toEqual({
      messages: [sent],
      hasOlder: false,
    });
  });

  it("keeps formatting, allowed links and line structure", async () => {
    const thread = await newThread();
    const body = docOf(
      paragraph(text("Bold", bold), text(" and "), text("site", [link("https://example.com/a")])),
      paragraph(text("mail", [link("mailto:someone@example.com")])),
      {
        type: "bulletList",
        content: [{ type: "listItem", content: [paragraph(text("one"))] }],
      },
    );
    const sent = await api.send(thread.id, body, adaCookie);
    const marks = nodesOf(sent.body).flatMap((node) => node.marks ?? []);
    expect(marks.map((mark) => [mark.type, mark.attrs?.href])).toEqual([
      ["bold", undefined],
      ["link", "https://example.com/a"],
      ["link", "mailto:someone@example.com"],
    ]);
    expect(nodesOf(sent.body).map((node) => node.type)).toContain("bulletList");
    const [listed] = (await api.listMessages(thread.id, adaCookie)).messages;
    expect(listed?.body).toEqual(sent.body);
  });

  it("keeps text with characters outside the basic plane (emoji), which are not broken", async () => {
    const thread = await newThread();
    const sent = await api.send(thread.id, "Thanks 😀 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", adaCookie);
    expect(plainText(sent.body)).toBe("Thanks 😀 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢");
  });

  it("stores only the attributes it renders: a link's sent rel, target and class, and a code block's language, are dropped", async () => {
    const thread = await newThread();
    const hostileLink = {
      type: "link",
      attrs: {
        href: "https://example.com/a",
        rel: "opener",
        target: "_self",
        class: "sr-only fake-button",
        title: "Click",
      },
    };
    const body = docOf(
      paragraph(text("site", [hostileLink])),
      {
        type: "codeBlock",
        attrs: { language: '"><img src=x onerror=alert(1)>' },
        content: [text("x = 1")],
      },
      {
        type: "orderedList",
        attrs: { start: 3, type: "i" },
        content: [{ type: "listItem", content: [paragraph(text("three"))] }],
      },
      paragraph(text("Ask "), { type: "mention", attrs: { id: ben.id, label: "Ben", class: "x" } }),
    );
    const sent = await api.send(thread.id, body, adaCookie);
    const expected = docOf(
      paragraph(text("site", [{ type: "link", attrs: { href: "https://example.com/a" } }])),
      { type: "codeBlock", content: [text("x = 1")] },
      {
        type: "orderedList",
        attrs: { start: 3 },
        content: [{ type: "listItem", content: [paragraph(text("three"))] }],
      },
      paragraph(text("Ask "), { type: "mention", attrs: { id: ben.id, label: "Ben Baker" } }),
    );
    expect(sent.body).toEqual(expected);
    const [listed] = (await api.listMessages(thread.id, adaCookie)).messages;
    expect(listed?.body).toEqual(expected);
    const [row] = await storedRows(thread.id);
    expect(row?.body).toEqual(expected);
  });

  it("pages back through 120 messages, oldest first, 50 at a time", async () => {
    const thread = await newThread();
    for (let n = 1; n <= 120; n++) {
      await api.send(thread.id, `Message ${n}`, n % 2 ? adaCookie : benCookie);
    }
    const seqsOf = (page: { messages: Message[] }) => page.messages.map((m) => m.seq);
    const range = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => from + i);

    const newest = await api.listMessages(thread.id, adaCookie);
    expect(seqsOf(newest)).toEqual(range(71, 120));
    expect(newest.hasOlder).toBe(true);
    expect(newest.messages.map((m) => plainText(m.body))).toEqual(
      range(71, 120).map((n) => `Message ${n}`),
    );

    const middle = await api.listMessages(thread.id, adaCookie, { before: "71" });
    expect(seqsOf(middle)).toEqual(range(21, 70));
    expect(middle.hasOlder).toBe(true);

    const oldest = await api.listMessages(thread.id, adaCookie, { before: "21" });
    expect(seqsOf(oldest)).toEqual(range(1, 20));
    expect(oldest.hasOlder).toBe(false);
    expect(oldest.messages[0]?.author).toEqual({ kind: "staff", id: ada.id, name: "Ada Archer" });
    expect(oldest.messages[1]?.author).toEqual({ kind: "staff", id: ben.id, name: "Ben Baker" });

    // A page that ends exactly at the first message has nothing older.
    const exact = await api.listMessages(thread.id, adaCookie, { before: "21", limit: "20" });
    expect(seqsOf(exact)).toEqual(range(1, 20));
    expect(exact.hasOlder).toBe(false);
    const short = await api.listMessages(thread.id, adaCookie, { before: "21", limit: "19" });
    expect(seqsOf(short)).toEqual(range(2, 20));
    expect(short.hasOlder).toBe(true);

    expect(await api.listMessages(thread.id, adaCookie, { before: "1" })).toEqual({
      messages: [],
      hasOlder: false,
    });
  });

  it.each<{ query: Record<string, string> }>([
    { query: { limit: "51" } },
    { query: { limit: "0" } },
    { query: { before: "0" } },
    { query: { before: "abc" } },
  ])("answers 400 invalid_input to the page query $query", async ({ query }) => {
    const thread = await newThread();
    const response = await t.request({
      method: "GET",
      url: `/api/conversations/${thread.id}/messages`,
      query,
      cookie: adaCookie,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("invalid_input");
  });

  it("answers 404 to reading or sending in another firm's conversation, and stores nothing", async () => {
    const read = await t.request({
      method: "GET",
      url: `/api/conversations/${otherThread.id}/messages`,
      cookie: adaCookie,
    });
    expect(read.statusCode).toBe(404);
    expect(read.json()).toEqual(conversationNotFound);
    expect(read.body).not.toContain("secret");

    const sent = await api.postMessage(
      otherThread.id,
      { id: crypto.randomUUID(), body: textDoc("Intruding") },
      adaCookie,
    );
    expect(sent.statusCode).toBe(404);
    expect(sent.json()).toEqual(conversationNotFound);
    expect(await api.listMessages(otherThread.id, otherCookie)).toEqual({
      messages: [otherMessage],
      hasOlder: false,
    });
  });

  it("answers 404 for a conversation that does not exist", async () => {
    const response = await api.postMessage(
      crypto.randomUUID(),
      { id: crypto.randomUUID(), body: textDoc("Into the void") },
      adaCookie,
    );
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(conversationNotFound);
  });
});

describe("message body validation on send", () => {
  it.each(invalidBodies)("refuses $rule with $code and stores nothing", async ({
    body,
    code,
    message,
  }) => {
    const thread = await newThread();
    await api.send(thread.id, docOf(paragraph(text("Hi "), mention(ben.id))), adaCookie);
    const before = await snapshotOf(thread);

    const id = crypto.randomUUID();
    const response = await api.postMessage(thread.id, { id, body: body() }, adaCookie);
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error.code).toBe(code);
    expect(error.message).toEqual(message ?? expect.stringMatching(/\S/));

    expect(await snapshotOf(thread)).toEqual(before);
    expect(before.lastSeq).toBe(1);
    expect(await t.database.db.select().from(messages).where(eq(messages.id, id))).toEqual([]);
    // The same id still works for a valid retry.
    const retry = await api.postMessage(thread.id, { id, body: textDoc("Fixed") }, adaCookie);
    expect(retry.statusCode).toBe(201);
    expect(retry.json().seq).toBe(2);
  });

  it("refuses a deeply nested document under the size limit with 400, not a server error", async () => {
    const thread = await newThread();
    await api.send(thread.id, "Before", adaCookie);
    const before = await snapshotOf(thread);
    // 2,500 nested quotes are about 85 KB: under the size limit, but deep enough to exhaust
    // the stack of anything that walks the document recursively.
    const deepQuotes = nestedJson(2_500, '{"type":"blockquote","content":[', "]}", paragraphJson);
    // Nesting hidden in an attribute the schema would drop.
    const deepAttrs = `{"type":"doc","attrs":{"x":${nestedJson(20_000, "[", "]", "1")}},"content":[${paragraphJson}]}`;

    for (const body of [`{"type":"doc","content":[${deepQuotes}]}`, deepAttrs]) {
      expect(body.length).toBeLessThan(100 * 1024);
      const id = crypto.randomUUID();
      const response = await t.request({
        method: "POST",
        url: `/api/conversations/${thread.id}/messages`,
        headers: { "content-type": "application/json" },
        payload: `{"id":"${id}","body":${body}}`,
        cookie: adaCookie,
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.code).toBe("invalid_body");
      expect(await snapshotOf(thread)).toEqual(before);
    }
  });

  it("accepts lists nested as deep as anyone writes them", async () => {
    const thread = await newThread();
    const item = (label: string, ...nested: RichTextNode[]): RichTextNode => ({
      type: "listItem",
      content: [paragraph(text(label, [link("https://example.com")])), ...nested],
    });
    let list: RichTextNode = { type: "bulletList", content: [item("Level 20")] };
    for (let level = 19; level >= 1; level--) {
      list = { type: "bulletList", content: [item(`Level ${level}`, list)] };
    }
    const sent = await api.send(thread.id, docOf(list), adaCookie);
    expect(nodesOf(sent.body).filter((n) => n.type === "bulletList")).toHaveLength(20);
    const [listed] = (await api.listMessages(thread.id, adaCookie)).messages;
    expect(listed?.body).toEqual(sent.body);
  });

  it("accepts a text of exactly 10,000 characters", async () => {
    const thread = await newThread();
    const sent = await api.send(thread.id, "z".repeat(10_000), adaCookie);
    expect(plainText(sent.body)).toHaveLength(10_000);
  });
});

describe("mentions", () => {
  it("writes the member's real name into a mention, whatever label was sent", async () => {
    const thread = await newThread();
    const sent = await api.send(
      thread.id,
      docOf(paragraph(text("Over to "), mention(ben.id, "Somebody Else"), text(", thanks"))),
      adaCookie,
    );
    const mentionNodes = nodesOf(sent.body).filter((node) => node.type === "mention");
    expect(mentionNodes.map((node) => [node.attrs?.id, node.attrs?.label])).toEqual([
      [ben.id, "Ben Baker"],
    ]);
    const [listed] = (await api.listMessages(thread.id, benCookie)).messages;
    expect(listed?.body).toEqual(sent.body);
    expect(JSON.stringify(listed)).not.toContain("Somebody Else");
    expect((await api.conversationRow(thread, benCookie)).lastMessage?.preview).toBe(
      "Over to @Ben Baker, thanks",
    );
  });

  it("records one mention row per mentioned member", async () => {
    const thread = await newThread();
    const sent = await api.send(
      thread.id,
      docOf(
        paragraph(mention(ben.id), text(" and "), mention(cleo.id.toUpperCase())),
        paragraph(text("again "), mention(ben.id, "Benny")),
      ),
      adaCookie,
    );
    expect(await mentionedStaffOf(sent.id)).toEqual([ben.id, cleo.id].sort());
    const labels = nodesOf(sent.body)
      .filter((node) => node.type === "mention")
      .map((node) => node.attrs?.label);
    expect(labels).toEqual(["Ben Baker", "Cleo Clark", "Ben Baker"]);
  });

  it("records no mention rows for a message without mentions", async () => {
    const thread = await newThread();
    const sent = await api.send(thread.id, "Nobody in particular", adaCookie);
    expect(await mentionedStaffOf(sent.id)).toEqual([]);
  });
});

describe("idempotent sends", () => {
  it("stores a retried send once and answers the stored message with 200", async () => {
    const thread = await newThread();
    const id = crypto.randomUUID();
    const first = await api.postMessage(thread.id, { id, body: textDoc("Once only") }, adaCookie);
    expect(first.statusCode).toBe(201);
    const retry = await api.postMessage(thread.id, { id, body: textDoc("Once only") }, adaCookie);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());

    expect(await storedRows(thread.id)).toHaveLength(1);
    expect((await api.listMessages(thread.id, adaCookie)).messages).toEqual([first.json()]);
    expect((await api.conversationRow(thread, adaCookie)).lastSeq).toBe(1);
  });

  it("answers a retry with a changed body with the message first stored", async () => {
    const thread = await newThread();
    const id = crypto.randomUUID();
    const first = await api.postMessage(thread.id, { id, body: textDoc("Original") }, adaCookie);
    const retry = await api.postMessage(
      thread.id,
      { id, body: textDoc("Changed on retry") },
      adaCookie,
    );
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    expect((await storedRows(thread.id)).map((row) => row.bodyText)).toEqual(["Original"]);
  });

  it("stores one message when the same send arrives several times at once", async () => {
    const thread = await newThread();
    const payload = { id: crypto.randomUUID(), body: textDoc("Double click") };
    const responses = await Promise.all(
      Array.from({ length: 3 }, () => api.postMessage(thread.id, payload, adaCookie)),
    );
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 200, 201]);
    const bodies = responses.map((response) => response.json());
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect(bodies[0].seq).toBe(1);

    expect(await storedRows(thread.id)).toHaveLength(1);
    expect((await storedConversation(thread.id)).lastSeq).toBe(1);
    // The next message follows without a gap.
    expect((await api.send(thread.id, "Next", adaCookie)).seq).toBe(2);
  });

  it("stores a colleague's send under an id of their own when they chose the same one", async () => {
    const thread = await newThread();
    const chosen = crypto.randomUUID();
    const mine = await api.postMessage(thread.id, { id: chosen, body: textDoc("Mine") }, adaCookie);
    expect(mine.statusCode).toBe(201);

    const theirs = await api.postMessage(
      thread.id,
      { id: chosen, body: textDoc("Theirs") },
      benCookie,
    );
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().id).not.toBe(mine.json().id);
    expect(
      (await api.listMessages(thread.id, adaCookie)).messages.map((message) =>
        plainText(message.body),
      ),
    ).toEqual(["Mine", "Theirs"]);
  });

  it("answers 409 id_conflict when the sender reuses an id in another conversation", async () => {
    const first = await newThread();
    const second = await newThread();
    const chosen = crypto.randomUUID();
    const sent = await api.postMessage(
      first.id,
      { id: chosen, body: textDoc("In the first thread") },
      adaCookie,
    );
    expect(sent.statusCode).toBe(201);

    const response = await api.postMessage(
      second.id,
      { id: chosen, body: textDoc("In the first thread") },
      adaCookie,
    );
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe("id_conflict");
    expect(await api.listMessages(second.id, adaCookie)).toEqual({
      messages: [],
      hasOlder: false,
    });
    expect((await api.conversationRow(second, adaCookie)).lastSeq).toBe(0);
    expect((await api.listMessages(first.id, adaCookie)).messages).toEqual([sent.json()]);
  });

  it("answers an id another firm used exactly as an unknown id, and leaves that message alone", async () => {
    const thread = await newThread();
    const probe = (id: string) =>
      api.postMessage(thread.id, { id, body: textDoc("Taking over") }, adaCookie);
    const withTheirId = await probe(otherMessage.id);
    const withNewId = await probe(crypto.randomUUID());
    for (const response of [withTheirId, withNewId]) {
      expect(response.statusCode).toBe(201);
      expect(Object.keys(response.json()).sort()).toEqual(Object.keys(otherMessage).sort());
      expect(response.body).not.toContain("secret");
    }
    // Neither answer carries the id that was sent: nothing tells which one was taken.
    expect(withTheirId.json().id).not.toBe(otherMessage.id);
    expect((await api.conversationRow(thread, adaCookie)).lastSeq).toBe(2);
    expect((await api.listMessages(otherThread.id, otherCookie)).messages).toEqual([otherMessage]);
  });
});

describe("numbering", () => {
  it("numbers 50 simultaneous sends 1 to 50 without gaps or repeats", async () => {
    const thread = await newThread();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        api.postMessage(
          thread.id,
          { id: crypto.randomUUID(), body: textDoc(`Burst ${n}`), internal: n % 5 === 0 },
          n % 2 ? adaCookie : benCookie,
        ),
      ),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(Array(50).fill(201));
    const seqs = responses.map((response) => response.json().seq as number).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));

    expect((await api.conversationRow(thread, adaCookie)).lastSeq).toBe(50);
    const page = await api.listMessages(thread.id, adaCookie);
    expect(page.messages.map((m) => m.seq)).toEqual(seqs);
    expect(new Set(page.messages.map((m) => m.id))).toEqual(
      new Set(responses.map((response) => response.json().id)),
    );

    // Contacts' numbering is gap-free too: the 40 public messages are 1..40, the notes have none.
    const rows = await storedRows(thread.id);
    const publicSeqs = rows
      .filter((row) => !row.internal)
      .map((row) => row.publicSeq)
      .sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(publicSeqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(rows.filter((row) => row.internal).map((row) => row.publicSeq)).toEqual(
      Array(10).fill(null),
    );
    const stored = await storedConversation(thread.id);
    expect([stored.lastSeq, stored.lastPublicSeq]).toEqual([50, 40]);
  });

  it("gives notes no public number and public messages consecutive ones", async () => {
    const thread = await newThread();
    const sent = [
      await api.send(thread.id, "Public one", adaCookie),
      await api.send(thread.id, "Note one", adaCookie, { internal: true }),
      await api.send(thread.id, "Note two", benCookie, { internal: true }),
      await api.send(thread.id, "Public two", benCookie, { internal: false }),
      await api.send(thread.id, "Public three", adaCookie),
    ];
    expect(sent.map((m) => [m.seq, m.internal])).toEqual([
      [1, false],
      [2, true],
      [3, true],
      [4, false],
      [5, false],
    ]);
    const rows = await storedRows(thread.id);
    expect(rows.map((row) => [row.seq, row.publicSeq, row.internal])).toEqual([
      [1, 1, false],
      [2, null, true],
      [3, null, true],
      [4, 2, false],
      [5, 3, false],
    ]);
    const stored = await storedConversation(thread.id);
    expect([stored.lastSeq, stored.lastPublicSeq]).toEqual([5, 3]);
    // Staff see notes in the list, flagged as internal.
    const listed = (await api.listMessages(thread.id, benCookie)).messages;
    expect(listed.map((m) => m.internal)).toEqual([false, true, true, false, false]);
  });
});

describe("editing", () => {
  it("edits one's own message: new body, version + 1, edited time set", async () => {
    const thread = await newThread();
    const original = await api.send(thread.id, "Frist draft", adaCookie);
    const response = await api.editMessage(
      original.id,
      { body: textDoc("First draft"), version: 1 },
      adaCookie,
    );
    expect(response.statusCode).toBe(200);
    const edited = response.json();
    expect(edited).toEqual({
      ...original,
      body: textDoc("First draft"),
      editedAt: expect.any(String),
      version: 2,
    });
    expect(Date.parse(edited.editedAt)).toBeGreaterThanOrEqual(Date.parse(original.createdAt));

    expect((await api.listMessages(thread.id, benCookie)).messages).toEqual([edited]);
    expect((await api.conversationRow(thread, benCookie)).lastMessage?.preview).toBe("First draft");

    const again = await api.editMessage(
      original.id,
      { body: textDoc("Final draft"), version: 2 },
      adaCookie,
    );
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ version: 3, body: textDoc("Final draft") });
  });

  it("answers 409 stale_version to an edit from an older version, and keeps the newer body", async () => {
    const thread = await newThread();
    const original = await api.send(thread.id, "Version one", adaCookie);
    const newer = await api.editMessage(
      original.id,
      { body: textDoc("Version two"), version: 1 },
      adaCookie,
    );
    expect(newer.statusCode).toBe(200);

    for (const version of [1, 3]) {
      const stale = await api.editMessage(
        original.id,
        { body: textDoc("Overwrites version two"), version },
        adaCookie,
      );
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.code).toBe("stale_version");
    }
    expect((await api.listMessages(thread.id, adaCookie)).messages).toEqual([newer.json()]);
  });

  it("lets only one of two simultaneous edits from the same version win", async () => {
    const thread = await newThread();
    const original = await api.send(thread.id, "Contested", adaCookie);
    const responses = await Promise.all(
      ["Edit A", "Edit B"].map((value) =>
        api.editMessage(original.id, { body: textDoc(value), version: 1 }, adaCookie),
      ),
    );
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 409]);
    const winner = responses.find((response) => response.statusCode === 200)?.json();
    expect((await api.listMessages(thread.id, adaCookie)).messages).toEqual([winner]);
    expect(winner.version).toBe(2);
  });

  it("answers 403 to editing another staff member's message, and changes nothing", async () => {
    const thread = await newThread();
    const bens = await api.send(thread.id, "Ben wrote this", benCookie);
    const response = await api.editMessage(
      bens.id,
      { body: textDoc("Ada rewrote it"), version: 1 },
      adaCookie,
    );
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual(notTheAuthor);
    expect((await api.listMessages(thread.id, adaCookie)).messages).toEqual([bens]);
  });

  it("answers 404 to editing another firm's message, and changes nothing", async () => {
    const response = await api.editMessage(
      otherMessage.id,
      { body: textDoc("Hijacked"), version: 1 },
      adaCookie,
    );
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(messageNotFound);
    expect((await api.listMessages(otherThread.id, otherCookie)).messages).toEqual([otherMessage]);
  });

  it("answers 404 to editing a message that does not exist", async () => {
    const response = await api.editMessage(
      crypto.randomUUID(),
      { body: textDoc("Ghost"), version: 1 },
      adaCookie,
    );
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(messageNotFound);
  });

  it("keeps a note internal when an edit asks for internal: false", async () => {
    const thread = await newThread();
    const note = await api.send(thread.id, "Internal only", adaCookie, { internal: true });
    const response = await api.editMessage(
      note.id,
      { body: textDoc("Still internal"), version: 1, internal: false },
      adaCookie,
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ internal: true, body: textDoc("Still internal") });

    const [listed] = (await api.listMessages(thread.id, benCookie)).messages;
    expect(listed?.internal).toBe(true);
    const [row] = await storedRows(thread.id);
    expect(row).toMatchObject({ internal: true, publicSeq: null });
    expect((await storedConversation(thread.id)).lastPublicSeq).toBe(0);
  });

  it("replaces the mention rows and relabels mentions on edit", async () => {
    const thread = await newThread();
    const sent = await api.send(
      thread.id,
      docOf(paragraph(text("Ask "), mention(ben.id))),
      adaCookie,
    );
    expect(await mentionedStaffOf(sent.id)).toEqual([ben.id]);

    const response = await api.editMessage(
      sent.id,
      { body: docOf(paragraph(text("Ask "), mention(cleo.id, "Not Cleo"))), version: 1 },
      adaCookie,
    );
    expect(response.statusCode).toBe(200);
    const labels = nodesOf(response.json().body)
      .filter((node) => node.type === "mention")
      .map((node) => node.attrs?.label);
    expect(labels).toEqual(["Cleo Clark"]);
    expect(await mentionedStaffOf(sent.id)).toEqual([cleo.id]);

    const cleared = await api.editMessage(
      sent.id,
      { body: textDoc("Never mind"), version: 2 },
      adaCookie,
    );
    expect(cleared.statusCode).toBe(200);
    expect(await mentionedStaffOf(sent.id)).toEqual([]);
  });

  it.each(invalidBodies)("refuses an edit with $rule with $code and changes nothing", async ({
    body,
    code,
    message,
  }) => {
    const thread = await newThread();
    const original = await api.send(
      thread.id,
      docOf(paragraph(text("Keep me, "), mention(ben.id))),
      adaCookie,
    );
    const before = await snapshotOf(thread);

    const response = await api.editMessage(original.id, { body: body(), version: 1 }, adaCookie);
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error.code).toBe(code);
    expect(error.message).toEqual(message ?? expect.stringMatching(/\S/));

    expect(await snapshotOf(thread)).toEqual(before);
    expect(before.page.messages).toEqual([original]);
    expect(await mentionedStaffOf(original.id)).toEqual([ben.id]);
  });

  it("refuses a deeply nested edit with 400, and changes nothing", async () => {
    const thread = await newThread();
    const original = await api.send(thread.id, "Flat and fine", adaCookie);
    const deep = nestedJson(2_500, '{"type":"blockquote","content":[', "]}", paragraphJson);
    const response = await t.request({
      method: "PATCH",
      url: `/api/messages/${original.id}`,
      headers: { "content-type": "application/json" },
      payload: `{"version":1,"body":{"type":"doc","content":[${deep}]}}`,
      cookie: adaCookie,
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toBe("invalid_body");
    expect((await api.listMessages(thread.id, adaCookie)).messages).toEqual([original]);
  });

  it.each([
    { rule: "no version", payload: { body: textDoc("x") } },
    { rule: "version 0", payload: { body: textDoc("x"), version: 0 } },
    { rule: "no body", payload: { version: 1 } },
  ])("answers 400 invalid_input to an edit with $rule", async ({ payload }) => {
    const thread = await newThread();
    const original = await api.send(thread.id, "Unchanged", adaCookie);
    const response = await api.editMessage(original.id, payload, adaCookie);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("invalid_input");
    expect((await api.listMessages(thread.id, adaCookie)).messages).toEqual([original]);
  });
});

describe("deleting", () => {
  it("deletes one's own message with its mentions, everywhere it showed", async () => {
    const thread = await newThread();
    const first = await api.send(thread.id, "First words", adaCookie);
    const second = await api.send(
      thread.id,
      docOf(paragraph(text("Second, for "), mention(ben.id))),
      adaCookie,
    );
    expect(await mentionedStaffOf(second.id)).toEqual([ben.id]);
    let benRow = await api.conversationRow(thread, benCookie);
    expect(benRow.unreadCount).toBe(2);
    expect(benRow.lastMessage?.preview).toBe("Second, for @Ben Baker");

    const response = await api.deleteMessage(second.id, adaCookie);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe("");

    expect(await api.listMessages(thread.id, benCookie)).toEqual({
      messages: [first],
      hasOlder: false,
    });
    expect(await t.database.db.select().from(messages).where(eq(messages.id, second.id))).toEqual(
      [],
    );
    expect(await mentionedStaffOf(second.id)).toEqual([]);
    benRow = await api.conversationRow(thread, benCookie);
    expect(benRow.unreadCount).toBe(1);
    expect(benRow.lastMessage).toEqual({
      preview: "First words",
      internal: false,
      authorName: "Ada Archer",
      createdAt: first.createdAt,
    });
    expect((await api.listConversations(thread.clientId, benCookie)).unreadTotal).toBe(1);

    const again = await api.deleteMessage(second.id, adaCookie);
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual(messageNotFound);
  });

  it("shows no preview once the only message is deleted", async () => {
    const thread = await newThread();
    const only = await api.send(thread.id, "Short-lived", adaCookie);
    expect((await api.deleteMessage(only.id, adaCookie)).statusCode).toBe(204);
    const row = await api.conversationRow(thread, benCookie);
    expect(row.lastMessage).toBeNull();
    expect(row.unreadCount).toBe(0);
  });

  it("answers 403 to deleting another staff member's message, and keeps it", async () => {
    const thread = await newThread();
    const bens = await api.send(thread.id, docOf(paragraph(mention(ada.id))), benCookie);
    const response = await api.deleteMessage(bens.id, adaCookie);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual(notTheAuthor);
    expect((await api.listMessages(thread.id, adaCookie)).messages).toEqual([bens]);
    expect(await mentionedStaffOf(bens.id)).toEqual([ada.id]);
  });

  it("answers 404 to deleting another firm's message, and keeps it", async () => {
    const response = await api.deleteMessage(otherMessage.id, adaCookie);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(messageNotFound);
    expect((await api.listMessages(otherThread.id, otherCookie)).messages).toEqual([otherMessage]);
  });

  it("answers 400 for a message id that is not a uuid", async () => {
    const response = await api.deleteMessage("not-a-uuid", adaCookie);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toEqual({
      code: "invalid_input",
      message: "Some of the values are not valid.",
      fields: { messageId: "Not a valid message id." },
    });
  });
});

describe("without a session", () => {
  it("answers 401 to every messaging route, and changes nothing", async () => {
    const thread = await newThread();
    const sent = await api.send(thread.id, "Guarded", adaCookie);
    const before = await snapshotOf(thread);

    const responses = [
      await t.request({ method: "GET", url: `/api/conversations/${thread.id}/messages` }),
      await api.postMessage(thread.id, { id: crypto.randomUUID(), body: textDoc("Anon") }),
      await api.editMessage(sent.id, { body: textDoc("Anon edit"), version: 1 }),
      await api.deleteMessage(sent.id),
      await api.markRead(thread.id, 1),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(unauthenticated);
    }
    expect(await snapshotOf(thread)).toEqual(before);
    expect((await api.conversationRow(thread, benCookie)).unreadCount).toBe(1);
  });

  it("answers 401 before looking at the input or the ids", async () => {
    const responses = [
      await t.request({ method: "GET", url: "/api/conversations/nope/messages" }),
      await api.postMessage("nope", { body: "not a doc" }),
      await api.postMessage(otherThread.id, { id: crypto.randomUUID(), body: textDoc("x") }),
      await api.editMessage("nope", {}),
      await api.deleteMessage(otherMessage.id),
      await t.request({ method: "POST", url: "/api/conversations/nope/read", payload: {} }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(unauthenticated);
    }
    expect((await api.listMessages(otherThread.id, otherCookie)).messages).toEqual([otherMessage]);
  });
});

describe("from another site", () => {
  it("refuses to send, edit or delete, and changes nothing", async () => {
    const thread = await newThread();
    const sent = await api.send(thread.id, "Mine", adaCookie);
    const before = await snapshotOf(thread);
    const evil = { origin: "http://evil.example" };
    const responses = [
      await t.request({
        method: "POST",
        url: `/api/conversations/${thread.id}/messages`,
        payload: { id: crypto.randomUUID(), body: textDoc("Forged") },
        cookie: adaCookie,
        headers: evil,
      }),
      await t.request({
        method: "PATCH",
        url: `/api/messages/${sent.id}`,
        payload: { body: textDoc("Forged edit"), version: 1 },
        cookie: adaCookie,
        headers: evil,
      }),
      await t.request({
        method: "DELETE",
        url: `/api/messages/${sent.id}`,
        cookie: adaCookie,
        headers: evil,
      }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe("bad_origin");
    }
    expect(await snapshotOf(thread)).toEqual(before);
  });
});
