import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, nextClientIp, type TestApp } from "../../../test/app.js";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import { messagingApi } from "../../../test/messaging.js";
import { PORTAL_PASSWORD, portalApi } from "../../../test/portal.js";
import { redactUrl } from "./log-redaction.js";

type LogLine = {
  level: number;
  msg?: string;
  req?: { url?: string };
  err?: Record<string, unknown>;
};

let t: TestApp;
let portal: ReturnType<typeof portalApi>;
let api: ReturnType<typeof messagingApi>;
/** Everything the app's logger wrote, line by line, exactly as it would reach stdout. */
const written: string[] = [];
const logLines = () => written.map((line) => JSON.parse(line) as LogLine);

beforeAll(async () => {
  // A database of its own: one test below installs a trigger that makes some writes fail.
  t = await createTestApp(
    { logLevel: "info" },
    { ownDatabase: true, logStream: { write: (line) => written.push(line) } },
  );
  portal = portalApi(t);
  api = messagingApi(t);
});
afterAll(() => t.close());

/** The link in the newest mail of a kind to an address, as a path on this app. */
async function linkMailedTo(address: string, kind: "sign_in_link" | "password_reset") {
  const mail = (await portal.mailsTo(address)).find((candidate) => candidate.kind === kind);
  const match = /(https?:\/\/\S+)/.exec(mail?.textBody ?? "");
  if (!match?.[1]) throw new Error(`no ${kind} link mailed to ${address}`);
  const url = new URL(match[1]);
  return `${url.pathname}${url.search}`;
}

const post = (url: string, payload: object, cookie?: string) =>
  t.request({
    method: "POST",
    url,
    payload,
    cookie,
    headers: { "x-forwarded-for": nextClientIp() },
  });

describe("request logs", () => {
  it("carry no invitation, sign-in or reset token, and no password", async () => {
    const firm = await buildFirm(t.database.db);
    const ownerCookie = await t.signIn(
      (await buildStaff(t.database.db, firm, { role: "owner" })).email,
    );
    const client = await buildClient(t.database.db, firm);
    const contact = await buildContact(t.database.db, client);
    const email = contact.email ?? "";

    // An invitation: the page, what it shows, and accepting it.
    expect((await portal.invite(client.id, contact.id, ownerCookie)).statusCode).toBe(200);
    const invitationToken = await portal.latestInvitationToken(email);
    await t.request({ method: "GET", url: `/portal/invitation/${invitationToken}` });
    expect((await portal.describe(invitationToken)).statusCode).toBe(200);
    expect((await portal.accept(invitationToken)).statusCode).toBe(200);

    // A one-time sign-in link, opened.
    expect(
      (await post("/api/auth/sign-in/magic-link", { email, callbackURL: "/portal" })).statusCode,
    ).toBe(200);
    const signInLink = await linkMailedTo(email, "sign_in_link");
    const signInToken = new URL(signInLink, t.config.publicUrl).searchParams.get("token") ?? "";
    expect((await t.request({ method: "GET", url: signInLink })).statusCode).toBe(302);

    // A password reset: the mailed link, the page it leads to, and the new password.
    const newPassword = "a-fresh-password-314";
    await post("/api/auth/request-password-reset", { email, redirectTo: "/portal/reset-password" });
    const resetLink = await linkMailedTo(email, "password_reset");
    const opened = await t.request({ method: "GET", url: resetLink });
    const resetPage = String(opened.headers.location);
    const resetToken = new URL(resetPage, t.config.publicUrl).searchParams.get("token") ?? "";
    await t.request({ method: "GET", url: resetPage });
    expect(
      (await post("/api/auth/reset-password", { token: resetToken, newPassword })).statusCode,
    ).toBe(200);

    for (const token of [invitationToken, signInToken, resetToken])
      expect(token.length).toBeGreaterThan(20);
    const log = written.join("");
    for (const secret of [invitationToken, signInToken, resetToken, PORTAL_PASSWORD, newPassword]) {
      expect(log).not.toContain(secret);
    }
    // The requests were logged, with their secrets replaced.
    const urls = logLines().flatMap((line) => (line.req?.url ? [line.req.url] : []));
    expect(urls).toEqual(
      expect.arrayContaining([
        "/portal/invitation/[redacted]",
        "/api/portal/invitations/[redacted]",
        "/api/portal/invitations/[redacted]/accept",
        "/api/auth/magic-link/verify?token=[redacted]&callbackURL=[redacted]",
        "/api/auth/reset-password/[redacted]?callbackURL=[redacted]",
        "/portal/reset-password?token=[redacted]",
      ]),
    );
  });

  it("keep harmless paging parameters and redact every other query value", () => {
    expect(redactUrl("/api/conversations/abc/messages?before=51&limit=50")).toBe(
      "/api/conversations/abc/messages?before=51&limit=50",
    );
    expect(redactUrl("/api/clients?q=Acme")).toBe("/api/clients?q=[redacted]");
    expect(redactUrl("/api/portal/%69nvitations/secret/accept?x")).toBe(
      "/api/portal/%69nvitations/[redacted]/accept?x=[redacted]",
    );
  });

  it("redact a contact's unsubscribe token, on the page and on the API", () => {
    expect(redactUrl("/unsubscribe/c0ffee.s3cret")).toBe("/unsubscribe/[redacted]");
    expect(redactUrl("/api/mail-subscriptions/c0ffee.s3cret/unsubscribe")).toBe(
      "/api/mail-subscriptions/[redacted]/unsubscribe",
    );
  });
});

