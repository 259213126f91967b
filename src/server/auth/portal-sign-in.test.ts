import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  type TestStaff,
} from "../../../test/factories.js";
import { PORTAL_PASSWORD, portalApi } from "../../../test/portal.js";
import { mailOutbox } from "../db/schema.js";

let t: TestApp;
let portal: ReturnType<typeof portalApi>;
let owner: TestStaff;
let ownerCookie: string;
let client: Awaited<ReturnType<typeof buildClient>>;

beforeAll(async () => {
  t = await createTestApp();
  portal = portalApi(t);
  const firm = await buildFirm(t.database.db);
  owner = await buildStaff(t.database.db, firm, { role: "owner" });
  ownerCookie = await t.signIn(owner.email);
  client = await buildClient(t.database.db, firm);
});
afterAll(() => t.close());

/**
 * A contact who accepted an invitation (left in the outbox: no SMTP here), so their password
 * is one the firm could have set. Returns their address and session.
 */
async function newPortalContact() {
  const contact = await buildContact(t.database.db, client);
  const email = contact.email ?? "";
  const cookie = await portal.grantAccess(client, { id: contact.id, email }, ownerCookie);
  return { email, cookie };
}

async function signInByLink(email: string) {
  const requested = await post("/api/auth/sign-in/magic-link", { email, callbackURL: "/portal" });
  expect(requested.statusCode).toBe(200);
  const opened = await t.request({ method: "GET", url: await linkMailedTo(email, "sign_in_link") });
  expect(opened.statusCode).toBe(302);
  return sessionCookieOf(opened.headers["set-cookie"]);
}

/** Asks for a reset link and returns the token our reset page would receive. */
async function resetToken(email: string) {
  const requested = await post("/api/auth/request-password-reset", {
    email,
    redirectTo: "/portal/reset-password",
  });
  expect(requested.statusCode).toBe(200);
  const opened = await t.request({
    method: "GET",
    url: await linkMailedTo(email, "password_reset"),
  });
  expect(opened.statusCode).toBe(302);
  const page = new URL(String(opened.headers.location), t.config.publicUrl);
  expect(page.pathname).toBe("/portal/reset-password");
  return page.searchParams.get("token") ?? "";
}

const weakPassword = {
  error: {
    code: "invalid_input",
    message: "Some of the values are not valid.",
    fields: { newPassword: "Use more varied characters." },
  },
};

const post = (url: string, payload: Record<string, unknown>) =>
  t.request({ method: "POST", url, payload, headers: { "x-forwarded-for": nextClientIp() } });

/** The link in the newest mail of a kind to an address, as a path on this app. */
async function linkMailedTo(address: string, kind: "sign_in_link" | "password_reset") {
  const mail = (await portal.mailsTo(address)).find((candidate) => candidate.kind === kind);
  if (!mail) throw new Error(`no ${kind} mail for ${address}`);
  const match = /(https?:\/\/\S+)/.exec(mail.textBody);
  if (!match?.[1]) throw new Error("no link in the mail");
  const url = new URL(match[1]);
  expect(url.origin).toBe(t.config.publicUrl);
  return `${url.pathname}${url.search}`;
}

