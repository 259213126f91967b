import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, nextClientIp, sessionCookieOf, type TestApp } from "../../../test/app.js";
import { buildFirm, buildStaff, TEST_PASSWORD, type TestStaff } from "../../../test/factories.js";

let t: TestApp;
let member: TestStaff;

beforeAll(async () => {
  t = await createTestApp();
  const firm = await buildFirm(t.database.db, "Signin Firm");
  member = await buildStaff(t.database.db, firm, { name: "Sam Signin", role: "owner" });
  await buildStaff(t.database.db, await buildFirm(t.database.db));
});
afterAll(() => t.close());

const signInAttempt = (email: string, password: string, ip = nextClientIp()) =>
  t.request({
    method: "POST",
    url: "/api/auth/sign-in/email",
    headers: { "x-forwarded-for": ip },
    payload: { email, password },
  });

describe("staff sign-in", () => {
  it("signs in with e-mail and password and shows who is signed in", async () => {
    const response = await signInAttempt(member.email, TEST_PASSWORD);
    expect(response.statusCode).toBe(200);
    const setCookie = String(response.headers["set-cookie"]);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    // The token lives only in the httpOnly cookie, never in a body a script can read.
    expect(response.json()).not.toHaveProperty("token");

    const session = await t.request({
      method: "GET",
      url: "/api/session",
      cookie: sessionCookieOf(response.headers["set-cookie"]),
    });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({
      kind: "staff",
      name: "Sam Signin",
      email: member.email,
      role: "owner",
      firm: { name: "Signin Firm" },
    });
  });

  it("gives the same message for a wrong password and an unknown e-mail", async () => {
    const wrongPassword = await signInAttempt(member.email, "not-the-password");
    const unknownEmail = await signInAttempt("nobody@example.test", TEST_PASSWORD);
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual(unknownEmail.json());
    expect(wrongPassword.json()).toEqual({
      error: { code: "invalid_email_or_password", message: "Invalid email or password" },
    });
  });

  it("rate-limits repeated attempts from one address, and not others", async () => {
    const ip = nextClientIp();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < t.config.signInRateLimit + 1; attempt++) {
      statuses.push((await signInAttempt(member.email, "wrong-password", ip)).statusCode);
    }
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    const limited = await signInAttempt(member.email, TEST_PASSWORD, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("rate_limited");
    // Another address is unaffected.
    expect((await signInAttempt(member.email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it("counts attempts by the address the proxy saw: a spoofed left-most X-Forwarded-For does not reset them", async () => {
    const ip = nextClientIp();
    const statuses: number[] = [];
    for (let attempt = 0; attempt <= t.config.signInRateLimit; attempt++) {
      // The client writes a new address of its own each time; our proxy appends the real one.
      const forwardedFor = `203.0.113.${attempt + 1}, ${ip}`;
      statuses.push((await signInAttempt(member.email, "wrong-password", forwardedFor)).statusCode);
    }
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const spoofedAgain = await signInAttempt(member.email, TEST_PASSWORD, `198.51.100.7, ${ip}`);
    expect(spoofedAgain.statusCode).toBe(429);
  });

  it("signs out: the old cookie no longer works", async () => {
    const cookie = await t.signIn(member.email);
    const signOut = await t.request({ method: "POST", url: "/api/auth/sign-out", cookie });
    expect(signOut.statusCode).toBe(200);
    const after = await t.request({ method: "GET", url: "/api/session", cookie });
    expect(after.statusCode).toBe(401);
  });

  it("with proxy addresses configured, trusts only those hops", async () => {
    // The test requests arrive from 127.0.0.1: as if that were the proxy.
    const behindListedProxy = await createTestApp({ trustProxy: ["127.0.0.1"] });
    try {
      const firm = await buildFirm(behindListedProxy.database.db);
      const someone = await buildStaff(behindListedProxy.database.db, firm);
      const ip = nextClientIp();
      const statuses: number[] = [];
      for (let attempt = 0; attempt <= behindListedProxy.config.signInRateLimit; attempt++) {
        const response = await behindListedProxy.request({
          method: "POST",
          url: "/api/auth/sign-in/email",
          headers: { "x-forwarded-for": `203.0.113.${attempt + 1}, ${ip}` },
          payload: { email: someone.email, password: "wrong-password" },
        });
        statuses.push(response.statusCode);
      }
      expect(statuses.at(-1)).toBe(429);
      expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true);
    } finally {
      await behindListedProxy.close();
    }
  });

  it("refuses a sign-in posted from another site", async () => {
    const response = await t.request({
      method: "POST",
      url: "/api/auth/sign-in/email",
      headers: { origin: "http://evil.example", "x-forwarded-for": nextClientIp() },
      payload: { email: member.email, password: TEST_PASSWORD },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("bad_origin");
    expect(response.headers["set-cookie"]).toBeUndefined();
  });

  it("answers 401 JSON to API calls without a session", async () => {
    const response = await t.request({ method: "GET", url: "/api/session" });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error: { code: "unauthenticated", message: "Sign in to continue." },
    });
  });

  it("publishes an OpenAPI document", async () => {
    const response = await t.request({ method: "GET", url: "/api/openapi.json" });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toContain("/api/clients/{clientId}/contacts");
  });
});
