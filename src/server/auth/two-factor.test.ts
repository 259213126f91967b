/**
 * Two-factor sign-in for staff: set-up, codes at sign-in (wrong, replayed, backup), turning it
 * off, contacts kept out, and a firm requiring it. The clock is fixed (only `Date` is faked), so
 * codes are computed for known time steps instead of waited for.
 */
import { eq } from "drizzle-orm";
import { type TOTP, URI } from "otpauth";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestApp, nextClientIp, sessionCookieOf, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  TEST_PASSWORD,
  type TestFirm,
  type TestStaff,
} from "../../../test/factories.js";
import { listen, openSocket, portalApi } from "../../../test/portal.js";
import { user } from "../db/schema.js";

let t: TestApp;
let firm: TestFirm;
let otherFirm: TestFirm;
let otherFirmMember: TestStaff;

/** The start of a 30-second time step, plus a few seconds: codes of steps around it are known. */
let now: number;
const STEP_MS = 30_000;

beforeAll(async () => {
  t = await createTestApp();
  firm = await buildFirm(t.database.db, "Two Factor Firm");
  otherFirm = await buildFirm(t.database.db, "Other Firm");
  otherFirmMember = await buildStaff(t.database.db, otherFirm);
});
afterAll(() => t.close());

beforeEach(() => {
  now = Math.floor(Date.now() / STEP_MS) * STEP_MS + 5_000;
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(now);
});
afterEach(() => vi.useRealTimers());

/** Moves the fixed clock on by whole time steps. */
const advanceSteps = (steps: number) => {
  now += steps * STEP_MS;
  vi.setSystemTime(now);
};

const post = (url: string, payload: object, cookie?: string, ip = nextClientIp()) =>
  t.request({ method: "POST", url, payload, cookie, headers: { "x-forwarded-for": ip } });

const codeAt = (totp: TOTP, stepOffset = 0) =>
  totp.generate({ timestamp: now + stepOffset * STEP_MS });

/** Turns two-factor on for a signed-in person; answers their authenticator and backup codes. */
async function setUpTwoFactor(cookie: string) {
  const enabled = await post("/api/auth/two-factor/enable", { password: TEST_PASSWORD }, cookie);
  expect(enabled.statusCode, enabled.body).toBe(200);
  const { totpURI, backupCodes } = enabled.json() as { totpURI: string; backupCodes: string[] };
  const totp = URI.parse(totpURI) as TOTP;
  const confirmed = await post("/api/auth/two-factor/verify-totp", { code: codeAt(totp) }, cookie);
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { totp, backupCodes, cookie: sessionCookieOf(confirmed.headers["set-cookie"]) };
}

/** The password step of a sign-in; answers the cookie of the pending two-factor challenge. */
async function passwordStep(email: string) {
  const response = await post("/api/auth/sign-in/email", { email, password: TEST_PASSWORD });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json()).toMatchObject({ twoFactorRedirect: true });
  const cookies = [response.headers["set-cookie"]].flat().map(String);
  const pending = cookies.find((cookie) => cookie.startsWith("better-auth.two_factor="));
  if (!pending) throw new Error("no two-factor challenge cookie");
  return pending.split(";")[0] ?? "";
}

const enterCode = (pending: string, code: string, ip?: string) =>
  post("/api/auth/two-factor/verify-totp", { code }, pending, ip);

const session = (cookie: string) => t.request({ method: "GET", url: "/api/session", cookie });

describe("setting up two-factor", () => {
  it("needs the password, shows a key and 10 backup codes, and is on only once a code confirms it", async () => {
    const member = await buildStaff(t.database.db, firm);
    const cookie = await t.signIn(member.email);
    const wrongPassword = await post(
      "/api/auth/two-factor/enable",
      { password: "not-the-password" },
      cookie,
    );
    expect(wrongPassword.statusCode).toBe(400);
    expect(wrongPassword.json().error.code).toBe("invalid_password");

    const enabled = await post("/api/auth/two-factor/enable", { password: TEST_PASSWORD }, cookie);
    expect(enabled.statusCode).toBe(200);
    const { totpURI, backupCodes } = enabled.json();
    expect(totpURI).toMatch(/^otpauth:\/\/totp\/Portico:/);
    expect(backupCodes).toHaveLength(10);
    expect(new Set(backupCodes).size).toBe(10);
    const account = () => t.request({ method: "GET", url: "/api/account", cookie });
    expect((await account()).json().twoFactorEnabled).toBe(false);

    const totp = URI.parse(totpURI) as TOTP;
    const wrong = await post("/api/auth/two-factor/verify-totp", { code: "000000" }, cookie);
    expect(wrong.statusCode).toBe(401);
    expect((await account()).json().twoFactorEnabled).toBe(false);

    const confirmed = await post(
      "/api/auth/two-factor/verify-totp",
      { code: codeAt(totp) },
      cookie,
    );
    expect(confirmed.statusCode).toBe(200);
    const renewed = sessionCookieOf(confirmed.headers["set-cookie"]);
    const after = await t.request({ method: "GET", url: "/api/account", cookie: renewed });
    expect(after.json()).toMatchObject({ email: member.email, twoFactorEnabled: true });
  });
});