describe("failed database queries in the logs", () => {
  it("name the statement and never carry its values: a note's text stays out", async () => {
    const firm = await buildFirm(t.database.db);
    const cookie = await t.signIn((await buildStaff(t.database.db, firm)).email);
    const client = await buildClient(t.database.db, firm);
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, cookie);
    const noteText = `Client owes back taxes ${crypto.randomUUID()}`;
    // The database refuses this one message, as a failing disk or a bad migration would.
    await t.database.db.execute(sql`
      create function refuse_canary_note() returns trigger language plpgsql as $$
      begin
        if new.body_text like '%owes back taxes%' then raise exception 'refused by test trigger'; end if;
        return new;
      end $$`);
    await t.database.db.execute(sql`
      create trigger refuse_canary_note before insert on messages
      for each row execute function refuse_canary_note()`);

    const failed = await api.postMessage(
      thread.id,
      {
        id: crypto.randomUUID(),
        body: {
          type: "doc",
          content: [{ type: "paragraph", content: [{ type: "text", text: noteText }] }],
        },
        internal: true,
      },
      cookie,
    );
    expect(failed.statusCode).toBe(500);
    expect(failed.json().error.code).toBe("internal");

    const errorLine = logLines().find((line) => line.msg === "request failed");
    expect(errorLine?.err?.message).toMatch(/^Failed query: [\s\S]*insert into messages \(/);
    expect(errorLine?.err).toMatchObject({ cause: { code: "P0001" } });
    expect(written.join("")).not.toContain("owes back taxes");
  });

  it("from Better Auth go through the same redaction: a reset token stays out", async () => {
    const firm = await buildFirm(t.database.db);
    const client = await buildClient(t.database.db, firm);
    const contact = await buildContact(t.database.db, client);
    const ownerCookie = await t.signIn(
      (await buildStaff(t.database.db, firm, { role: "owner" })).email,
    );
    await portal.grantAccess(client, contact, ownerCookie);
    await t.database.db.execute(sql`
      create function refuse_reset_tokens() returns trigger language plpgsql as $$
      begin
        if new.identifier like 'reset-password:%' then raise exception 'refused by test trigger'; end if;
        return new;
      end $$`);
    await t.database.db.execute(sql`
      create trigger refuse_reset_tokens before insert on verification
      for each row execute function refuse_reset_tokens()`);
    const before = written.length;

    const response = await post("/api/auth/request-password-reset", {
      email: contact.email,
      redirectTo: "/portal/reset-password",
    });
    // The answer never waits for the lookup and the token (see auth-rules.ts): it fails after.
    expect(response.statusCode).toBe(200);
    await t.app.deps.tasks.drain();

    const lines = written.slice(before);
    const failure = lines
      .map((line) => JSON.parse(line) as LogLine)
      .find((line) => line.msg === "background task failed");
    expect(failure?.err?.message).toMatch(/^Failed query: insert into "verification"/);
    expect(lines.join("")).not.toMatch(/reset-password:[A-Za-z0-9]{10,}/);
    expect(lines.join("")).not.toContain("params");
  });
});
