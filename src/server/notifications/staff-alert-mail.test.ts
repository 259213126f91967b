/**
 * The staff e-mail alerts as their recipients' mail clients read them: sent by the mail worker
 * to a real SMTP server and parsed with mailparser. Time moves by giving each run its `now`
 * (no sleeps); the database is this file's own, so the worker sends only this file's mail.
 */
import { isNull } from "drizzle-orm";
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestFirm,
} from "../../../test/factories.js";
import { startMailbox } from "../../../test/mailbox.js";
import { docOf, mention, messagingApi, paragraph, text } from "../../../test/messaging.js";
import { portalApi } from "../../../test/portal.js";
import { teamApi } from "../../../test/team.js";
import type { RichTextNode } from "../../shared/rich-text/document.js";
import { mailOutbox } from "../db/schema.js";
import { sendNewMessageDigests } from "../mail/new-messages-digest.js";
import { startMailWorker } from "../mail/worker.js";
import { sendClientMessageAlerts } from "./client-message-alerts.js";
import { sendMentionAlerts } from "./mention-alerts.js";

let t: TestApp;
let mailbox: Awaited<ReturnType<typeof startMailbox>>;
let staffApi: ReturnType<typeof messagingApi>;
let contactApi: ReturnType<typeof messagingApi>;

const DELAY = 300;
const FROM = "Portico <no-reply@portico.test>";
const CANARY = "CANARY-staff-mail-9b2c";
const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

beforeAll(async () => {
  t = await createTestApp({}, { ownDatabase: true });
  mailbox = await startMailbox();
  staffApi = messagingApi(t, "staff");
  contactApi = messagingApi(t, "contact");
});
afterAll(async () => {
  await mailbox.close();
  await t.close();
});

/** Runs both staff alerts as if `seconds` had passed, then the worker until the outbox is sent. */
async function alertsAfter(seconds: number) {
  const options = { publicUrl: t.config.publicUrl, delaySeconds: DELAY, now: later(seconds) };
  await sendMentionAlerts(t.database.db, options);
  await sendClientMessageAlerts(t.database.db, options);
  await deliverOutbox();
}

async function deliverOutbox() {
  const unsent = async () =>
    (await t.database.db.select().from(mailOutbox).where(isNull(mailOutbox.sentAt))).length;
  if ((await unsent()) === 0) return;
  const worker = startMailWorker({
    db: t.database.db,
    smtpUrl: mailbox.url,
    from: FROM,
    log: t.app.log,
    pollMs: 20,
  });
  try {
    await expect.poll(unsent, { timeout: 30_000 }).toBe(0);
  } finally {
    await worker.stop();
  }
}

/** Every href of the HTML, which a mail client would make clickable. */
const hrefsOf = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]);

const isSafeHref = (href: string | undefined) => /^(https?:|mailto:)/.test(href ?? "");

/** A firm with an owner, a client with a portal contact, and its All Contacts thread. */
async function scene(firmName: string) {
  const db = t.database.db;
  const firm: TestFirm = await buildFirm(db, firmName);
  const member = async (name: string, role: "owner" | "member" = "member") => {
    const person = await buildStaff(db, firm, { name, role });
    return { ...person, cookie: await t.signIn(person.email) };
  };
  const owner = await member("Olive Owner", "owner");
  const client = await buildClient(db, firm, "Harbour & <Sons>");
  const contact = await buildContact(db, client, { name: "Gus Green" });
  const contactCookie = await portalApi(t).grantAccess(client, contact, owner.cookie);
  const thread = await staffApi.openConversation(client.id, { kind: "all_contacts" }, owner.cookie);
  const chooseAlerts = async (cookie: string, alerts: string) => {
    const response = await t.request({
      method: "PUT",
      url: "/api/account/message-alerts",
      payload: { alerts },
      cookie,
    });
    expect(response.statusCode, response.body).toBe(200);
  };
  return { firm, member, owner, client, contact, contactCookie, thread, chooseAlerts };
}

const mentionOf = (person: { id: string }, ...before: RichTextNode[]) =>
  docOf(paragraph(...before, mention(person.id, "Someone")));

