import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TEST_ORIGIN, type TestApp } from "../../../test/app.js";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import { messagingApi, textDoc } from "../../../test/messaging.js";
import { portalApi } from "../../../test/portal.js";
import { buildApp } from "../app.js";
import { createMemoryEventBus } from "../realtime/event-bus.js";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const SENDS_PER_MINUTE = 3;
const EDITS_PER_MINUTE = 2;

function expectRateLimited(response: {
  statusCode: number;
  headers: Record<string, unknown>;
  json: () => { error: { code: string; message: string } };
}) {
  expect(response.statusCode).toBe(429);
  expect(response.json().error).toEqual({
    code: "rate_limited",
    message: expect.stringMatching(
      /^You are doing that too quickly\. Try again in \d+ (seconds?|minutes?)\.$/,
    ),
  });
  expect(Number(response.headers["retry-after"])).toBeGreaterThan(0);
}

/** A staff member with a fresh thread, signed in on `t`. */
async function staffWithThread(t: TestApp) {
  const api = messagingApi(t);
  const firm = await buildFirm(t.database.db);
  const client = await buildClient(t.database.db, firm);
  const member = await buildStaff(t.database.db, firm);
  const cookie = await t.signIn(member.email);
  const thread = await api.openConversation(client.id, { kind: "all_contacts" }, cookie);
  return { api, firm, client, cookie, thread };
}

describe("message rate limits, in one process", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      messageSendRateLimit: SENDS_PER_MINUTE,
      messageEditRateLimit: EDITS_PER_MINUTE,
    });
  });
  afterAll(() => t.close());

  it("refuse a person's sends past the limit with 429, whatever address they use, and store nothing", async () => {
    const { api, firm, thread, cookie } = await staffWithThread(t);
    for (let n = 1; n <= SENDS_PER_MINUTE; n++) await api.send(thread.id, `Message ${n}`, cookie);

    const refused = await api.postMessage(
      thread.id,
      { id: crypto.randomUUID(), body: textDoc("One too many") },
      cookie,
    );
    expectRateLimited(refused);
    // A new address does not make a new person.
    const fromElsewhere = await t.app.inject({
      method: "POST",
      url: `/api/conversations/${thread.id}/messages`,
      headers: { origin: TEST_ORIGIN, cookie, "x-forwarded-for": "198.51.100.23" },
      payload: { id: crypto.randomUUID(), body: textDoc("From another address") },
    });
    expectRateLimited(fromElsewhere);
    const page = await api.listMessages(thread.id, cookie);
    expect(page.messages.map((message) => message.seq)).toEqual([1, 2, 3]);

    // A colleague in the same conversation is counted on their own.
    const colleague = await t.signIn((await buildStaff(t.database.db, firm)).email);
    await api.send(thread.id, "My first today", colleague);
  });

  it("refuse a person's edits past the limit with 429, and keep the message as it was", async () => {
    const { api, thread, cookie } = await staffWithThread(t);
    const message = await api.send(thread.id, "Draft", cookie);
    for (let version = 1; version <= EDITS_PER_MINUTE; version++) {
      const edited = await api.editMessage(
        message.id,
        { body: textDoc(`Edit ${version}`), version },
        cookie,
      );
      expect(edited.statusCode).toBe(200);
    }
    const refused = await api.editMessage(
      message.id,
      { body: textDoc("Edit too many"), version: EDITS_PER_MINUTE + 1 },
      cookie,
    );
    expectRateLimited(refused);
    const [stored] = (await api.listMessages(thread.id, cookie)).messages;
    expect(stored?.version).toBe(EDITS_PER_MINUTE + 1);
    expect(stored?.body).toEqual(textDoc(`Edit ${EDITS_PER_MINUTE}`));
  });

  it("limit a contact's sends in the portal the same way", async () => {
    const { firm, client, thread } = await staffWithThread(t);
    const portal = portalApi(t);
    const contactApi = messagingApi(t, "contact");
    const owner = await t.signIn((await buildStaff(t.database.db, firm, { role: "owner" })).email);
    const contact = await buildContact(t.database.db, client);
    const contactCookie = await portal.grantAccess(client, contact, owner);
    for (let n = 1; n <= SENDS_PER_MINUTE; n++) {
      await contactApi.send(thread.id, `Reply ${n}`, contactCookie);
    }
    const refused = await contactApi.postMessage(
      thread.id,
      { id: crypto.randomUUID(), body: textDoc("Spam") },
      contactCookie,
    );
    expectRateLimited(refused);
    expect((await contactApi.listMessages(thread.id, contactCookie)).messages).toHaveLength(
      SENDS_PER_MINUTE,
    );
  });
});

describe("message rate limits, shared through Redis by two server processes", () => {
  let first: TestApp;
  let second: Awaited<ReturnType<typeof buildApp>>;
  beforeAll(async () => {
    first = await createTestApp({ redisUrl, messageSendRateLimit: SENDS_PER_MINUTE });
    // A second process: its own app and event bus, the same database, secret and Redis.
    second = await buildApp({
      config: first.config,
      db: first.database.db,
      bus: createMemoryEventBus(),
      storage: first.storage,
    });
    await second.ready();
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it("count a person's sends on every process together", async () => {
    const { api, thread, cookie } = await staffWithThread(first);
    const sendOnSecond = (text: string) =>
      second.inject({
        method: "POST",
        url: `/api/conversations/${thread.id}/messages`,
        headers: { origin: TEST_ORIGIN, cookie, "x-forwarded-for": "10.0.0.1" },
        payload: { id: crypto.randomUUID(), body: textDoc(text) },
      });

    await api.send(thread.id, "On the first", cookie);
    expect((await sendOnSecond("On the second")).statusCode).toBe(201);
    await api.send(thread.id, "On the first again", cookie);

    expectRateLimited(await sendOnSecond("Past the limit, on the second"));
    expectRateLimited(
      await api.postMessage(
        thread.id,
        { id: crypto.randomUUID(), body: textDoc("And here") },
        cookie,
      ),
    );
    expect((await api.listMessages(thread.id, cookie)).messages).toHaveLength(SENDS_PER_MINUTE);
  });
});
