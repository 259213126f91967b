/**
 * The new-messages e-mail (DESIGN §2): a contact is e-mailed about new messages only if they have
 * not read them in the portal within 5 minutes, one e-mail covers everything from those
 * 5 minutes, and internal notes are never e-mailed to contacts.
 *
 * Time is moved by running the digest with a `now` in the future (or by backdating a message), and
 * every run is limited to the firms of its own test, so test files sharing a database never mail
 * each other's contacts.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import { pdfBytes, uploadFile, uploadPath } from "../../../test/files.js";
import { messagingApi } from "../../../test/messaging.js";
import { listen, portalApi } from "../../../test/portal.js";
import type { Conversation } from "../../shared/api/messaging.js";
import { contacts, messages } from "../db/schema.js";
import {
  type DigestOptions,
  sendNewMessageDigests,
  startDigestScheduler,
} from "./new-messages-digest.js";

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let portal: ReturnType<typeof portalApi>;
let contactApi: ReturnType<typeof messagingApi>;

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t);
  portal = portalApi(t);
  contactApi = messagingApi(t, "contact");
});
afterAll(() => t.close());

const unique = () => crypto.randomUUID().slice(0, 8);
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

type ContactRow = Awaited<ReturnType<typeof buildContact>>;

/**
 * A firm with an owner, a client "Acme Bakery", and Dana, a contact with portal access; the
 * client's All Contacts thread is open. `digest` runs the e-mail for this firm (and any others
 * given) as if `minutesLater` minutes had passed (null: by the database's clock, now).
 */
async function scene() {
  const db = t.database.db;
  const firm = await buildFirm(db, `Firm ${unique()}`);
  const owner = await buildStaff(db, firm, { name: "Olivia Owner", role: "owner" });
  const staffCookie = await t.signIn(owner.email);
  const client = await buildClient(db, firm, "Acme Bakery");
  const dana = await buildContact(db, client, { name: "Dana Fox" });
  const danaCookie = await portal.grantAccess(client, dana, staffCookie);
  const allContacts = await api.openConversation(client.id, { kind: "all_contacts" }, staffCookie);

  const say = (words: string, conversation: Conversation = allContacts) =>
    api.send(conversation.id, words, staffCookie);
  const note = (words: string, conversation: Conversation = allContacts) =>
    api.send(conversation.id, words, staffCookie, { internal: true });
  const digest = (
    minutesLater: number | null = 6,
    more: Partial<DigestOptions> & { alsoFirms?: string[] } = {},
  ) =>
    sendNewMessageDigests(db, {
      publicUrl: t.config.publicUrl,
      secret: t.config.authSecret,
      delaySeconds: 300,
      now: minutesLater === null ? undefined : minutesFromNow(minutesLater),
      firmIds: [firm.id, ...(more.alsoFirms ?? [])],
      ...more,
    });
  /** Another contact of the client with portal access. */
  const anotherContact = async (name: string) => {
    const contact = await buildContact(db, client, { name });
    return { contact, cookie: await portal.grantAccess(client, contact, staffCookie) };
  };
  return {
    firm,
    owner,
    staffCookie,
    client,
    dana,
    danaCookie,
    allContacts,
    say,
    note,
    digest,
    anotherContact,
  };
}

/** The new-messages e-mails in a contact's outbox, newest first. */
const digestsTo = async (contact: ContactRow) =>
  (await portal.mailsTo(contact.email ?? "")).filter((mail) => mail.kind === "new_messages");

const linkTo = (clientId: string, conversationId: string) =>
  `${t.config.publicUrl}/portal/clients/${clientId}/${conversationId}`;

/** The thread's newest number as the contact sees it. */
async function lastPublicSeq(clientId: string, conversationId: string, cookie: string) {
  const list = await contactApi.listConversations(clientId, cookie);
  const row = list.conversations.find((conversation) => conversation.id === conversationId);
  if (!row) throw new Error("the contact does not see the thread");
  return row.lastSeq;
}

