import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, nextClientIp, type TestApp } from "../../../test/app.js";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import { messagingApi, textDoc } from "../../../test/messaging.js";
import { portalApi } from "../../../test/portal.js";
import { UNSTORABLE_TEXT_MESSAGE } from "../../shared/api/fields.js";
import type { Conversation, Message } from "../../shared/api/messaging.js";

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let portal: ReturnType<typeof portalApi>;
let contactApi: ReturnType<typeof messagingApi>;
let staffCookie: string;
let contactCookie: string;
let client: { id: string; firmId: string };
let contact: { id: string; email: string | null };
let thread: Conversation;
let message: Message;
let portalMessage: Message;

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t);
  portal = portalApi(t);
  contactApi = messagingApi(t, "contact");
  const firm = await buildFirm(t.database.db, "Bad Input Firm");
  staffCookie = await t.signIn((await buildStaff(t.database.db, firm, { role: "owner" })).email);
  client = await buildClient(t.database.db, firm, "Kept Client");
  contact = await buildContact(t.database.db, client, { name: "Kept Contact" });
  contactCookie = await portal.grantAccess(client, contact, staffCookie);
  thread = await api.openConversation(client.id, { kind: "all_contacts" }, staffCookie);
  message = await api.send(thread.id, "Kept message", staffCookie);
  portalMessage = await contactApi.send(thread.id, "Kept reply", contactCookie);
});
afterAll(() => t.close());

const NUL = "\u0000";
const HIGH_SURROGATE = "\ud83d";
const LOW_SURROGATE = "\ude00";
const INT32_PAST_MAX = 2_147_483_648;

/** Everything a refused request must leave as it was, as staff and the contact see it. */
async function everything() {
  return {
    clients: (await t.request({ method: "GET", url: "/api/clients", cookie: staffCookie })).json(),
    contacts: (
      await t.request({
        method: "GET",
        url: `/api/clients/${client.id}/contacts`,
        cookie: staffCookie,
      })
    ).json(),
    messages: await api.listMessages(thread.id, staffCookie),
    portalMessages: await contactApi.listMessages(thread.id, contactCookie),
  };
}

function expectInvalidField(
  response: { statusCode: number; json: () => { error: { code: string; fields?: object } } },
  field: string,
  message?: string,
) {
  expect(response.statusCode).toBe(400);
  const { error } = response.json();
  expect(error.code).toBe("invalid_input");
  expect(error.fields).toHaveProperty([field], message ?? expect.stringMatching(/\S/));
}

describe("text the database cannot hold", () => {
  it.each([
    ["a NUL", `Acme${NUL}Bakery`],
    ["an unpaired high surrogate", `Acme ${HIGH_SURROGATE}`],
    ["an unpaired low surrogate", `${LOW_SURROGATE} Acme`],
  ])("is refused with 400 in client and contact names and e-mails (%s)", async (_what, bad) => {
    const before = await everything();
    const attempts = [
      { method: "POST", url: "/api/clients", payload: { name: bad }, field: "name" },
      {
        method: "POST",
        url: `/api/clients/${client.id}/contacts`,
        payload: { name: bad, email: "" },
        field: "name",
      },
      {
        method: "POST",
        url: `/api/clients/${client.id}/contacts`,
        payload: { name: "Fine", email: `a${bad}@example.test` },
        field: "email",
      },
      {
        method: "PUT",
        url: `/api/clients/${client.id}/contacts/${contact.id}`,
        payload: { name: bad, email: "" },
        field: "name",
      },
    ] as const;
    for (const { field, ...attempt } of attempts) {
      const response = await t.request({ ...attempt, cookie: staffCookie });
      expectInvalidField(response, field, field === "name" ? UNSTORABLE_TEXT_MESSAGE : undefined);
    }
    expect(await everything()).toEqual(before);
  });

  it("is refused with 400 in a client search (a URL can carry a NUL, not a lone surrogate)", async () => {
    const search = await t.request({
      method: "GET",
      url: "/api/clients",
      query: { q: `Acme${NUL}` },
      cookie: staffCookie,
    });
    expectInvalidField(search, "q", UNSTORABLE_TEXT_MESSAGE);
  });

  it.each([
    ["a NUL", `Hello${NUL}`],
    ["an unpaired surrogate", `Hello ${HIGH_SURROGATE}`],
  ])("is refused with 400 invalid_character in sent and edited messages, staff and portal (%s)", async (_what, bad) => {
    const before = await everything();
    const responses = [
      await api.postMessage(
        thread.id,
        { id: crypto.randomUUID(), body: textDoc(bad) },
        staffCookie,
      ),
      await api.editMessage(message.id, { body: textDoc(bad), version: 1 }, staffCookie),
      await contactApi.postMessage(
        thread.id,
        { id: crypto.randomUUID(), body: textDoc(bad) },
        contactCookie,
      ),
      await contactApi.editMessage(
        portalMessage.id,
        { body: textDoc(bad), version: 1 },
        contactCookie,
      ),
    ];
    for (const response of responses) {
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.code).toBe("invalid_character");
    }
    expect(await everything()).toEqual(before);
  });

  it("is refused with 400 in an invitation link's token", async () => {
    const response = await portal.describe(`${"a".repeat(24)}${encodeURIComponent(NUL)}`);
    expectInvalidField(response, "token", UNSTORABLE_TEXT_MESSAGE);
  });

  it("is refused with 400 on the sign-in routes, before Better Auth queries with it", async () => {
    const before = await everything();
    const attempts = [
      {
        url: "/api/auth/reset-password",
        payload: { token: `a${NUL}b`, newPassword: "a-new-password-1" },
      },
      {
        url: "/api/auth/reset-password",
        payload: { token: `a${HIGH_SURROGATE}`, newPassword: "a-new-password-1" },
      },
      { url: "/api/auth/revoke-session", payload: { token: `a${NUL}b` }, cookie: staffCookie },
      {
        url: "/api/auth/sign-in/magic-link",
        payload: { email: "a@example.test", callbackURL: `/portal${NUL}` },
      },
    ];
    for (const { url, payload, cookie } of attempts) {
      const response = await t.request({
        method: "POST",
        url,
        payload,
        cookie,
        headers: { "x-forwarded-for": nextClientIp() },
      });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
      expect(response.json().error.code).toBe("invalid_character");
    }
    expect(await everything()).toEqual(before);
    // The staff session the revoke named nothing of is still there.
    expect(
      (await t.request({ method: "GET", url: "/api/session", cookie: staffCookie })).statusCode,
    ).toBe(200);
  });
});