describe("signing in with two-factor on", () => {
  let member: TestStaff;
  let totp: TOTP;
  let backupCodes: string[];

  beforeEach(async () => {
    member = await buildStaff(t.database.db, firm);
    ({ totp, backupCodes } = await setUpTwoFactor(await t.signIn(member.email)));
  });

  it("gives no session for the password alone, refuses a wrong code and accepts the right one", async () => {
    const pending = await passwordStep(member.email);
    expect((await session(pending)).statusCode).toBe(401);
    const wrong = await enterCode(pending, "123456" === codeAt(totp, 1) ? "654321" : "123456");
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe("invalid_code");

    const right = await enterCode(pending, codeAt(totp, 1));
    expect(right.statusCode, right.body).toBe(200);
    expect(right.json()).not.toHaveProperty("token");
    const signedIn = await session(sessionCookieOf(right.headers["set-cookie"]));
    expect(signedIn.json()).toMatchObject({ email: member.email });
  });

  it("accepts a code once: the same code, or an older one, is refused within its window", async () => {
    advanceSteps(1);
    const first = await enterCode(await passwordStep(member.email), codeAt(totp));
    expect(first.statusCode).toBe(200);

    const replayed = await enterCode(await passwordStep(member.email), codeAt(totp));
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json().error.code).toBe("code_already_used");
    const older = await enterCode(await passwordStep(member.email), codeAt(totp, -1));
    expect(older.statusCode).toBe(401);

    advanceSteps(1);
    const next = await enterCode(await passwordStep(member.email), codeAt(totp));
    expect(next.statusCode).toBe(200);
  });

  it("accepts a backup code instead, once", async () => {
    const [code] = backupCodes;
    const first = await post(
      "/api/auth/two-factor/verify-backup-code",
      { code },
      await passwordStep(member.email),
    );
    expect(first.statusCode, first.body).toBe(200);
    expect((await session(sessionCookieOf(first.headers["set-cookie"]))).statusCode).toBe(200);

    const again = await post(
      "/api/auth/two-factor/verify-backup-code",
      { code },
      await passwordStep(member.email),
    );
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe("invalid_backup_code");
  });

  it("limits wrong codes: after 5 on one sign-in even the right code is refused", async () => {
    const pending = await passwordStep(member.email);
    const ip = nextClientIp();
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrongCode = String((Number(codeAt(totp)) + 1 + attempt) % 1_000_000).padStart(6, "0");
      expect((await enterCode(pending, wrongCode, ip)).statusCode).toBe(401);
    }
    const right = await enterCode(pending, codeAt(totp, 1), ip);
    expect(right.statusCode).toBe(400);
    expect(right.json().error.code).toBe("too_many_attempts_request_new_code");
    expect(right.headers["set-cookie"] ?? "").not.toContain("session_token=");
  });

  it("cannot be made to trust a device and skip the code next time", async () => {
    const trusted = await post(
      "/api/auth/two-factor/verify-totp",
      { code: codeAt(totp, 1), trustDevice: true },
      await passwordStep(member.email),
    );
    expect(trusted.statusCode).toBe(200);
    expect(String(trusted.headers["set-cookie"])).not.toContain("trust_device=");
  });

  it("turns off only with the password and a current code", async () => {
    const cookie = sessionCookieOf(
      (await enterCode(await passwordStep(member.email), codeAt(totp, 1))).headers["set-cookie"],
    );
    const disable = (payload: object) =>
      post("/api/auth/two-factor/disable", payload, cookie, nextClientIp());
    const noCode = await disable({ password: TEST_PASSWORD });
    expect(noCode.statusCode).toBe(400);
    expect(noCode.json().error.fields).toHaveProperty("code");
    const wrongPassword = await disable({ password: "wrong-password", code: codeAt(totp) });
    expect(wrongPassword.statusCode).toBe(400);
    expect(wrongPassword.json().error.code).toBe("invalid_password");
    const usedCode = await disable({ password: TEST_PASSWORD, code: codeAt(totp, 1) });
    expect(usedCode.statusCode).toBe(400);

    advanceSteps(2);
    const off = await disable({ password: TEST_PASSWORD, code: codeAt(totp) });
    expect(off.statusCode, off.body).toBe(200);
    await expect(t.signIn(member.email)).resolves.toContain("session_token");
  });
});

describe("contacts", () => {
  it("cannot turn two-factor on (the portal has no place for a code) or use its endpoints", async () => {
    const owner = await buildStaff(t.database.db, firm, { role: "owner" });
    const client = await buildClient(t.database.db, firm);
    const contact = await buildContact(t.database.db, client);
    const contactCookie = await portalApi(t).grantAccess(
      client,
      contact,
      await t.signIn(owner.email),
    );
    for (const [path, payload] of [
      ["/api/auth/two-factor/enable", { password: "whatever-password" }],
      ["/api/auth/two-factor/verify-totp", { code: "123456" }],
      ["/api/auth/two-factor/verify-backup-code", { code: "abcde-fghij" }],
      ["/api/auth/two-factor/disable", { password: "whatever-password", code: "123456" }],
    ] as const) {
      const response = await post(path, payload, contactCookie);
      expect(response.statusCode, path).toBe(403);
      expect(response.json().error.code).toBe("staff_only");
    }
    const [row] = await t.database.db
      .select({ enabled: user.twoFactorEnabled })
      .from(user)
      .where(eq(user.email, contact.email ?? ""));
    expect(row?.enabled).toBe(false);
  });
});