describe("mention e-mails over SMTP", () => {
  it("sends one e-mail for several mentions, with escaped HTML, a text part, safe links and each message's link", async () => {
    const s = await scene("Mention Mail Firm");
    const ada = await s.member("Ada Archer");
    const ben = await s.member("Ben <b>Baker</b>");
    const first = await staffApi.send(
      s.thread.id,
      docOf(
        paragraph(
          text(`${CANARY} <img src=x onerror=alert(1)> "quoted" & more, see `),
          {
            type: "text",
            text: "the checklist",
            marks: [{ type: "link", attrs: { href: "https://example.com/checklist?a=1&b=2" } }],
          },
          text(" or write to "),
          {
            type: "text",
            text: "the office",
            marks: [{ type: "link", attrs: { href: "mailto:office@example.com" } }],
          },
          mention(ada.id, "Someone"),
        ),
      ),
      ben.cookie,
      { internal: true },
    );
    const second = await staffApi.send(
      s.thread.id,
      mentionOf(ada, text("Second ask ")),
      ben.cookie,
    );

    // Within the delay nothing goes; after it, one e-mail; running again sends no second one.
    await alertsAfter(DELAY - 30);
    expect(await mailbox.parsedMailsTo(ada.email)).toEqual([]);
    await alertsAfter(DELAY + 1);
    await alertsAfter(DELAY + 2);
    const mails = await mailbox.parsedMailsTo(ada.email);
    expect(mails).toHaveLength(1);
    const mail = mails[0] as ParsedMail & { envelopeTo: string[] };

    expect(mail.envelopeTo).toEqual([ada.email]);
    expect(mail.to).toMatchObject({ value: [{ address: ada.email }] });
    expect(mail.from).toMatchObject({
      value: [{ address: "no-reply@portico.test", name: "Portico" }],
    });
    expect(mail.subject).toBe("You were mentioned 2 times in Portico");
    // A staff alert is not a contact's message e-mail: no unsubscribe headers.
    expect(mail.headers.has("list-unsubscribe")).toBe(false);
    expect(mail.headers.get("content-type")).toMatchObject({ value: "multipart/alternative" });

    const messageUrl = (id: string) =>
      `${t.config.publicUrl}/clients/${s.client.id}/messages/${s.thread.id}?message=${id}`;
    const textBody = mail.text ?? "";
    expect(textBody).toContain("Ben <b>Baker</b> mentioned you in Harbour & <Sons> · All Contacts");
    expect(textBody).toContain(`${CANARY} <img src=x onerror=alert(1)> "quoted" & more`);
    expect(textBody).toContain("https://example.com/checklist?a=1&b=2");
    expect(textBody).toContain("Second ask @Ada Archer");
    expect(textBody).toContain(`Open it: ${messageUrl(first.id)}`);
    expect(textBody).toContain(`Open it: ${messageUrl(second.id)}`);

    const html = typeof mail.html === "string" ? mail.html : "";
    expect(html).toContain(
      "Ben &lt;b&gt;Baker&lt;/b&gt; mentioned you in Harbour &amp; &lt;Sons&gt;",
    );
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>Baker");
    expect(html).toContain('<a href="https://example.com/checklist?a=1&amp;b=2"');
    expect(html).toContain('<a href="mailto:office@example.com"');
    expect(html).toContain(`<a href="${messageUrl(first.id)}">`);
    expect(html).toContain(`<a href="${messageUrl(second.id)}">`);
    const hrefs = hrefsOf(html);
    expect(hrefs.length).toBeGreaterThanOrEqual(4);
    expect(hrefs.filter((href) => !isSafeHref(href))).toEqual([]);

    // The note's text reaches no contact: their new-messages e-mail leaves it out.
    await sendNewMessageDigests(t.database.db, {
      publicUrl: t.config.publicUrl,
      secret: t.config.authSecret,
      delaySeconds: DELAY,
      now: later(DELAY + 60),
      firmIds: [s.firm.id],
    });
    await deliverOutbox();
    const toContact = await mailbox.parsedMailsTo(s.contact.email ?? "");
    expect(toContact.map((one) => one.subject)).toContain(
      "1 new message in your portal with Mention Mail Firm",
    );
    for (const one of toContact) {
      expect(`${one.subject}\n${one.text}\n${one.html}`).not.toContain(CANARY);
      expect(`${one.text}\n${one.html}`).not.toContain(first.id);
    }
  });

  it("sends nothing for a mention read in the app within the delay", async () => {
    const s = await scene("Read In Time Firm");
    const cleo = await s.member("Cleo Clark");
    const ben = await s.member("Ben Baker");
    const message = await staffApi.send(s.thread.id, mentionOf(cleo, text("Read me ")), ben.cookie);
    const read = await staffApi.markRead(s.thread.id, message.seq, cleo.cookie);
    expect(read.statusCode).toBe(204);
    await alertsAfter(DELAY + 1);
    expect(await mailbox.parsedMailsTo(cleo.email)).toEqual([]);
  });

  it("sends nothing to a member deactivated after the mention", async () => {
    const s = await scene("Deactivated Firm");
    const dot = await s.member("Dot Dunn");
    const ben = await s.member("Ben Baker");
    await staffApi.send(s.thread.id, mentionOf(dot, text("Before you go ")), ben.cookie);
    expect((await teamApi(t).deactivate(s.owner.cookie, dot.id)).statusCode).toBe(200);
    await alertsAfter(DELAY + 1);
    expect(await mailbox.parsedMailsTo(dot.email)).toEqual([]);
  });
});

