import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, nextClientIp, type TestApp } from "../../../test/app.js";
import { buildFirm, buildStaff, TEST_PASSWORD, type TestStaff } from "../../../test/factories.js";
import { account, session, user } from "../db/schema.js";

let t: TestApp;
let member: TestStaff;
let cookie: string;

beforeAll(async () => {
  t = await createTestApp();
  const firm = await buildFirm(t.database.db, "Endpoint Firm");
  member = await buildStaff(t.database.db, firm, { name: "Erin Endpoint", role: "owner" });
  cookie = await t.signIn(member.email);
});
afterAll(() => t.close());

/** What the web app and its tests call under /api/auth; every other endpoint must be unreachable. */
const usedEndpoints = new Set([
  "POST /sign-in/email",
  "POST /sign-out",
  "GET /get-session",
  "POST /sign-in/magic-link",
  "GET /magic-link/verify",
  "POST /request-password-reset",
  "GET /reset-password/:token",
  "POST /reset-password",
  "POST /change-password",
  "GET /list-sessions",
  "POST /revoke-session",
  "POST /revoke-sessions",
  "POST /revoke-other-sessions",
  "POST /two-factor/enable",
  "POST /two-factor/verify-totp",
  "POST /two-factor/verify-backup-code",
  "POST /two-factor/disable",
]);

/** Every endpoint Better Auth serves with our plugins, read from the library itself. */
function betterAuthEndpoints(): { method: string; path: string }[] {
  return Object.values(t.app.deps.auth.api).flatMap((endpoint) => {
    const { path, options } = endpoint as { path?: string; options?: { method?: unknown } };
    if (!path) return [];
    const methods = [options?.method].flat().filter((method) => typeof method === "string");
    return methods.map((method) => ({ method, path }));
  });
}

/** A body that would do harm to anything that took it: the attacks of a signed-in contact. */
const hostileBody = {
  name: "Ada Park (Northwind staff)",
  image: "javascript:alert(document.cookie)",
  email: "someone-else@example.test",
  newEmail: "someone-else@example.test",
  password: TEST_PASSWORD,
  newPassword: "a-new-password-999",
  currentPassword: TEST_PASSWORD,
  callbackURL: "/",
};

async function accountState() {
  const [person] = await t.database.db.select().from(user).where(eq(user.id, member.userId));
  const accounts = await t.database.db
    .select({ id: account.id, password: account.password })
    .from(account)
    .where(eq(account.userId, member.userId));
  const sessions = await t.database.db
    .select({ id: session.id })
    .from(session)
    .where(eq(session.userId, member.userId));
  return { person, accounts, sessionCount: sessions.length };
}

describe("Better Auth endpoints the app does not use", () => {
  it("answer 404 and change nothing, each of them", async () => {
    const before = await accountState();
    const unused = betterAuthEndpoints().filter(
      ({ method, path }) => !usedEndpoints.has(`${method} ${path}`),
    );
    expect(unused.map(({ method, path }) => `${method} ${path}`)).toEqual(
      expect.arrayContaining([
        "POST /update-user",
        "POST /delete-user",
        "POST /change-email",
        "POST /sign-up/email",
        "POST /update-session",
        "GET /list-accounts",
        "POST /two-factor/get-totp-uri",
        "POST /two-factor/generate-backup-codes",
        "POST /two-factor/send-otp",
        "POST /two-factor/verify-otp",
      ]),
    );
    for (const { method, path } of unused) {
      const response = await t.request({
        method: method as "GET" | "POST",
        url: `/api/auth${path.replace(/:\w+/g, "x")}`,
        cookie,
        headers: { "x-forwarded-for": nextClientIp() },
        ...(method === "POST" ? { payload: hostileBody } : {}),
      });
      expect(response.statusCode, `${method} ${path}: ${response.body}`).toBe(404);
      expect(response.json().error.code).toBe("not_found");
    }
    expect(await accountState()).toEqual(before);
  });

  it("cannot rename a person, blank their name or set a script as their image", async () => {
    const before = await accountState();
    const renames = [
      { name: "x".repeat(1_000_000) },
      { name: "" },
      { name: "Ada Park (Northwind staff)" },
      { image: "javascript:alert(1)" },
    ];
    // The path spelled with escapes must not reach the endpoint either.
    for (const url of [
      "/api/auth/update-user",
      "/api/auth/%75pdate-user",
      "/api/auth/x/../update-user",
    ]) {
      for (const payload of renames) {
        const response = await t.request({ method: "POST", url, cookie, payload });
        expect([404, 413], `${url} ${response.body.slice(0, 100)}`).toContain(response.statusCode);
      }
    }
    expect(await accountState()).toEqual(before);
    const session = await t.request({ method: "GET", url: "/api/session", cookie });
    expect(session.json().name).toBe("Erin Endpoint");
  });
});

describe("Better Auth endpoints the app uses", () => {
  it("stay reachable", async () => {
    const other = await buildStaff(t.database.db, await buildFirm(t.database.db));
    const otherCookie = await t.signIn(other.email);
    const call = (method: "GET" | "POST", path: string, payload?: object) =>
      t.request({
        method,
        url: `/api/auth${path}`,
        cookie: otherCookie,
        headers: { "x-forwarded-for": nextClientIp() },
        ...(payload ? { payload } : {}),
      });
    expect((await call("GET", "/get-session")).statusCode).toBe(200);
    expect((await call("GET", "/list-sessions")).statusCode).toBe(200);
    const wrongPassword = await call("POST", "/change-password", {
      currentPassword: "not-the-password",
      newPassword: "a-new-password-999",
    });
    expect(wrongPassword.statusCode).toBe(400);
    expect(wrongPassword.json().error.code).toBe("invalid_password");
    expect((await call("GET", "/reset-password/not-a-token?callbackURL=/")).statusCode).toBe(302);
    expect(
      (await call("GET", "/magic-link/verify?token=nope&callbackURL=/portal")).statusCode,
    ).toBe(302);
    expect((await call("POST", "/revoke-other-sessions", {})).statusCode).toBe(200);
    expect((await call("POST", "/revoke-sessions", {})).statusCode).toBe(200);
  });
});

describe("session tokens in responses", () => {
  const tokenOf = async (userId: string) =>
    (await t.database.db.select().from(session).where(eq(session.userId, userId))).map(
      (row) => row.token,
    );

  /** Every key of a JSON value, at any depth. */
  const keysOf = (value: unknown): string[] =>
    typeof value !== "object" || value === null
      ? []
      : Object.entries(value).flatMap(([key, child]) => [key, ...keysOf(child)]);

  it("never appear in get-session or list-sessions, at any depth", async () => {
    const person = await buildStaff(t.database.db, await buildFirm(t.database.db));
    const personCookie = await t.signIn(person.email);
    await t.signIn(person.email);
    const tokens = await tokenOf(person.userId);
    expect(tokens).toHaveLength(2);

    const current = await t.request({
      method: "GET",
      url: "/api/auth/get-session",
      cookie: personCookie,
    });
    expect(current.statusCode).toBe(200);
    expect(current.json().session.userId).toBe(person.userId);
    const listed = await t.request({
      method: "GET",
      url: "/api/auth/list-sessions",
      cookie: personCookie,
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toHaveLength(2);

    for (const response of [current, listed]) {
      expect(keysOf(response.json())).not.toContain("token");
      for (const token of tokens) expect(response.body).not.toContain(token);
    }
  });
});
