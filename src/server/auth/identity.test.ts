/**
 * One person may be a contact of clients of several firms, under one sign-in, and no firm may
 * set, reset or learn that person's credentials. Each test here is an attack by staff of a firm
 * on a person who is (or will be) another firm's contact.
 *
 * The server starts without SMTP (a laptop install: invitations wait on the firm's Outbox); later
 * the same database is served with SMTP configured, and mail reaches people's mailboxes through
 * a real SMTP server.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSecondApp,
  createTestApp,
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
import { startMailbox } from "../../../test/mailbox.js";
import { invitationTokenIn, PORTAL_PASSWORD, portalApi } from "../../../test/portal.js";
import { user } from "../db/schema.js";
import { startMailWorker } from "../mail/worker.js";
import { acceptInvitationWithPassword } from "./invitations.service.js";

type Mailbox = Awaited<ReturnType<typeof startMailbox>>;
type OutboxMail = { kind: string; to: string; text: string };

let laptop: TestApp;
/** The same database, served again with SMTP configured. */
let mailing: TestApp;
let mailbox: Mailbox;
let worker: { stop: () => Promise<void> };

let firmA: TestFirm;
let firmB: TestFirm;
let ownerA: string;
let ownerB: string;

beforeAll(async () => {
  laptop = await createTestApp({}, { ownDatabase: true });
  mailbox = await startMailbox();
  mailing = await createSecondApp(laptop, { config: { smtpUrl: mailbox.url } });
  worker = startMailWorker({
    db: laptop.database.db,
    smtpUrl: mailbox.url,
    from: "Portico <no-reply@example.test>",
    log: laptop.app.log,
    pollMs: 50,
  });
  const db = laptop.database.db;
  firmA = await buildFirm(db, "Firm A");
  firmB = await buildFirm(db, "Firm B");
  ownerA = await laptop.signIn((await buildStaff(db, firmA, { role: "owner" })).email);
  ownerB = await laptop.signIn((await buildStaff(db, firmB, { role: "owner" })).email);
});
afterAll(async () => {
  await worker.stop();
  await mailing.close();
  await laptop.close();
  await mailbox.close();
});

const unique = () => crypto.randomUUID().slice(0, 8);
const newAddress = () => `person-${unique()}@example.test`;

async function outboxOf(app: TestApp, cookie: string): Promise<OutboxMail[]> {
  const response = await app.request({ method: "GET", url: "/api/outbox", cookie });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().mails;
}

/** Staff of `firm` add a contact with this address to a new client and invite them. */
async function invite(app: TestApp, firm: TestFirm, cookie: string, email: string) {
  const client = await buildClient(app.database.db, firm, `Client ${unique()}`);
  const contact = await buildContact(app.database.db, client, { name: "Pat Person", email });
  const response = await portalApi(app).invite(client.id, contact.id, cookie);
  expect(response.statusCode, response.body).toBe(200);
  return { client, contact };
}

/** The invitation link as the inviting firm reads it on its own Outbox page. */
async function tokenOnOutbox(app: TestApp, cookie: string, email: string) {
  const [mail] = (await outboxOf(app, cookie)).filter(
    (row) => row.to === email && row.kind === "invitation",
  );
  if (!mail) throw new Error(`no invitation to ${email} on the outbox`);
  return invitationTokenIn(mail.text, laptop.config.publicUrl);
}

/** The newest link of a kind that reached the address's mailbox over SMTP. */
async function linkInMailbox(email: string, path: "/portal/invitation/" | "/magic-link/verify") {
  await expect
    .poll(() => mailbox.mailsTo(email).some((mail) => mail.text.includes(path)))
    .toBe(true);
  const mail = mailbox.mailsTo(email).findLast((candidate) => candidate.text.includes(path));
  const match = new RegExp(`https?://\\S*${path.replaceAll("/", "\\/")}\\S*`).exec(
    mail?.text ?? "",
  );
  if (!match) throw new Error(`no ${path} link mailed to ${email}`);
  const url = new URL(match[0]);
  return `${url.pathname}${url.search}`;
}

const isProven = async (email: string) => {
  const [row] = await laptop.database.db
    .select({ verified: user.emailVerified })
    .from(user)
    .where(eq(user.email, email));
  return row?.verified;
};

const signInToAccept = {
  error: {
    code: "sign_in_to_accept",
    message: "This address already has a sign-in. Sign in with it to accept the invitation.",
  },
};

