/**
 * A staff member's own account: name, password change, other sessions, and a forgotten password
 * from the staff sign-in page. Another firm's staff are present throughout and never affected.
 */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createTestApp,
  heldTasks,
  nextClientIp,
  sessionCookieOf,
  type TestApp,
} from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  TEST_PASSWORD,
  type TestFirm,
} from "../../../test/factories.js";
import { listen, openSocket, portalApi } from "../../../test/portal.js";
import { mailOutbox } from "../db/schema.js";

let t: TestApp;
let tasks: ReturnType<typeof heldTasks>;
let firm: TestFirm;
let otherFirmCookie: string;

beforeAll(async () => {
  tasks = heldTasks();
  t = await createTestApp({}, { tasks });
  firm = await buildFirm(t.database.db, "Account Firm");
  const otherFirm = await buildFirm(t.database.db, "Other Account Firm");
  otherFirmCookie = await t.signIn((await buildStaff(t.database.db, otherFirm)).email);
});
afterAll(() => t.close());
afterEach(() => vi.useRealTimers());

const post = (url: string, payload: object, cookie?: string) =>
  t.request({
    method: "POST",
    url,
    payload,
    cookie,
    headers: { "x-forwarded-for": nextClientIp() },
  });
const session = (cookie: string) => t.request({ method: "GET", url: "/api/session", cookie });

describe("changing the password", () => {
  it("needs the current password, then ends every other session and closes its sockets", async () => {
    const member = await buildStaff(t.database.db, firm);
    const laptop = await t.signIn(member.email);
    const phone = await t.signIn(member.email);
    const phoneSocket = await openSocket(await listen(t), phone);

    const wrong = await post(
      "/api/auth/change-password",
      { currentPassword: "not-my-password", newPassword: "a fresh password 1" },
      laptop,
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe("invalid_password");
    expect((await session(phone)).statusCode).toBe(200);

    const changed = await post(
      "/api/auth/change-password",
      { currentPassword: TEST_PASSWORD, newPassword: "a fresh password 1" },
      laptop,
    );
    expect(changed.statusCode).toBe(200);
    expect((await session(phone)).statusCode).toBe(401);
    expect(await phoneSocket.closed).toEqual({ code: 4403, reason: "access revoked" });
    // The browser that changed it carries on with the session the answer set.
    const renewed = sessionCookieOf(changed.headers["set-cookie"]);
    expect((await session(renewed)).statusCode).toBe(200);
    await expect(t.signIn(member.email, "a fresh password 1")).resolves.toContain("session_token");
    await expect(t.signIn(member.email)).rejects.toThrow(/401/);
    expect((await session(otherFirmCookie)).statusCode).toBe(200);
  });
});

describe("signing out of other sessions", () => {
  it("ends the others, with their sockets, and keeps this one", async () => {
    const member = await buildStaff(t.database.db, firm);
    const here = await t.signIn(member.email);
    const elsewhere = await t.signIn(member.email);
    const hereSocket = await openSocket(await listen(t), here);
    const elsewhereSocket = await openSocket(await listen(t), elsewhere);

    const revoked = await post("/api/auth/revoke-other-sessions", {}, here);
    expect(revoked.statusCode).toBe(200);
    expect((await session(elsewhere)).statusCode).toBe(401);
    expect((await elsewhereSocket.closed).code).toBe(4403);
    expect((await session(here)).statusCode).toBe(200);
    expect(hereSocket.socket.readyState).toBe(hereSocket.socket.OPEN);
    hereSocket.socket.terminate();
    expect((await session(otherFirmCookie)).statusCode).toBe(200);
  });
});

describe("changing the name", () => {
  const rename = (cookie: string, name: string) =>
    t.request({ method: "PUT", url: "/api/account/name", cookie, payload: { name } });

  it("renames only the signed-in member, and refuses a blank name", async () => {
    const member = await buildStaff(t.database.db, firm, { name: "Old Name" });
    const colleague = await buildStaff(t.database.db, firm, { name: "Colleague Name" });
    const cookie = await t.signIn(member.email);

    const blank = await rename(cookie, "   ");
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.fields).toEqual({ name: "Enter your name." });

    const renamed = await rename(cookie, "  New Name ");
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toEqual({
      name: "New Name",
      email: member.email,
      twoFactorEnabled: false,
    });
    expect((await session(cookie)).json().name).toBe("New Name");
    const colleagueSession = await session(await t.signIn(colleague.email));
    expect(colleagueSession.json().name).toBe("Colleague Name");
  });

  it("is for staff: a contact's session is refused", async () => {
    const owner = await buildStaff(t.database.db, firm, { role: "owner" });
    const client = await buildClient(t.database.db, firm);
    const contact = await buildContact(t.database.db, client);
    const contactCookie = await portalApi(t).grantAccess(
      client,
      contact,
      await t.signIn(owner.email),
    );
    await tasks.release();
    expect((await rename(contactCookie, "Someone Else")).statusCode).toBe(403);
    expect(
      (await t.request({ method: "GET", url: "/api/account", cookie: contactCookie })).statusCode,
    ).toBe(403);
  });
});