describe("client-message e-mails over SMTP, and each member's choice", () => {
  it("e-mails everyone by default, mentions only to those who chose it, and nothing to those who chose nothing", async () => {
    const s = await scene("Choice Firm");
    const eve = await s.member("Eve Evans");
    const mia = await s.member("Mia Mentions");
    const nell = await s.member("Nell Nothing");
    await s.chooseAlerts(mia.cookie, "mentions");
    await s.chooseAlerts(nell.cookie, "none");
    // Each has written in the conversation, so each is due a client-message e-mail…
    for (const person of [eve, mia, nell]) {
      await staffApi.send(s.thread.id, `${person.name} asks for the receipts`, person.cookie);
    }
    // …Eve mentions Mia and Nell in a note, and the contact answers.
    await staffApi.send(
      s.thread.id,
      mentionOf(mia, text("Mia and "), mention(nell.id, "N")),
      eve.cookie,
      {
        internal: true,
      },
    );
    await contactApi.send(
      s.thread.id,
      "Here they are <script>x()</script> & more",
      s.contactCookie,
    );
    await alertsAfter(DELAY + 1);

    const subjects = async (person: { email: string }) =>
      (await mailbox.parsedMailsTo(person.email)).map((mail) => mail.subject).sort();
    expect(await subjects(eve)).toEqual(["New messages from your clients in Portico"]);
    expect(await subjects(mia)).toEqual(["You were mentioned in Portico"]);
    expect(await subjects(nell)).toEqual([]);

    const [clientMail] = await mailbox.parsedMailsTo(eve.email);
    if (!clientMail) throw new Error("no client-message e-mail");
    expect(clientMail.envelopeTo).toEqual([eve.email]);
    const conversationUrl = `${t.config.publicUrl}/clients/${s.client.id}/messages/${s.thread.id}`;
    expect(clientMail.text).toContain("Harbour & <Sons>:");
    expect(clientMail.text).toContain("Gus Green: Here they are <script>x()</script> & more");
    expect(clientMail.text).toContain(`Open it: ${conversationUrl}`);
    const html = typeof clientMail.html === "string" ? clientMail.html : "";
    expect(html).toContain("Here they are &lt;script&gt;x()&lt;/script&gt; &amp; more");
    expect(html).not.toContain("<script");
    expect(html).toContain("Harbour &amp; &lt;Sons&gt;");
    expect(html).toContain(`<a href="${conversationUrl}">`);
    expect(hrefsOf(html).filter((href) => !isSafeHref(href))).toEqual([]);
    // Eve wrote the note: her own mention of others tells her nothing.
    expect(clientMail.text).not.toContain("Mia and");

    // Another contact message later: one more e-mail to Eve, none to Mia or Nell.
    await contactApi.send(s.thread.id, "One more file", s.contactCookie);
    await alertsAfter(2 * DELAY + 2);
    expect(await subjects(eve)).toEqual([
      "New messages from your clients in Portico",
      "New messages from your clients in Portico",
    ]);
    expect(await subjects(mia)).toEqual(["You were mentioned in Portico"]);
    expect(await subjects(nell)).toEqual([]);
  });
});