describe("an invitation for an address that already signs in elsewhere", () => {
  it("sets no password: another firm reading its own link cannot take the sign-in over", async () => {
    const email = newAddress();
    const portal = portalApi(laptop);
    await invite(laptop, firmA, ownerA, email);
    const victim = await portal.accept(await tokenOnOutbox(laptop, ownerA, email));
    expect(victim.statusCode).toBe(200);
    const victimCookie = sessionCookieOf(victim.headers["set-cookie"]);

    // Firm B adds the same address, invites it and uses the link from its own Outbox.
    const { contact } = await invite(laptop, firmB, ownerB, email);
    const token = await tokenOnOutbox(laptop, ownerB, email);
    const described = await portal.describe(token);
    expect(Object.keys(described.json()).sort()).toEqual([
      "contactName",
      "email",
      "firmName",
      "state",
    ]);
    const attack = await portal.accept(token, "chosen by firm B");
    expect(attack.statusCode).toBe(409);
    expect(attack.json()).toEqual(signInToAccept);
    expect(attack.headers["set-cookie"]).toBeUndefined();
    // Without the person's session, or with B's own, the link does nothing either.
    expect((await portal.acceptSignedIn(token)).statusCode).toBe(401);
    expect((await portal.acceptSignedIn(token, ownerB)).statusCode).toBe(403);

    await expect(laptop.signIn(email, "chosen by firm B")).rejects.toThrow(/401/);
    await expect(laptop.signIn(email, PORTAL_PASSWORD)).resolves.toContain("session_token");
    const session = await portal.session(victimCookie);
    expect(session.statusCode).toBe(200);
    expect(session.json().clients.map((c: { firmName: string }) => c.firmName)).toEqual(["Firm A"]);
    expect((await portal.describe(token)).json().state).toBe("valid");
    const contactsB = await laptop.request({
      method: "GET",
      url: `/api/clients/${contact.clientId}/contacts`,
      cookie: ownerB,
    });
    expect(contactsB.json().contacts[0].portalStatus).toBe("invited");
  });

  it("tells the invitation page nothing about whether the address signs in", async () => {
    const portal = portalApi(laptop);
    const known = newAddress();
    await invite(laptop, firmA, ownerA, known);
    await portal.accept(await tokenOnOutbox(laptop, ownerA, known));
    const staffMember = await buildStaff(laptop.database.db, firmA);
    const fresh = newAddress();
    const shapes = [];
    for (const email of [known, staffMember.email, fresh]) {
      await invite(laptop, firmB, ownerB, email);
      const answer = (await portal.describe(await tokenOnOutbox(laptop, ownerB, email))).json();
      shapes.push({ ...answer, email: "…" });
    }
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
  });

  it("is accepted by the person while signed in, and leaves the sign-in as it was", async () => {
    // Pat's invitation from firm A went out over SMTP: accepting it proved the address.
    const email = newAddress();
    const mailingPortal = portalApi(mailing);
    await invite(mailing, firmA, ownerA, email);
    const accepted = await mailingPortal.accept(
      (await linkInMailbox(email, "/portal/invitation/")).split("/").at(-1) ?? "",
    );
    expect(accepted.statusCode).toBe(200);
    expect(await isProven(email)).toBe(true);

    const portal = portalApi(laptop);
    const { client } = await invite(laptop, firmB, ownerB, email);
    const token = await tokenOnOutbox(laptop, ownerB, email);
    const patCookie = await laptop.signIn(email, PORTAL_PASSWORD);
    const joined = await portal.acceptSignedIn(token, patCookie);
    expect(joined.statusCode).toBe(200);
    expect(joined.json()).toEqual({ clientId: client.id });
    const firms = (await portal.session(patCookie))
      .json()
      .clients.map((c: { firmName: string }) => c.firmName);
    expect(firms.sort()).toEqual(["Firm A", "Firm B"]);
    await expect(laptop.signIn(email, PORTAL_PASSWORD)).resolves.toContain("session_token");
    expect((await portal.describe(token)).json().state).toBe("used");
  });

  it("refuses a session of another address, and changes nothing", async () => {
    const portal = portalApi(laptop);
    const someoneElse = newAddress();
    await invite(laptop, firmA, ownerA, someoneElse);
    const otherCookie = sessionCookieOf(
      (await portal.accept(await tokenOnOutbox(laptop, ownerA, someoneElse))).headers["set-cookie"],
    );
    const email = newAddress();
    await invite(laptop, firmA, ownerA, email);
    const token = await tokenOnOutbox(laptop, ownerA, email);

    const wrong = await portal.acceptSignedIn(token, otherCookie);
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe("wrong_account");
    expect((await portal.session(otherCookie)).json().clients).toHaveLength(1);
    expect((await portal.describe(token)).json().state).toBe("valid");
  });
});