describe("a forgotten staff password", () => {
  const requestReset = (email: string) =>
    post("/api/auth/request-password-reset", { email, redirectTo: "/reset-password" });

  const resetMailsTo = (email: string) =>
    t.database.db
      .select()
      .from(mailOutbox)
      .where(eq(mailOutbox.toAddress, email))
      .then((rows) => rows.filter((row) => row.kind === "password_reset"));

  /** The token the mailed link hands the reset page, after following the link as a browser would. */
  async function mailedToken(email: string) {
    await tasks.release();
    const [mail] = await resetMailsTo(email);
    const link = /(https?:\/\/\S+)/.exec(mail?.textBody ?? "")?.[1];
    if (!link) throw new Error(`no reset link mailed to ${email}`);
    const url = new URL(link);
    const opened = await t.request({ method: "GET", url: `${url.pathname}${url.search}` });
    expect(opened.statusCode).toBe(302);
    const page = new URL(String(opened.headers.location), t.config.publicUrl);
    expect(page.pathname).toBe("/reset-password");
    return page.searchParams.get("token") ?? "";
  }

  it("answers a known and an unknown address identically, and does the work only afterwards", async () => {
    const member = await buildStaff(t.database.db, firm);
    await tasks.release();
    const known = await requestReset(member.email);
    const unknown = await requestReset("nobody-here@example.test");
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.body).toBe(known.body);
    expect(tasks.names()).toEqual(["password reset request", "password reset request"]);
    // Nothing was looked up or written before the answer: not even the token.
    expect(await resetMailsTo(member.email)).toHaveLength(0);

    await tasks.release();
    const [mail] = await resetMailsTo(member.email);
    expect(mail?.firmId).toBeNull();
    expect(mail?.textBody).toContain("your Portico account");
    expect(await resetMailsTo("nobody-here@example.test")).toHaveLength(0);
    // A person's own reset link is on no firm's Outbox.
    const owner = await buildStaff(t.database.db, firm, { role: "owner" });
    const outbox = await t.request({
      method: "GET",
      url: "/api/outbox",
      cookie: await t.signIn(owner.email),
    });
    expect(JSON.stringify(outbox.json())).not.toContain("reset-password");
  });

  it("refuses an address that is not one, like any bad input", async () => {
    const response = await requestReset("not an address");
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toHaveProperty("email");
  });

  it("gives a link that works once, and ends every session", async () => {
    const member = await buildStaff(t.database.db, firm);
    const before = await t.signIn(member.email);
    await requestReset(member.email);
    const token = await mailedToken(member.email);

    const reset = await post("/api/auth/reset-password", {
      token,
      newPassword: "brand new pass 7",
    });
    expect(reset.statusCode).toBe(200);
    expect((await session(before)).statusCode).toBe(401);
    await expect(t.signIn(member.email, "brand new pass 7")).resolves.toContain("session_token");

    const again = await post("/api/auth/reset-password", { token, newPassword: "another pass 88" });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe("invalid_token");
    await expect(t.signIn(member.email, "another pass 88")).rejects.toThrow(/401/);
  });

  it("gives a link that expires after an hour", async () => {
    const member = await buildStaff(t.database.db, firm);
    vi.useFakeTimers({ toFake: ["Date"] });
    await requestReset(member.email);
    const token = await mailedToken(member.email);
    vi.setSystemTime(Date.now() + 61 * 60_000);
    const late = await post("/api/auth/reset-password", { token, newPassword: "too late pass 9" });
    expect(late.statusCode).toBe(400);
    expect(late.json().error.code).toBe("invalid_token");
    vi.useRealTimers();
    await expect(t.signIn(member.email)).resolves.toContain("session_token");
  });
});
