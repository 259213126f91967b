/**
 * Contacts turn off e-mails about new messages: with the one-click link of RFC 8058 that mail
 * clients post to, from the page the e-mail links to, or in the portal. Invitations and a
 * person's own password mail are not message e-mails and never carry the link.
 */
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, nextClientIp, type TestApp } from "../../../test/app.js";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import { messagingApi } from "../../../test/messaging.js";
import { portalApi } from "../../../test/portal.js";
import { sendNewMessageDigests } from "./new-messages-digest.js";
import { unsubscribeTokenFor } from "./unsubscribe.js";
import { startMailWorker } from "./worker.js";

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let portal: ReturnType<typeof portalApi>;
let smtp: SMTPServer;
let smtpUrl: string;
const received: { to: string[]; raw: string }[] = [];

beforeAll(async () => {
  // Its own database, so the mail worker here sends only this file's mail.
  t = await createTestApp({}, { ownDatabase: true });
  api = messagingApi(t);
  portal = portalApi(t);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        received.push({ to, raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await t.close();
});

const unique = () => crypto.randomUUID().slice(0, 8);

/** A firm whose contact Dana has portal access, and a second firm with its own contact. */
async function scene() {
  const db = t.database.db;
  const firm = await buildFirm(db, `Northwind ${unique()}`);
  const owner = await buildStaff(db, firm, { name: "Olivia Owner", role: "owner" });
  const staffCookie = await t.signIn(owner.email);
  const client = await buildClient(db, firm, "Acme Bakery");
  const dana = await buildContact(db, client, { name: "Dana Fox" });
  const danaCookie = await portal.grantAccess(client, dana, staffCookie);
  const allContacts = await api.openConversation(client.id, { kind: "all_contacts" }, staffCookie);

  const otherFirm = await buildFirm(db, `Other ${unique()}`);
  const otherOwner = await buildStaff(db, otherFirm, { role: "owner" });
  const otherCookie = await t.signIn(otherOwner.email);
  const otherClient = await buildClient(db, otherFirm, "Elsewhere Ltd");
  const gus = await buildContact(db, otherClient, { name: "Gus Grey" });
  const gusCookie = await portal.grantAccess(otherClient, gus, otherCookie);

  /** Runs the new-messages e-mail as if the delay had passed; answers what Dana was sent. */
  const digestToDana = async () => {
    await sendNewMessageDigests(db, {
      publicUrl: t.config.publicUrl,
      secret: t.config.authSecret,
      delaySeconds: t.config.emailDelaySeconds,
      now: new Date(Date.now() + (t.config.emailDelaySeconds + 60) * 1000),
      firmIds: [firm.id, otherFirm.id],
    });
    const mails = await portal.mailsTo(dana.email ?? "");
    return mails.filter((mail) => mail.kind === "new_messages");
  };
  const say = (words: string) => api.send(allContacts.id, words, staffCookie);
  return {
    firm,
    staffCookie,
    client,
    dana,
    danaCookie,
    otherClient,
    gus,
    gusCookie,
    digestToDana,
    say,
  };
}

describe("unsubscribing from message e-mails", () => {
  it("sends message e-mails over SMTP with one-click unsubscribe headers and a link", async () => {
    const s = await scene();
    await s.say("Your return is ready");
    const [mail] = await s.digestToDana();
    const worker = startMailWorker({
      db: t.database.db,
      smtpUrl,
      from: "Portico <no-reply@example.test>",
      log: t.app.log,
      pollMs: 50,
    });
    const toDana = async () => {
      for (const sent of received.filter((one) => one.to.includes(s.dana.email ?? ""))) {
        const parsed = await simpleParser(sent.raw);
        if (parsed.subject === mail?.subject) return parsed;
      }
      return undefined;
    };
    try {
      await expect.poll(toDana, { timeout: 30_000 }).toBeTruthy();
    } finally {
      await worker.stop();
    }
    const parsed = await toDana();
    if (!parsed) throw new Error("the message e-mail was not received");
    const token = unsubscribeTokenFor(t.config.authSecret, s.dana.id);
    // The raw header lines as sent (RFC 8058), and as a mail client reads them.
    expect(parsed.headerLines.find((line) => line.key === "list-unsubscribe-post")?.line).toBe(
      "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    );
    expect(parsed.headers.get("list")).toEqual({
      unsubscribe: { url: `${t.config.publicUrl}/api/mail-subscriptions/${token}/unsubscribe` },
      "unsubscribe-post": { name: "List-Unsubscribe=One-Click" },
    });
    const pageUrl = `${t.config.publicUrl}/unsubscribe/${token}`;
    expect(parsed.text).toContain(pageUrl);
    expect(parsed.html).toContain(`<a href="${pageUrl}">`);
  });

  it("turns e-mails off with a one-click post from a mail client, without cookie or Origin", async () => {
    const s = await scene();
    const token = unsubscribeTokenFor(t.config.authSecret, s.dana.id);
    const posted = await t.app.inject({
      method: "POST",
      url: `/api/mail-subscriptions/${token}/unsubscribe`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "List-Unsubscribe=One-Click",
    });
    expect(posted.statusCode).toBe(204);

    await s.say("Anything new?");
    expect(await s.digestToDana()).toEqual([]);
    // The other firm's contact, who did not unsubscribe, is unaffected.
    const shown = await t.request({
      method: "GET",
      url: `/api/portal/clients/${s.otherClient.id}/mail-preferences`,
      cookie: s.gusCookie,
    });
    expect(shown.json()).toEqual({ messageEmails: true });
  });

  it("shows the page's state, and turns e-mails back on from it", async () => {
    const s = await scene();
    const token = unsubscribeTokenFor(t.config.authSecret, s.dana.id);
    const url = `/api/mail-subscriptions/${token}`;
    const off = await t.request({ method: "PUT", url, payload: { messageEmails: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toEqual({
      firmName: s.firm.name,
      clientName: "Acme Bakery",
      messageEmails: false,
    });
    await s.say("First while unsubscribed");
    expect(await s.digestToDana()).toEqual([]);

    const on = await t.request({ method: "PUT", url, payload: { messageEmails: true } });
    expect(on.json()).toMatchObject({ messageEmails: true });
    expect((await t.request({ method: "GET", url })).json()).toMatchObject({ messageEmails: true });
    await s.say("Second, subscribed again");
    const [mail] = await s.digestToDana();
    expect(mail?.textBody).toContain("Second, subscribed again");
  });

  it("refuses a forged or altered link, and a page change from another site", async () => {
    const s = await scene();
    const danaToken = unsubscribeTokenFor(t.config.authSecret, s.dana.id);
    const signature = danaToken.split(".")[1];
    const forged = [
      `${s.gus.id}.${signature}`,
      `${s.dana.id}.${"A".repeat(signature?.length ?? 32)}`,
      unsubscribeTokenFor("not-our-secret-not-our-secret-not-ours", s.dana.id),
    ];
    for (const token of forged) {
      const posted = await t.app.inject({
        method: "POST",
        url: `/api/mail-subscriptions/${token}/unsubscribe`,
      });
      expect(posted.statusCode).toBe(404);
      const read = await t.request({ method: "GET", url: `/api/mail-subscriptions/${token}` });
      expect(read.statusCode).toBe(404);
    }
    const crossSite = await t.app.inject({
      method: "PUT",
      url: `/api/mail-subscriptions/${danaToken}`,
      headers: { origin: "https://evil.test" },
      payload: { messageEmails: false },
    });
    expect(crossSite.statusCode).toBe(403);
    const gusPage = await t.request({
      method: "GET",
      url: `/api/portal/clients/${s.otherClient.id}/mail-preferences`,
      cookie: s.gusCookie,
    });
    expect(gusPage.json()).toEqual({ messageEmails: true });
    const danaPage = await t.request({
      method: "GET",
      url: `/api/mail-subscriptions/${danaToken}`,
    });
    expect(danaPage.json()).toMatchObject({ messageEmails: true });
  });

  it("lets a contact change the setting in the portal, for their own clients only", async () => {
    const s = await scene();
    const url = (clientId: string) => `/api/portal/clients/${clientId}/mail-preferences`;
    const turnedOff = await t.request({
      method: "PUT",
      url: url(s.client.id),
      cookie: s.danaCookie,
      payload: { messageEmails: false },
    });
    expect(turnedOff.json()).toEqual({ messageEmails: false });
    await s.say("Quiet please");
    expect(await s.digestToDana()).toEqual([]);

    // Another firm's client, read or changed by Dana: not found, and unchanged.
    for (const method of ["GET", "PUT"] as const) {
      const other = await t.request({
        method,
        url: url(s.otherClient.id),
        cookie: s.danaCookie,
        ...(method === "PUT" ? { payload: { messageEmails: false } } : {}),
      });
      expect(other.statusCode).toBe(404);
    }
    const gus = await t.request({ method: "GET", url: url(s.otherClient.id), cookie: s.gusCookie });
    expect(gus.json()).toEqual({ messageEmails: true });
  });

  it("does not put the link on invitations or password e-mails", async () => {
    const s = await scene();
    const mails = await portal.mailsTo(s.dana.email ?? "");
    const invitation = mails.find((mail) => mail.kind === "invitation");
    expect(invitation).toBeDefined();
    expect(invitation?.headers).toEqual({});
    expect(invitation?.textBody).not.toContain("/unsubscribe/");
    await s.say("Hello");
    const [digest] = await s.digestToDana();
    const token = unsubscribeTokenFor(t.config.authSecret, s.dana.id);
    // The firm reads the e-mail on its Outbox without the contact's unsubscribe link.
    const outbox = await t.request({ method: "GET", url: "/api/outbox", cookie: s.staffCookie });
    const shown = outbox
      .json()
      .mails.find((mail: { kind: string }) => mail.kind === "new_messages");
    expect(shown.text).toContain("Hello");
    expect(shown.text).not.toContain(token);
    expect(digest?.headers).toEqual({
      "List-Unsubscribe": `<${t.config.publicUrl}/api/mail-subscriptions/${token}/unsubscribe>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });

    // Unsubscribed, Dana still gets the password and sign-in e-mails she asks for, without the link.
    const off = await t.request({
      method: "PUT",
      url: `/api/mail-subscriptions/${token}`,
      payload: { messageEmails: false },
    });
    expect(off.statusCode).toBe(200);
    const ask = (url: string, payload: Record<string, unknown>) =>
      t.request({ method: "POST", url, payload, headers: { "x-forwarded-for": nextClientIp() } });
    const email = s.dana.email ?? "";
    expect(
      (
        await ask("/api/auth/request-password-reset", {
          email,
          redirectTo: "/portal/reset-password",
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await ask("/api/auth/sign-in/magic-link", { email, callbackURL: "/portal" })).statusCode,
    ).toBe(200);
    const personal = (await portal.mailsTo(email)).filter(
      (mail) => mail.kind === "password_reset" || mail.kind === "sign_in_link",
    );
    expect(personal.map((mail) => mail.kind).sort()).toEqual(["password_reset", "sign_in_link"]);
    for (const mail of personal) {
      expect(mail.headers).toEqual({});
      expect(`${mail.textBody}${mail.htmlBody}`).not.toContain("unsubscribe");
    }
  });
});