describe("a sign-in created through a link a firm could read", () => {
  it("joins another firm's client only after the address is proven, which locks the firm out", async () => {
    const portal = portalApi(laptop);
    // Firm B invites an address nobody uses yet and sets its password from its own Outbox.
    const email = newAddress();
    await invite(laptop, firmB, ownerB, email);
    const preCreated = await portal.accept(
      await tokenOnOutbox(laptop, ownerB, email),
      "firm B knows this",
    );
    expect(preCreated.statusCode).toBe(200);
    expect(await isProven(email)).toBe(false);
    const firmBSession = sessionCookieOf(preCreated.headers["set-cookie"]);

    // Later firm A invites its real contact with that address. B signs in with the password it
    // chose and tries to accept A's invitation.
    const { contact } = await invite(laptop, firmA, ownerA, email);
    const tokenA = await tokenOnOutbox(laptop, ownerA, email);
    const attempt = await portal.acceptSignedIn(
      tokenA,
      await laptop.signIn(email, "firm B knows this"),
    );
    expect(attempt.statusCode).toBe(403);
    expect(attempt.json().error.code).toBe("address_proof_required");
    expect(
      (await portal.session(firmBSession))
        .json()
        .clients.map((c: { firmName: string }) => c.firmName),
    ).toEqual(["Firm B"]);
    expect((await portal.describe(tokenA)).json().state).toBe("valid");

    // The server now sends e-mail. The person asks for a one-time link: no firm's Outbox shows
    // it, and it arrives in their mailbox.
    const mailingPortal = portalApi(mailing);
    const asked = await mailing.request({
      method: "POST",
      url: "/api/auth/sign-in/magic-link",
      headers: { "x-forwarded-for": nextClientIp() },
      payload: { email, callbackURL: `/portal/invitation/${tokenA}` },
    });
    expect(asked.statusCode).toBe(200);
    const link = await linkInMailbox(email, "/magic-link/verify");
    for (const cookie of [ownerA, ownerB]) {
      const listed = JSON.stringify(await outboxOf(mailing, cookie));
      expect(listed).not.toContain("magic-link");
      expect(listed).not.toContain(
        new URL(link, mailing.config.publicUrl).searchParams.get("token"),
      );
    }
    const opened = await mailing.request({ method: "GET", url: link });
    expect(opened.statusCode).toBe(302);
    expect(opened.headers.location).toMatch(new RegExp(`/portal/invitation/${tokenA}$`));
    const personCookie = sessionCookieOf(opened.headers["set-cookie"]);
    expect(await isProven(email)).toBe(true);

    // Proof ended firm B's sessions and dropped the password it chose.
    expect((await mailingPortal.session(firmBSession)).statusCode).toBe(401);
    await expect(mailing.signIn(email, "firm B knows this")).rejects.toThrow(/401/);

    const joined = await mailingPortal.acceptSignedIn(tokenA, personCookie);
    expect(joined.statusCode).toBe(200);
    expect(joined.json()).toEqual({ clientId: contact.clientId });
    const firms = (await mailingPortal.session(personCookie))
      .json()
      .clients.map((c: { firmName: string }) => c.firmName);
    expect(firms.sort()).toEqual(["Firm A", "Firm B"]);
  });

  it("is proven from the start when the invitation went out over SMTP, and its link is not shown", async () => {
    const email = newAddress();
    await invite(mailing, firmA, ownerA, email);
    for (const app of [mailing, laptop]) {
      const [listed] = (await outboxOf(app, ownerA)).filter((mail) => mail.to === email);
      expect(listed?.kind).toBe("invitation");
      expect(listed?.text).not.toContain("/portal/invitation/");
      expect(listed?.text).toContain("[link hidden: it was sent to the recipient by e-mail]");
    }
    const token = (await linkInMailbox(email, "/portal/invitation/")).split("/").at(-1) ?? "";
    expect((await portalApi(mailing).accept(token)).statusCode).toBe(200);
    expect(await isProven(email)).toBe(true);
  });
});

describe("accepting with a password", () => {
  it("looks at the link and the address before it spends any work on the password", async () => {
    const portal = portalApi(laptop);
    let hashed = 0;
    const countingHash = async (password: string) => {
      hashed += 1;
      return `counted:${password.length}`;
    };
    const db = laptop.database.db;
    await expect(
      acceptInvitationWithPassword(db, "x".repeat(43), PORTAL_PASSWORD, countingHash),
    ).rejects.toMatchObject({ status: 410 });

    const taken = newAddress();
    await invite(laptop, firmA, ownerA, taken);
    await portal.accept(await tokenOnOutbox(laptop, ownerA, taken));
    await invite(laptop, firmB, ownerB, taken);
    await expect(
      acceptInvitationWithPassword(
        db,
        await tokenOnOutbox(laptop, ownerB, taken),
        "x",
        countingHash,
      ),
    ).rejects.toMatchObject({ status: 409 });
    expect(hashed).toBe(0);

    const fresh = newAddress();
    await invite(laptop, firmA, ownerA, fresh);
    await acceptInvitationWithPassword(
      db,
      await tokenOnOutbox(laptop, ownerA, fresh),
      PORTAL_PASSWORD,
      countingHash,
    );
    expect(hashed).toBe(1);
  });

  it("is limited to 10 attempts a minute per client address, whatever the link", async () => {
    const ip = nextClientIp();
    const attempt = (url: string, address = ip) =>
      laptop.request({
        method: "POST",
        url,
        headers: { "x-forwarded-for": address },
        payload: { password: TEST_PASSWORD },
      });
    const statuses: number[] = [];
    for (let n = 0; n < 10; n++) {
      statuses.push((await attempt(`/api/portal/invitations/${"y".repeat(43)}/accept`)).statusCode);
    }
    expect(statuses).toEqual(Array(10).fill(410));
    const limited = await attempt(`/api/portal/invitations/${"z".repeat(43)}/accept`);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("rate_limited");
    // Another address is not affected.
    expect(
      (await attempt(`/api/portal/invitations/${"z".repeat(43)}/accept`, nextClientIp()))
        .statusCode,
    ).toBe(410);
  });
});