describe("a firm requiring two-factor", () => {
  const setRequirement = (cookie: string, requireTwoFactor: boolean) =>
    t.request({
      method: "PUT",
      url: "/api/firm/security",
      cookie,
      payload: { requireTwoFactor },
    });

  it("is an owner's choice, once the owner has two-factor", async () => {
    const requiringFirm = await buildFirm(t.database.db);
    const owner = await buildStaff(t.database.db, requiringFirm, { role: "owner" });
    const admin = await buildStaff(t.database.db, requiringFirm, { role: "admin" });
    const ownerCookie = await t.signIn(owner.email);
    const byAdmin = await setRequirement(await t.signIn(admin.email), true);
    expect(byAdmin.statusCode).toBe(403);
    const withoutOwn = await setRequirement(ownerCookie, true);
    expect(withoutOwn.statusCode).toBe(409);
    expect(withoutOwn.json().error.code).toBe("two_factor_not_set_up");

    const { cookie } = await setUpTwoFactor(ownerCookie);
    const required = await setRequirement(cookie, true);
    expect(required.statusCode).toBe(200);
    expect(required.json()).toEqual({ requireTwoFactor: true });
    const read = await t.request({ method: "GET", url: "/api/firm/security", cookie });
    expect(read.json()).toEqual({ requireTwoFactor: true });
  });

  it("signs out staff without it, then keeps them to setting it up: every staff API answers 403 until then", async () => {
    const requiringFirm = await buildFirm(t.database.db);
    const owner = await buildStaff(t.database.db, requiringFirm, { role: "owner" });
    const member = await buildStaff(t.database.db, requiringFirm);
    const client = await buildClient(t.database.db, requiringFirm);
    const origin = await listen(t);
    const memberBefore = await t.signIn(member.email);
    const memberSocket = await openSocket(origin, memberBefore);
    const otherFirmCookie = await t.signIn(otherFirmMember.email);

    const { cookie: ownerCookie } = await setUpTwoFactor(await t.signIn(owner.email));
    expect((await setRequirement(ownerCookie, true)).statusCode).toBe(200);
    expect((await session(memberBefore)).statusCode).toBe(401);
    expect((await memberSocket.closed).code).toBe(4403);

    // Signing in with the password still works; everything but the set-up answers 403.
    const memberCookie = await t.signIn(member.email);
    for (const url of [
      "/api/session",
      "/api/clients",
      `/api/clients/${client.id}`,
      "/api/account",
    ]) {
      const refused = await t.request({ method: "GET", url, cookie: memberCookie });
      expect(refused.statusCode, url).toBe(403);
      expect(refused.json().error.code).toBe("two_factor_setup_required");
    }
    await expect(openSocket(origin, memberCookie)).rejects.toThrow();

    // The owner (with two-factor) and another firm's staff carry on.
    expect(
      (await t.request({ method: "GET", url: "/api/clients", cookie: ownerCookie })).statusCode,
    ).toBe(200);
    expect((await session(otherFirmCookie)).statusCode).toBe(200);

    const { cookie: setUp } = await setUpTwoFactor(memberCookie);
    const clients = await t.request({ method: "GET", url: "/api/clients", cookie: setUp });
    expect(clients.statusCode).toBe(200);
    expect(clients.json().clients.map((row: { id: string }) => row.id)).toEqual([client.id]);
  });

  it("holds every other session of a member who turns it off to setting it up again, at once", async () => {
    const requiringFirm = await buildFirm(t.database.db);
    const owner = await buildStaff(t.database.db, requiringFirm, { role: "owner" });
    const member = await buildStaff(t.database.db, requiringFirm);
    const { cookie: ownerCookie } = await setUpTwoFactor(await t.signIn(owner.email));
    const { totp, cookie: laptop } = await setUpTwoFactor(await t.signIn(member.email));
    expect((await setRequirement(ownerCookie, true)).statusCode).toBe(200);
    advanceSteps(1);
    const phone = sessionCookieOf(
      (await enterCode(await passwordStep(member.email), codeAt(totp))).headers["set-cookie"],
    );
    const clientsOn = (cookie: string) => t.request({ method: "GET", url: "/api/clients", cookie });
    // Both sessions have been answered for, so their principals may be remembered.
    expect((await clientsOn(phone)).statusCode).toBe(200);
    expect((await clientsOn(laptop)).statusCode).toBe(200);

    advanceSteps(1);
    const off = await post(
      "/api/auth/two-factor/disable",
      { password: TEST_PASSWORD, code: codeAt(totp) },
      laptop,
    );
    expect(off.statusCode, off.body).toBe(200);
    const refused = await clientsOn(phone);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("two_factor_setup_required");
  });
});
