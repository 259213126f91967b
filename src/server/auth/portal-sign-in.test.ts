import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, nextClientIp, sessionCookieOf, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestStaff,
} from "../../../test/factories.js";
import { PORTAL_PASSWORD, portalApi } from "../../../test/portal.js";

let t: TestApp;
let portal: ReturnType<typeof portalApi>;
let owner: TestStaff;
let ownerCookie: string;
let contactEmail: string;

beforeAll(async () => {
  t = await createTestApp();
  portal = portalApi(t);
  const firm = await buildFirm(t.database.db);
  owner = await buildStaff(t.database.db, firm, { role: "owner" });
  ownerCookie = await t.signIn(owner.email);
  const client = await buildClient(t.database.db, firm);
  const contact = await buildContact(t.database.db, client);
  contactEmail = contact.email ?? "";
  await portal.grantAccess(client, { id: contact.id, email: contactEmail }, ownerCookie);
});
afterAll(() => t.close());

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
    const requested = await post("/api/auth/sign-in/magic-link", {
      email: contactEmail,
      callbackURL: "/portal",
    });
    expect(requested.statusCode).toBe(200);
    const link = await linkMailedTo(contactEmail, "sign_in_link");

    const opened = await t.request({ method: "GET", url: link });
    expect(opened.statusCode).toBe(302);
    expect(opened.headers.location).toMatch(/\/portal$/);
    const cookie = sessionCookieOf(opened.headers["set-cookie"]);
    const session = await portal.session(cookie);
    expect(session.statusCode).toBe(200);
    expect(session.json().email).toBe(contactEmail);

    // The same link a second time signs nobody in.
    const reused = await t.request({ method: "GET", url: link });
    expect(String(reused.headers["set-cookie"] ?? "")).not.toContain("session_token=");
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
    const oldSession = await t.signIn(contactEmail, PORTAL_PASSWORD);
    const requested = await post("/api/auth/request-password-reset", {
      email: contactEmail,
      redirectTo: "/portal/reset-password",
    });
    expect(requested.statusCode).toBe(200);
    const link = await linkMailedTo(contactEmail, "password_reset");

    // The mailed link checks the token and hands it to our reset page.
    const opened = await t.request({ method: "GET", url: link });
    expect(opened.statusCode).toBe(302);
    const page = new URL(String(opened.headers.location), t.config.publicUrl);
    expect(page.pathname).toBe("/portal/reset-password");
    const token = page.searchParams.get("token");
    expect(token).toBeTruthy();

    const reset = await post("/api/auth/reset-password", {
      newPassword: "a-brand-new-password",
      token,
    });
    expect(reset.statusCode).toBe(200);
    await expect(t.signIn(contactEmail, "a-brand-new-password")).resolves.toContain(
      "session_token",
    );
    await expect(t.signIn(contactEmail, PORTAL_PASSWORD)).rejects.toThrow(/401/);
    expect((await portal.session(oldSession)).statusCode).toBe(401);

    // The token is spent.
    const again = await post("/api/auth/reset-password", {
      newPassword: "yet-another-pass",
      token,
    });
    expect(again.statusCode).toBe(400);
  });

  it("sends no reset mail to staff", async () => {
    const before = (await portal.mailsTo(owner.email)).length;
    const requested = await post("/api/auth/request-password-reset", {
      email: owner.email,
      redirectTo: "/portal/reset-password",
    });
    expect(requested.statusCode).toBe(200);
    expect(await portal.mailsTo(owner.email)).toHaveLength(before);
  });
});