/** Makes a message look as if it was sent `minutes` ago. */
const backdate = (messageId: string, minutes: number) =>
  t.database.db
    .update(messages)
    .set({ createdAt: sql`now() - make_interval(mins => ${minutes})` })
    .where(eq(messages.id, messageId));

describe("the new-messages e-mail", () => {
  it("tells a contact about a message unread for 5 minutes: one e-mail with a preview and a link", async () => {
    const s = await scene();
    await s.say("Your tax return is ready to sign");

    expect(await s.digest()).toEqual({ mailed: 1 });

    const mails = await digestsTo(s.dana);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    const link = linkTo(s.client.id, s.allContacts.id);
    expect(mail).toMatchObject({
      firmId: s.firm.id,
      toAddress: s.dana.email,
      subject: `1 new message in your portal with ${s.firm.name}`,
      sentAt: null,
    });
    expect(mail?.textBody).toContain("Hello Dana Fox,");
    expect(mail?.textBody).toContain("All Contacts: 1 new message\n");
    expect(mail?.textBody).toContain("- Olivia Owner: Your tax return is ready to sign");
    expect(mail?.textBody).toContain(`Read and reply: ${link}`);
    expect(mail?.htmlBody).toContain(`<a href="${link}"`);
    expect(mail?.htmlBody).toMatch(
      /<strong>Olivia Owner<\/strong><div[^>]*><p[^>]*>Your tax return is ready to sign<\/p>/,
    );
    // The firm owner reads it in the outbox like any other mail; staff get none themselves.
    const outbox = await t.request({ method: "GET", url: "/api/outbox", cookie: s.staffCookie });
    expect(outbox.json().mails.map((row: { kind: string }) => row.kind)).toContain("new_messages");
    expect(
      (await portal.mailsTo(s.owner.email)).filter((row) => row.kind === "new_messages"),
    ).toEqual([]);
  });

  it("names the files of the public messages it tells about, never a note's", async () => {
    const s = await scene();
    const origin = await listen(t);
    const secret = `note-file-${unique()}.txt`;
    const upload = async (name: string, content: Buffer) => {
      const answer = await uploadFile(origin, uploadPath, s.staffCookie, { name, content });
      expect(answer.status).toBe(201);
      return answer.body.id;
    };
    await api.send(s.allContacts.id, "Your return", s.staffCookie, {
      attachmentIds: [await upload("return.pdf", pdfBytes("return"))],
    });
    await api.send(s.allContacts.id, "Team only", s.staffCookie, {
      internal: true,
      attachmentIds: [await upload(secret, Buffer.from("team only"))],
    });
    expect(await s.digest()).toEqual({ mailed: 1 });
    const [mail] = await digestsTo(s.dana);
    expect(mail?.textBody).toContain("- Olivia Owner: Your return\n  Attached: return.pdf");
    expect(mail?.htmlBody).toContain("Attached: return.pdf");
    expect(`${mail?.textBody}${mail?.htmlBody}`).not.toContain(secret);
  });

  it("covers a burst of messages with one e-mail", async () => {
    const s = await scene();
    for (const words of ["First of three", "Second of three", "Third of three"]) {
      await s.say(words);
    }

    expect(await s.digest()).toEqual({ mailed: 1 });

    const [mail, ...more] = await digestsTo(s.dana);
    expect(more).toEqual([]);
    expect(mail?.subject).toMatch(/^3 new messages /);
    expect(mail?.textBody).toContain("All Contacts: 3 new messages\n");
    const text = mail?.textBody ?? "";
    const positions = ["First of three", "Second of three", "Third of three"].map((words) =>
      text.indexOf(`- Olivia Owner: ${words}`),
    );
    expect(positions.every((position) => position > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("shows the newest three of many, counts them all, and shortens long ones", async () => {
    const s = await scene();
    const long = `${"Long words here ".repeat(20)}TAIL-${unique()}`;
    for (const words of ["Old one", "Old two", "Middle", "Recent", long]) await s.say(words);

    await s.digest();

    const [mail] = await digestsTo(s.dana);
    const text = mail?.textBody ?? "";
    expect(text).toContain("All Contacts: 5 new messages\n(2 earlier messages not shown)");
    expect(text).not.toContain("Old one");
    expect(text).not.toContain("Old two");
    expect(text).toContain("- Olivia Owner: Middle\n- Olivia Owner: Recent\n");
    const preview = text.split("\n").find((line) => line.includes("Long words here"));
    expect(preview?.endsWith("…")).toBe(true);
    expect(preview?.replace("- Olivia Owner: ", "")).toHaveLength(120);
    expect(text).not.toContain("TAIL-");
  });

  it("sends nothing about a message the contact read in the portal", async () => {
    const s = await scene();
    await s.say("Read me in the portal");
    const seq = await lastPublicSeq(s.client.id, s.allContacts.id, s.danaCookie);
    expect((await contactApi.markRead(s.allContacts.id, seq, s.danaCookie)).statusCode).toBe(204);

    expect(await s.digest()).toEqual({ mailed: 0 });
    expect(await digestsTo(s.dana)).toEqual([]);
  });

  it("tells only about what is left unread after a partial read", async () => {
    const s = await scene();
    await s.say("Already read");
    const seq = await lastPublicSeq(s.client.id, s.allContacts.id, s.danaCookie);
    expect((await contactApi.markRead(s.allContacts.id, seq, s.danaCookie)).statusCode).toBe(204);
    await s.say("Not read yet");

    await s.digest();

    const [mail] = await digestsTo(s.dana);
    expect(mail?.textBody).toContain("All Contacts: 1 new message\n");
    expect(mail?.textBody).toContain("Not read yet");
    expect(mail?.textBody).not.toContain("Already read");
  });

  it("waits 5 minutes before telling, then tells once", async () => {
    const s = await scene();
    await s.say("Fresh news");

    expect(await s.digest(null)).toEqual({ mailed: 0 });
    expect(await s.digest(4)).toEqual({ mailed: 0 });
    expect(await digestsTo(s.dana)).toEqual([]);

    expect(await s.digest(6)).toEqual({ mailed: 1 });
    expect(await digestsTo(s.dana)).toHaveLength(1);
  });

  it("waits as long as EMAIL_DELAY_SECONDS says", async () => {
    const s = await scene();
    await s.say("Quick news");
    const oneMinute = { delaySeconds: 60 };
    expect(await s.digest(0.5, oneMinute)).toEqual({ mailed: 0 });
    expect(await s.digest(1.5, oneMinute)).toEqual({ mailed: 1 });
  });

  it("never tells twice about the same messages, and tells again about newer ones", async () => {
    const s = await scene();
    await s.say("Told once");
    expect(await s.digest()).toEqual({ mailed: 1 });
    expect(await s.digest()).toEqual({ mailed: 0 });
    expect(await s.digest(60)).toEqual({ mailed: 0 });
    expect(await digestsTo(s.dana)).toHaveLength(1);

    await s.say("Something newer");
    expect(await s.digest()).toEqual({ mailed: 1 });
    const [newest, first] = await digestsTo(s.dana);
    expect(first?.textBody).toContain("Told once");
    expect(newest?.textBody).toContain("All Contacts: 1 new message\n");
    expect(newest?.textBody).toContain("Something newer");
    expect(newest?.textBody).not.toContain("Told once");
  });

  it("writes one e-mail when several processes run the digest at the same moment", async () => {
    const s = await scene();
    const direct = await api.openConversation(
      s.client.id,
      { kind: "direct", contactId: s.dana.id },
      s.staffCookie,
    );
    await s.say("Only once, please");
    await s.say("Really only once");
    await s.say("And this one once too", direct);

    const runs = await Promise.all([s.digest(), s.digest(), s.digest(), s.digest()]);

    expect(runs.reduce((sum, run) => sum + run.mailed, 0)).toBe(1);
    const mails = await digestsTo(s.dana);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.textBody).toContain("All Contacts: 2 new messages\n");
    // A contact's direct thread is named by the firm, as the portal names it.
    expect(mails[0]?.textBody).toContain(`${s.firm.name}: 1 new message\n`);
  });

  it("covers messages spread over more than 5 minutes with one e-mail, not one per run", async () => {
    const s = await scene();
    const first = await s.say("Sent six minutes ago");
    await backdate(first.id, 6);
    const second = await s.say("Sent two minutes ago");
    await backdate(second.id, 2);

    // The oldest has waited 5 minutes: the e-mail covers it and everything after it.
    expect(await s.digest(null)).toEqual({ mailed: 1 });
    expect(await s.digest(null)).toEqual({ mailed: 0 });
    const [mail, ...more] = await digestsTo(s.dana);
    expect(more).toEqual([]);
    expect(mail?.textBody).toContain("All Contacts: 2 new messages\n");
    expect(mail?.textBody).toContain("Sent two minutes ago");
  });

  it("does not tell a contact about their own messages, but tells the other contacts", async () => {
    const s = await scene();
    const eli = await s.anotherContact("Eli Stone");
    await contactApi.send(s.allContacts.id, "Dana writes to everyone", s.danaCookie);

    expect(await s.digest()).toEqual({ mailed: 1 });

    expect(await digestsTo(s.dana)).toEqual([]);
    const [mail] = await digestsTo(eli.contact);
    expect(mail?.textBody).toContain("- Dana Fox: Dana writes to everyone");
  });

  it("puts every thread the contact sees into the one e-mail, each with its link", async () => {
    const s = await scene();
    const direct = await api.openConversation(
      s.client.id,
      { kind: "direct", contactId: s.dana.id },
      s.staffCookie,
    );
    await s.say("To everyone at Acme");
    await s.say("Just for you, Dana", direct);

    expect(await s.digest()).toEqual({ mailed: 1 });

    const [mail, ...more] = await digestsTo(s.dana);
    expect(more).toEqual([]);
    const text = mail?.textBody ?? "";
    expect(mail?.subject).toMatch(/^2 new messages /);
    expect(text).toContain(
      `All Contacts: 1 new message\n- Olivia Owner: To everyone at Acme\nRead and reply: ${linkTo(s.client.id, s.allContacts.id)}`,
    );
    expect(text).toContain(
      `${s.firm.name}: 1 new message\n- Olivia Owner: Just for you, Dana\nRead and reply: ${linkTo(s.client.id, direct.id)}`,
    );
  });

  it("tells nobody without portal access: never invited, only invited, revoked, or without an e-mail", async () => {
    const s = await scene();
    const db = t.database.db;
    const never = await buildContact(db, s.client, { name: "Never Invited" });
    const invited = await buildContact(db, s.client, { name: "Only Invited" });
    expect((await portal.invite(s.client.id, invited.id, s.staffCookie)).statusCode).toBe(200);
    const revoked = await s.anotherContact("Was Revoked");
    expect((await portal.revoke(s.client.id, revoked.contact.id, s.staffCookie)).statusCode).toBe(
      200,
    );
    const noEmail = await s.anotherContact("No Address");
    await db.update(contacts).set({ email: null }).where(eq(contacts.id, noEmail.contact.id));

    await s.say("For everyone with access");
    expect(await s.digest()).toEqual({ mailed: 1 });

    expect(await digestsTo(s.dana)).toHaveLength(1);
    for (const contact of [never, invited, revoked.contact]) {
      expect(await digestsTo(contact)).toEqual([]);
    }
    expect(await digestsTo(noEmail.contact)).toEqual([]);
  });

  it("tells nobody about another client's or another firm's threads, or another contact's direct thread", async () => {
    const s = await scene();
    const db = t.database.db;
    const eli = await s.anotherContact("Eli Stone");
    const direct = await api.openConversation(
      s.client.id,
      { kind: "direct", contactId: s.dana.id },
      s.staffCookie,
    );
    // Another client of the firm, and another firm, each with a contact on the portal.
    const studio = await buildClient(db, s.firm, "Studio");
    const sam = await buildContact(db, studio, { name: "Sam Studio" });
    await portal.grantAccess(studio, sam, s.staffCookie);
    await api.openConversation(studio.id, { kind: "all_contacts" }, s.staffCookie);
    const otherFirm = await buildFirm(db, `Other ${unique()}`);
    const otherOwner = await buildStaff(db, otherFirm, { role: "owner" });
    const otherClient = await buildClient(db, otherFirm, "Acme Bakery");
    const olive = await buildContact(db, otherClient, { name: "Olive Other" });
    await portal.grantAccess(otherClient, olive, await t.signIn(otherOwner.email));

    await s.say("Only for Dana", direct);
    expect(await s.digest(6, { alsoFirms: [otherFirm.id] })).toEqual({ mailed: 1 });

    expect(await digestsTo(s.dana)).toHaveLength(1);
    for (const contact of [eli.contact, sam, olive]) expect(await digestsTo(contact)).toEqual([]);
  });

  describe("and internal notes", () => {
    it("sends nothing at all for a note alone", async () => {
      const s = await scene();
      const marker = `NOTE-${crypto.randomUUID()}`;
      await s.note(`${marker} only staff may read this`);

      expect(await s.digest()).toEqual({ mailed: 0 });
      expect(await s.digest(60)).toEqual({ mailed: 0 });

      const mails = await portal.mailsTo(s.dana.email ?? "");
      expect(mails.map((mail) => mail.kind)).toEqual(["invitation"]);
      expect(JSON.stringify(mails)).not.toContain(marker);
    });

    it("leaves a note between public messages out of the e-mail and out of its count", async () => {
      const s = await scene();
      const marker = `NOTE-${crypto.randomUUID()}`;
      await s.say("Public before");
      const note = await s.note(`${marker} between the two`);
      await s.say("Public after");

      expect(await s.digest()).toEqual({ mailed: 1 });

      const mails = await portal.mailsTo(s.dana.email ?? "");
      expect(JSON.stringify(mails)).not.toContain(marker);
      expect(JSON.stringify(mails)).not.toContain(note.id);
      const [mail] = mails.filter((row) => row.kind === "new_messages");
      expect(mail?.subject).toMatch(/^2 new messages /);
      expect(mail?.textBody).toContain(
        "All Contacts: 2 new messages\n- Olivia Owner: Public before\n- Olivia Owner: Public after\n",
      );
    });

    it("sends nothing for a note written after the contact was told", async () => {
      const s = await scene();
      const marker = `NOTE-${crypto.randomUUID()}`;
      await s.say("Public news");
      expect(await s.digest()).toEqual({ mailed: 1 });
      await s.note(`${marker} later note`);

      expect(await s.digest(60)).toEqual({ mailed: 0 });
      const mails = await portal.mailsTo(s.dana.email ?? "");
      expect(mails.filter((row) => row.kind === "new_messages")).toHaveLength(1);
      expect(JSON.stringify(mails)).not.toContain(marker);
    });
  });

  it("escapes what people wrote in the HTML e-mail", async () => {
    const s = await scene();
    await s.say(`<img src=x onerror="alert(1)"> & more`);

    await s.digest();

    const [mail] = await digestsTo(s.dana);
    expect(mail?.textBody).toContain(`- Olivia Owner: <img src=x onerror="alert(1)"> & more`);
    expect(mail?.htmlBody).not.toContain("<img");
    expect(mail?.htmlBody).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; more");
  });
});

describe("the digest scheduler", () => {
  it("writes the e-mail on its own once the message has waited, and stops", async () => {
    const s = await scene();
    const message = await s.say("Waited long enough");
    await backdate(message.id, 6);

    const scheduler = startDigestScheduler({
      db: t.database.db,
      publicUrl: t.config.publicUrl,
      secret: t.config.authSecret,
      delaySeconds: 300,
      log: t.app.log,
      intervalMs: 20,
      firmIds: [s.firm.id],
    });
    try {
      await expect.poll(async () => (await digestsTo(s.dana)).length, { timeout: 10_000 }).toBe(1);
    } finally {
      await scheduler.stop();
    }
    const later = await s.say("After the scheduler stopped");
    await backdate(later.id, 6);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await digestsTo(s.dana)).toHaveLength(1);
  });
});
