import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import { docOf, mention, messagingApi, paragraph, text } from "../../../test/messaging.js";
import { portalApi } from "../../../test/portal.js";
import { mailOutbox, staff } from "../db/schema.js";
import { sendClientMessageAlerts } from "./client-message-alerts.js";
import { sendMentionAlerts } from "./mention-alerts.js";

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let firmId: string;
let ada: { id: string; email: string; cookie: string };
let ben: { id: string; email: string; cookie: string };
let cleo: { id: string; email: string; cookie: string };
let danaEmail: string;
let threadId: string;

const CANARY = "CANARY-alert-5d1a";
const DELAY = 300;
const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t, "staff");
  const db = t.database.db;
  const firm = await buildFirm(db, "Alert Firm");
  firmId = firm.id;
  const member = async (name: string) => {
    const person = await buildStaff(db, firm, { name });
    return { id: person.id, email: person.email, cookie: await t.signIn(person.email) };
  };
  ada = await member("Ada Archer");
  ben = await member("Ben Baker");
  cleo = await member("Cleo Clark");
  const client = await buildClient(db, firm, "Northwind");
  const dana = await buildContact(db, client, { name: "Dana Diaz" });
  danaEmail = dana.email ?? "";
  // Dana uses the portal, so contact e-mail is possible and the canary check means something.
  await portalApi(t).grantAccess(client, dana, ada.cookie);
  threadId = (await api.openConversation(client.id, { kind: "all_contacts" }, ada.cookie)).id;
});
afterAll(() => t.close());

const alertsTo = (address: string) =>
  t.database.db
    .select()
    .from(mailOutbox)
    .where(and(eq(mailOutbox.toAddress, address), eq(mailOutbox.kind, "staff_alert")));

const run = (now: Date) =>
  sendMentionAlerts(t.database.db, {
    publicUrl: t.config.publicUrl,
    delaySeconds: DELAY,
    now,
    firmIds: [firmId],
  });

const mentioning = (words: string, person: { id: string }) =>
  docOf(paragraph(text(words), mention(person.id, "Someone")));

describe("mention e-mails", () => {
  it("waits the delay, then sends one e-mail for several mentions, with links to each", async () => {
    const first = await api.send(threadId, mentioning(`${CANARY} first`, ada), ben.cookie, {
      internal: true,
    });
    const second = await api.send(threadId, mentioning("second", ada), ben.cookie);
    await run(later(DELAY - 60));
    expect(await alertsTo(ada.email)).toEqual([]);
    await run(later(DELAY + 1));
    await run(later(DELAY + 2));
    const mails = await alertsTo(ada.email);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.subject).toBe("You were mentioned 2 times in Portico");
    expect(mail?.textBody).toContain(`Ben Baker mentioned you in Northwind · All Contacts`);
    expect(mail?.textBody).toContain(`${CANARY} first`);
    expect(mail?.textBody).toContain(`?message=${first.id}`);
    expect(mail?.textBody).toContain(`?message=${second.id}`);
    expect(mail?.htmlBody).toContain(CANARY);
    // The note never reaches a contact's mail.
    const contactMail = await t.database.db
      .select()
      .from(mailOutbox)
      .where(eq(mailOutbox.toAddress, danaEmail));
    expect(JSON.stringify(contactMail)).not.toContain(CANARY);
  });

  it("sends nothing for a mention read within the delay", async () => {
    const message = await api.send(threadId, mentioning("read in time", cleo), ben.cookie);
    const read = await api.markRead(threadId, message.seq, cleo.cookie);
    expect(read.statusCode).toBe(204);
    await run(later(DELAY + 1));
    expect(await alertsTo(cleo.email)).toEqual([]);
  });

  it("sends nothing to a member who chose no e-mail alerts (through the API)", async () => {
    const url = "/api/account/message-alerts";
    const initial = await t.request({ method: "GET", url, cookie: cleo.cookie });
    expect(initial.json()).toEqual({ alerts: "mentions_and_client_messages" });
    const chosen = await t.request({
      method: "PUT",
      url,
      payload: { alerts: "none" },
      cookie: cleo.cookie,
    });
    expect(chosen.statusCode, chosen.body).toBe(200);
    expect((await t.request({ method: "GET", url, cookie: cleo.cookie })).json()).toEqual({
      alerts: "none",
    });
    // Ben's choice is his own.
    expect((await t.request({ method: "GET", url, cookie: ben.cookie })).json()).toEqual({
      alerts: "mentions_and_client_messages",
    });
    const [row] = await t.database.db
      .select({ alerts: staff.messageAlerts })
      .from(staff)
      .where(and(eq(staff.id, cleo.id), eq(staff.firmId, firmId)));
    expect(row?.alerts).toBe("none");
    await api.send(threadId, mentioning("quiet please", cleo), ben.cookie);
    await run(later(DELAY + 1));
    expect(await alertsTo(cleo.email)).toEqual([]);
  });
});

describe("client-message e-mails", () => {
  it("e-mails a member who wrote in the conversation when a contact writes and they do not read it", async () => {
    const db = t.database.db;
    const firm = await buildFirm(db, "Client Alert Firm");
    const eve = await buildStaff(db, firm, { name: "Eve Evans" });
    const eveCookie = await t.signIn(eve.email);
    const finn = await buildStaff(db, firm, { name: "Finn Ford" });
    const client = await buildClient(db, firm, "Harbour");
    const gus = await buildContact(db, client, { name: "Gus Green" });
    const gusCookie = await portalApi(t).grantAccess(client, gus, eveCookie);
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, eveCookie);
    await api.send(thread.id, "Please send the receipts", eveCookie);
    await messagingApi(t, "contact").send(thread.id, "Here they are", gusCookie);
    const alerts = () =>
      sendClientMessageAlerts(db, {
        publicUrl: t.config.publicUrl,
        delaySeconds: DELAY,
        now: later(DELAY + 1),
        firmIds: [firm.id],
      });
    await sendClientMessageAlerts(db, {
      publicUrl: t.config.publicUrl,
      delaySeconds: DELAY,
      now: later(10),
      firmIds: [firm.id],
    });
    expect(await alertsTo(eve.email)).toEqual([]);
    await alerts();
    await alerts();
    const mails = await alertsTo(eve.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.textBody).toContain("Gus Green: Here they are");
    expect(mails[0]?.textBody).toContain(`/clients/${client.id}/messages/${thread.id}`);
    // Finn never wrote there: no e-mail for him.
    expect(await alertsTo(finn.email)).toEqual([]);
  });
});