describe("one-time sign-in links", () => {
  it("e-mails a link that signs the contact in once", async () => {
    const { email } = await newPortalContact();
    const requested = await post("/api/auth/sign-in/magic-link", { email, callbackURL: "/portal" });
    expect(requested.statusCode).toBe(200);
    const link = await linkMailedTo(email, "sign_in_link");

    const opened = await t.request({ method: "GET", url: link });
    expect(opened.statusCode).toBe(302);
    expect(opened.headers.location).toMatch(/\/portal$/);
    const cookie = sessionCookieOf(opened.headers["set-cookie"]);
    const session = await portal.session(cookie);
    expect(session.statusCode).toBe(200);
    expect(session.json().email).toBe(email);

    // The same link a second time signs nobody in.
    const reused = await t.request({ method: "GET", url: link });
    expect(String(reused.headers["set-cookie"] ?? "")).not.toContain("session_token=");
  });

  it("proves the address: a password a firm could have set and every other session end", async () => {
    const { email, cookie: fromInvitation } = await newPortalContact();
    const viaLink = await signInByLink(email);
    expect((await portal.session(viaLink)).statusCode).toBe(200);
    expect((await portal.session(fromInvitation)).statusCode).toBe(401);
    await expect(t.signIn(email, PORTAL_PASSWORD)).rejects.toThrow(/401/);
  });

  it("leaves a proven sign-in's password and sessions alone", async () => {
    const { email } = await newPortalContact();
    // A reset link reached the address: from then on the sign-in is proven.
    const reset = await post("/api/auth/reset-password", {
      newPassword: "my own password 1",
      token: await resetToken(email),
    });
    expect(reset.statusCode).toBe(200);
    const withPassword = await t.signIn(email, "my own password 1");

    const viaLink = await signInByLink(email);
    expect((await portal.session(viaLink)).statusCode).toBe(200);
    expect((await portal.session(withPassword)).statusCode).toBe(200);
    await expect(t.signIn(email, "my own password 1")).resolves.toContain("session_token");
  });

  it("is the person's own mail: filed under no firm, on no outbox", async () => {
    const { email } = await newPortalContact();
    await signInByLink(email);
    const [mail] = (await portal.mailsTo(email)).filter((row) => row.kind === "sign_in_link");
    expect(mail?.firmId).toBeNull();
    const outbox = await t.request({ method: "GET", url: "/api/outbox", cookie: ownerCookie });
    expect(outbox.statusCode).toBe(200);
    expect(JSON.stringify(outbox.json())).not.toContain("magic-link");
    expect(outbox.json().mails.map((row: { kind: string }) => row.kind)).not.toContain(
      "sign_in_link",
    );
  });

  it("sends nothing for staff or unknown addresses, and answers the same", async () => {
    const before = (await portal.mailsTo(owner.email)).length;
    const forStaff = await post("/api/auth/sign-in/magic-link", {
      email: owner.email,
      callbackURL: "/portal",
    });
    const forNobody = await post("/api/auth/sign-in/magic-link", {
      email: "nobody@example.test",
      callbackURL: "/portal",
    });
    expect(forStaff.statusCode).toBe(forNobody.statusCode);
    expect(forStaff.json()).toEqual(forNobody.json());
    expect(await portal.mailsTo(owner.email)).toHaveLength(before);
    expect(await portal.mailsTo("nobody@example.test")).toHaveLength(0);
  });

  it("is rate-limited per client address", async () => {
    const ip = nextClientIp();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const response = await t.request({
        method: "POST",
        url: "/api/auth/sign-in/magic-link",
        payload: { email: "someone@example.test", callbackURL: "/portal" },
        headers: { "x-forwarded-for": ip },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 5).every((status) => status === 200)).toBe(true);
    expect(statuses[5]).toBe(429);
  });
});

describe("forgotten passwords", () => {
  it("e-mails a reset link; the new password works, the old one and old sessions do not", async () => {
    const { email, cookie: oldSession } = await newPortalContact();
    const token = await resetToken(email);
    expect(token).toBeTruthy();

    const reset = await post("/api/auth/reset-password", {
      newPassword: "a-brand-new-password",
      token,
    });
    expect(reset.statusCode).toBe(200);
    await expect(t.signIn(email, "a-brand-new-password")).resolves.toContain("session_token");
    await expect(t.signIn(email, PORTAL_PASSWORD)).rejects.toThrow(/401/);
    expect((await portal.session(oldSession)).statusCode).toBe(401);

    // The token is spent.
    const again = await post("/api/auth/reset-password", {
      newPassword: "yet-another-pass",
      token,
    });
    expect(again.statusCode).toBe(400);
  });

  it("holds the new password to the one rule, and keeps the link for a better one", async () => {
    const { email } = await newPortalContact();
    const token = await resetToken(email);
    const weak = await post("/api/auth/reset-password", { newPassword: "aaaaaaaaaa", token });
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toEqual(weakPassword);
    await expect(t.signIn(email, "aaaaaaaaaa")).rejects.toThrow(/401/);
    await expect(t.signIn(email, PORTAL_PASSWORD)).resolves.toContain("session_token");

    const strong = await post("/api/auth/reset-password", { newPassword: "a better one 2", token });
    expect(strong.statusCode).toBe(200);
    await expect(t.signIn(email, "a better one 2")).resolves.toContain("session_token");
  });

  it("is the person's own mail: filed under no firm, on no outbox", async () => {
    const { email } = await newPortalContact();
    await resetToken(email);
    const [mail] = (await portal.mailsTo(email)).filter((row) => row.kind === "password_reset");
    expect(mail?.firmId).toBeNull();
    const outbox = await t.request({ method: "GET", url: "/api/outbox", cookie: ownerCookie });
    expect(outbox.json().mails.map((row: { kind: string }) => row.kind)).not.toContain(
      "password_reset",
    );
    expect(JSON.stringify(outbox.json())).not.toContain("reset-password");
  });

  it("sends staff their reset link to the staff reset page, whatever page asked", async () => {
    const before = (await portal.mailsTo(owner.email)).length;
    const requested = await post("/api/auth/request-password-reset", {
      email: owner.email,
      redirectTo: "/portal/reset-password",
    });
    expect(requested.statusCode).toBe(200);
    const mails = await portal.mailsTo(owner.email);
    expect(mails).toHaveLength(before + 1);
    expect(mails[0]?.textBody).toContain("callbackURL=%2Freset-password");
    expect(mails[0]?.firmId).toBeNull();
  });
});