describe("numbers past a PostgreSQL integer", () => {
  it("are refused with 400 as a page position, an edit's version and a read position", async () => {
    const before = await everything();
    const query = { before: String(INT32_PAST_MAX) };
    expectInvalidField(
      await t.request({
        method: "GET",
        url: `/api/conversations/${thread.id}/messages`,
        query,
        cookie: staffCookie,
      }),
      "before",
    );
    expectInvalidField(
      await contactApi.listMessagesResponse(thread.id, contactCookie, query),
      "before",
    );
    expectInvalidField(
      await api.editMessage(
        message.id,
        { body: textDoc("Changed"), version: INT32_PAST_MAX },
        staffCookie,
      ),
      "version",
    );
    expectInvalidField(
      await contactApi.editMessage(
        portalMessage.id,
        { body: textDoc("Changed"), version: INT32_PAST_MAX },
        contactCookie,
      ),
      "version",
    );
    expectInvalidField(await api.markRead(thread.id, INT32_PAST_MAX, staffCookie), "seq");
    expectInvalidField(await contactApi.markRead(thread.id, INT32_PAST_MAX, contactCookie), "seq");
    expect(await everything()).toEqual(before);
    // The largest integer is a valid position: nothing is older than it.
    const page = await t.request({
      method: "GET",
      url: `/api/conversations/${thread.id}/messages`,
      query: { before: String(INT32_PAST_MAX - 1) },
      cookie: staffCookie,
    });
    expect(page.statusCode).toBe(200);
  });
});

describe("absurdly nested JSON bodies", () => {
  const deepArray = `${"[".repeat(400_000)}${"]".repeat(400_000)}`;

  it("are refused on the sign-in routes before Better Auth parses them", async () => {
    // 400,000 levels are far past the few kilobytes a sign-in body needs.
    const huge = await t.request({
      method: "POST",
      url: "/api/auth/sign-in/email",
      payload: deepArray,
      headers: { "content-type": "application/json", "x-forwarded-for": nextClientIp() },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe("body_too_large");
    // 2,000 levels fit in the size, and are refused for their depth.
    const deep = `${"[".repeat(2_000)}${"]".repeat(2_000)}`;
    for (const payload of [deep, `{"email":"a@example.test","password":"x","extra":${deep}}`]) {
      for (const url of ["/api/auth/sign-in/email", "/api/auth/request-password-reset"]) {
        const response = await t.request({
          method: "POST",
          url,
          payload,
          headers: { "content-type": "application/json", "x-forwarded-for": nextClientIp() },
        });
        expect(response.statusCode, url).toBe(400);
        expect(response.json().error.code).toBe("body_too_deep");
      }
    }
  });

  it("are refused with 413 body_too_large on the sign-in routes past their small size", async () => {
    const response = await t.request({
      method: "POST",
      url: "/api/auth/sign-in/email",
      payload: { email: "a@example.test", password: "x".repeat(20_000) },
      headers: { "x-forwarded-for": nextClientIp() },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe("body_too_large");
  });

  it("are refused with 400 on our own routes, and change nothing", async () => {
    const before = await everything();
    const attempts = [
      { url: "/api/clients", payload: deepArray },
      { url: "/api/clients", payload: `{"name":${deepArray}}` },
      {
        url: `/api/conversations/${thread.id}/messages`,
        payload: `{"id":"${crypto.randomUUID()}","body":{"type":"doc","content":[${deepArray}]}}`,
      },
    ];
    for (const { url, payload } of attempts) {
      const response = await t.request({
        method: "POST",
        url,
        payload,
        cookie: staffCookie,
        headers: { "content-type": "application/json" },
      });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code).toBe("invalid_input");
    }
    expect(await everything()).toEqual(before);
  });
});