describe("changing a password", () => {
  const change = (cookie: string, currentPassword: string, newPassword: string) =>
    t.request({
      method: "POST",
      url: "/api/auth/change-password",
      cookie,
      payload: { currentPassword, newPassword },
    });

  it("holds the new password to the one rule and changes nothing otherwise", async () => {
    const { email, cookie } = await newPortalContact();
    const weak = await change(cookie, PORTAL_PASSWORD, "aaaaaaaaaa");
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toEqual(weakPassword);
    await expect(t.signIn(email, "aaaaaaaaaa")).rejects.toThrow(/401/);
    expect((await portal.session(cookie)).statusCode).toBe(200);
  });

  it("signs the person out everywhere else, and keeps this browser signed in", async () => {
    const { email, cookie } = await newPortalContact();
    const elsewhere = await t.signIn(email, PORTAL_PASSWORD);
    const changed = await change(cookie, PORTAL_PASSWORD, "a fresh password 3");
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).not.toHaveProperty("token");
    expect((await portal.session(elsewhere)).statusCode).toBe(401);
    expect((await portal.session(cookie)).statusCode).toBe(401);
    const renewed = sessionCookieOf(changed.headers["set-cookie"]);
    expect((await portal.session(renewed)).statusCode).toBe(200);
    await expect(t.signIn(email, PORTAL_PASSWORD)).rejects.toThrow(/401/);
  });
});

describe("answering without waiting for the mail", () => {
  let held: TestApp;
  const tasks = heldTasks();
  let heldPortal: ReturnType<typeof portalApi>;
  beforeAll(async () => {
    held = await createTestApp({}, { tasks });
    heldPortal = portalApi(held);
  });
  afterAll(() => held.close());

  const personalMails = (address: string) =>
    held.database.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, address));

  it.each([
    { route: "/api/auth/request-password-reset", extra: { redirectTo: "/portal/reset-password" } },
    { route: "/api/auth/sign-in/magic-link", extra: { callbackURL: "/portal" } },
  ])("$route answers a known and an unknown address alike, before any mail is written", async ({
    route,
    extra,
  }) => {
    const firm = await buildFirm(held.database.db);
    const heldOwner = await held.signIn(
      (await buildStaff(held.database.db, firm, { role: "owner" })).email,
    );
    const heldClient = await buildClient(held.database.db, firm);
    const contact = await buildContact(held.database.db, heldClient);
    const email = contact.email ?? "";
    await heldPortal.grantAccess(heldClient, { id: contact.id, email }, heldOwner);
    const ask = (address: string) =>
      held.request({
        method: "POST",
        url: route,
        payload: { email: address, ...extra },
        headers: { "x-forwarded-for": nextClientIp() },
      });

    const known = await ask(email);
    const unknown = await ask(`nobody-${crypto.randomUUID()}@example.test`);
    expect(known.statusCode).toBe(200);
    expect(known.json()).toEqual(unknown.json());
    // Both answers are out, and the mail for the known address is still only queued.
    expect((await personalMails(email)).filter((mail) => mail.kind !== "invitation")).toEqual([]);
    expect(tasks.names().length).toBeGreaterThan(0);

    await tasks.release();
    expect((await personalMails(email)).map((mail) => mail.kind)).toContain(
      route.includes("reset") ? "password_reset" : "sign_in_link",
    );
  });
});
