import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, sessionCookieOf, TEST_ORIGIN, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestFirm,
} from "../../../test/factories.js";
import { messagingApi } from "../../../test/messaging.js";
import {
  invitationTokenIn,
  listen,
  openSocket,
  PORTAL_PASSWORD,
  portalApi,
  refusedUpgrade,
  type SocketListener,
} from "../../../test/portal.js";
import { mailOutbox, portalInvitations } from "../db/schema.js";

type ClientRow = Awaited<ReturnType<typeof buildClient>>;
type ContactRow = Awaited<ReturnType<typeof buildContact>>;
type OutboxMail = { id: string; kind: string; to: string; subject: string; text: string };

let t: TestApp;
let portal: ReturnType<typeof portalApi>;
let contactApi: ReturnType<typeof messagingApi>;
let origin: string;
let firm: TestFirm;
let ownerCookie: string;
let memberCookie: string;
let otherFirm: TestFirm;
let otherOwnerCookie: string;
let otherClient: ClientRow;
let otherContact: ContactRow;

beforeAll(async () => {
  t = await createTestApp();
  portal = portalApi(t);
  contactApi = messagingApi(t, "contact");
  origin = await listen(t);
  firm = await buildFirm(t.database.db, "Access Firm");
  ownerCookie = await t.signIn(
    (await buildStaff(t.database.db, firm, { name: "Olga Owner", role: "owner" })).email,
  );
  memberCookie = await t.signIn(
    (await buildStaff(t.database.db, firm, { name: "Max Member" })).email,
  );
  // A second firm, with its owner, a client and an invited contact, is always there to leak from.
  otherFirm = await buildFirm(t.database.db, "Other Firm");
  otherOwnerCookie = await t.signIn(
    (await buildStaff(t.database.db, otherFirm, { role: "owner" })).email,
  );
  otherClient = await buildClient(t.database.db, otherFirm, "Other Firm Client");
  otherContact = await buildContact(t.database.db, otherClient, { name: "Olive Other" });
  const invited = await portal.invite(otherClient.id, otherContact.id, otherOwnerCookie);
  expect(invited.statusCode, invited.body).toBe(200);
});
afterAll(() => t.close());

const sockets = new Set<SocketListener>();
afterEach(() => {
  for (const listener of sockets) listener.socket.terminate();
  sockets.clear();
});

const unique = () => crypto.randomUUID().slice(0, 8);
const newClient = (name = `Client ${unique()}`) => buildClient(t.database.db, firm, name);
const newContact = (client: ClientRow, options: Parameters<typeof buildContact>[2] = {}) =>
  buildContact(t.database.db, client, options);

/** A fresh staff member of our firm: invitations are limited per sender, so each test has its own. */
const newInviter = async () => t.signIn((await buildStaff(t.database.db, firm)).email);

const emailOf = (contact: ContactRow) => {
  if (!contact.email) throw new Error("contact without e-mail");
  return contact.email;
};

const outbox = async (cookie = ownerCookie): Promise<OutboxMail[]> => {
  const response = await t.request({ method: "GET", url: "/api/outbox", cookie });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().mails;
};
const outboxTo = async (address: string, cookie = ownerCookie) =>
  (await outbox(cookie)).filter((mail) => mail.to === address);

const contactsOf = async (clientId: string, cookie = ownerCookie) => {
  const response = await t.request({
    method: "GET",
    url: `/api/clients/${clientId}/contacts`,
    cookie,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().contacts as { id: string; portalStatus: string }[];
};
const statusOf = async (contact: ContactRow, cookie = ownerCookie) =>
  (await contactsOf(contact.clientId, cookie)).find((row) => row.id === contact.id)?.portalStatus;

const linkPattern = new RegExp(
  `^${TEST_ORIGIN.replace(/[.]/g, "\\.")}/portal/invitation/[A-Za-z0-9_-]{43}$`,
);
const linkIn = (mail: OutboxMail) => {
  const token = invitationTokenIn(mail.text, TEST_ORIGIN);
  return { token, url: `${TEST_ORIGIN}/portal/invitation/${token}` };
};

/** Invites (asserting 200) and returns the token of the link that was mailed. */
async function invited(client: ClientRow, contact: ContactRow, cookie: string) {
  const response = await portal.invite(client.id, contact.id, cookie);
  expect(response.statusCode, response.body).toBe(200);
  return portal.latestInvitationToken(emailOf(contact));
}

const stateOf = async (token: string) => {
  const response = await portal.describe(token);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

const expireInvitationsOf = (contact: ContactRow) =>
  t.database.db
    .update(portalInvitations)
    .set({ expiresAt: sql`now() - interval '1 minute'` })
    .where(eq(portalInvitations.contactId, contact.id));

const unauthenticated = { error: { code: "unauthenticated", message: "Sign in to continue." } };
const contactNotFound = { error: { code: "not_found", message: "Contact was not found." } };
const linkGone = {
  error: { code: "invitation_unavailable", message: "This invitation link no longer works." },
};
const signInToAccept = {
  error: {
    code: "sign_in_to_accept",
    message: "This address already has a sign-in. Sign in with it to accept the invitation.",
  },
};
const staffOnly = { error: { code: "forbidden", message: "This page is for firm staff." } };
const contactsOnly = {
  error: { code: "forbidden", message: "The portal is for clients' contacts." },
};

describe("inviting a contact", () => {
  it("marks the contact invited and puts one mail with a working link in the owner's outbox", async () => {
    const client = await newClient();
    const contact = await newContact(client, { name: "Ivan Invitee" });
    const inviter = await buildStaff(t.database.db, firm, { name: "Ian Inviter" });
    const inviterCookie = await t.signIn(inviter.email);

    const response = await portal.invite(client.id, contact.id, inviterCookie);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: contact.id,
      clientId: client.id,
      name: "Ivan Invitee",
      email: contact.email,
      portalStatus: "invited",
      former: false,
      // No SMTP server here: the invitation waits in the Outbox, and the answer says so.
      delivery: "outbox",
    });
    expect(await statusOf(contact)).toBe("invited");

    const mails = await outboxTo(emailOf(contact));
    expect(mails).toHaveLength(1);
    const [mail] = mails as [OutboxMail];
    expect(mail).toMatchObject({
      kind: "invitation",
      to: contact.email,
      subject: "Access Firm invited you to their client portal",
    });
    expect(mail.text).toContain("Hello Ivan Invitee,");
    expect(mail.text).toContain("Ian Inviter of Access Firm has invited you");
    const { token, url } = linkIn(mail);
    expect(url).toMatch(linkPattern);
    expect(mail.text).toContain(`Accept the invitation: ${url}`);

    expect(await stateOf(token)).toEqual({
      state: "valid",
      contactName: "Ivan Invitee",
      email: contact.email,
      firmName: "Access Firm",
    });
  });

  it("refuses a contact without an e-mail address with 400 and sends nothing", async () => {
    const client = await newClient();
    const contact = await newContact(client, { email: null });
    const before = (await outbox()).length;

    const response = await portal.invite(client.id, contact.id, await newInviter());
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: {
        code: "email_required",
        message: "Add an e-mail address before inviting this contact.",
      },
    });
    expect(await statusOf(contact)).toBe("none");
    expect(await outbox()).toHaveLength(before);
  });

  it("refuses a contact who already has access with 409 and sends nothing", async () => {
    const client = await newClient();
    const contact = await newContact(client, { name: "Alma Active" });
    const cookie = await newInviter();
    await portal.grantAccess(client, contact, cookie);
    const mailsBefore = await outboxTo(emailOf(contact));

    const response = await portal.invite(client.id, contact.id, cookie);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      error: { code: "already_active", message: "Alma Active already has portal access." },
    });
    expect(await statusOf(contact)).toBe("active");
    expect(await outboxTo(emailOf(contact))).toEqual(mailsBefore);
  });

  it("replaces the link on a resend: the old one stops working, the new one works", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const cookie = await newInviter();
    const first = await invited(client, contact, cookie);
    const second = await invited(client, contact, cookie);
    expect(second).not.toBe(first);

    const mails = await outboxTo(emailOf(contact));
    expect(mails.map((mail) => linkIn(mail).token)).toEqual([second, first]);

    expect(await stateOf(first)).toEqual({ state: "invalid", firmName: null });
    const oldAccept = await portal.accept(first);
    expect(oldAccept.statusCode).toBe(410);
    expect(oldAccept.json()).toEqual(linkGone);
    expect(await statusOf(contact)).toBe("invited");

    expect(await stateOf(second)).toMatchObject({ state: "valid" });
    expect((await portal.accept(second)).statusCode).toBe(200);
    expect(await statusOf(contact)).toBe("active");
  });

  it("allows 5 invitations of one contact an hour, from anyone, then answers 429", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const cookie = await newInviter();
    const tokens: string[] = [];
    for (let n = 0; n < 5; n++) tokens.push(await invited(client, contact, cookie));

    for (const sender of [cookie, await newInviter()]) {
      const response = await portal.invite(client.id, contact.id, sender);
      expect(response.statusCode).toBe(429);
      expect(response.json()).toEqual({
        error: {
          code: "rate_limited",
          message: "Too many invitations for now. Try again in an hour.",
        },
      });
    }
    expect(await outboxTo(emailOf(contact))).toHaveLength(5);
    // The last link that went out still works.
    expect(await stateOf(tokens[4] as string)).toMatchObject({ state: "valid" });
  });

  it("allows one staff member 30 invitations an hour, then answers 429", async () => {
    const client = await newClient();
    const cookie = await newInviter();
    for (let n = 0; n < 30; n++) {
      const contact = await newContact(client);
      expect((await portal.invite(client.id, contact.id, cookie)).statusCode).toBe(200);
    }
    const lastOne = await newContact(client);
    const refused = await portal.invite(client.id, lastOne.id, cookie);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe("rate_limited");
    expect(await outboxTo(emailOf(lastOne))).toEqual([]);
    expect(await statusOf(lastOne)).toBe("none");

    // Somebody else of the firm may still invite.
    expect((await portal.invite(client.id, lastOne.id, await newInviter())).statusCode).toBe(200);
  });

  it("shows the outbox to owners and admins only, and only their own firm's mail", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    await invited(client, contact, await newInviter());

    const asMember = await t.request({ method: "GET", url: "/api/outbox", cookie: memberCookie });
    expect(asMember.statusCode).toBe(403);
    expect(asMember.json()).toEqual({
      error: {
        code: "forbidden",
        message: "Only the firm's owners and admins can read its outbox.",
      },
    });

    const ours = await outbox();
    expect(ours.some((mail) => mail.to === contact.email)).toBe(true);
    expect(ours.some((mail) => mail.to === otherContact.email)).toBe(false);
    const theirs = await outbox(otherOwnerCookie);
    expect(theirs.map((mail) => mail.to)).toEqual([otherContact.email]);
  });

  it("hides an invitation's link on the outbox once it was sent over SMTP", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const token = await invited(client, contact, await newInviter());
    expect((await outboxTo(emailOf(contact)))[0]?.text).toContain(token);

    // Sent while an SMTP server was configured, then the server ran without one again.
    await t.database.db
      .update(mailOutbox)
      .set({ sentAt: sql`now()` })
      .where(eq(mailOutbox.toAddress, emailOf(contact)));
    const [mail] = await outboxTo(emailOf(contact));
    expect(mail?.text).not.toContain(token);
    expect(mail?.text).toContain(
      "Accept the invitation: [link hidden: it was sent to the recipient by e-mail]",
    );
  });

  it("answers 404 for another firm's contact or client, and sends and changes nothing", async () => {
    const cookie = await newInviter();
    const ourClient = await newClient();
    const attempts = [
      await portal.invite(otherClient.id, otherContact.id, cookie),
      await portal.invite(ourClient.id, otherContact.id, cookie),
      await portal.revoke(otherClient.id, otherContact.id, cookie),
      await portal.revoke(ourClient.id, otherContact.id, cookie),
    ];
    for (const response of attempts) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual(contactNotFound);
    }
    expect(await outboxTo(emailOf(otherContact), otherOwnerCookie)).toHaveLength(1);
    expect(await statusOf(otherContact, otherOwnerCookie)).toBe("invited");
  });

  it("answers 404 for a contact of another client of the same firm", async () => {
    const client = await newClient();
    const neighbour = await newClient();
    const contact = await newContact(neighbour);
    const response = await portal.invite(client.id, contact.id, await newInviter());
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual(contactNotFound);
    expect(await statusOf(contact)).toBe("none");
    expect(await portal.mailsTo(emailOf(contact))).toEqual([]);
  });

  it("answers 401 without a session and changes nothing", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const responses = [
      await portal.invite(client.id, contact.id),
      await portal.revoke(client.id, contact.id),
      await t.request({ method: "GET", url: "/api/outbox" }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(unauthenticated);
    }
    expect(await statusOf(contact)).toBe("none");
    expect(await portal.mailsTo(emailOf(contact))).toEqual([]);
  });

  it("answers 403 to a contact's session on staff routes and changes nothing", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const neighbour = await newContact(client);
    const contactCookie = await portal.grantAccess(client, contact, await newInviter());
    await invited(client, neighbour, await newInviter());

    const responses = [
      await portal.invite(client.id, neighbour.id, contactCookie),
      await portal.revoke(client.id, neighbour.id, contactCookie),
      await portal.revoke(client.id, contact.id, contactCookie),
      await t.request({ method: "GET", url: "/api/outbox", cookie: contactCookie }),
      await t.request({ method: "GET", url: "/api/session", cookie: contactCookie }),
      await t.request({ method: "GET", url: "/api/clients", cookie: contactCookie }),
      await t.request({
        method: "GET",
        url: `/api/clients/${client.id}/contacts`,
        cookie: contactCookie,
      }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual(staffOnly);
    }
    expect(await statusOf(contact)).toBe("active");
    expect(await statusOf(neighbour)).toBe("invited");
    expect(await portal.mailsTo(emailOf(neighbour))).toHaveLength(1);
  });
});

describe("an invitation link", () => {
  it("is valid, then used once accepted", async () => {
    const client = await newClient();
    const contact = await newContact(client, { name: "Vera Valid" });
    const token = await invited(client, contact, await newInviter());
    expect(await stateOf(token)).toEqual({
      state: "valid",
      contactName: "Vera Valid",
      email: contact.email,
      firmName: "Access Firm",
    });
    expect((await portal.accept(token)).statusCode).toBe(200);
    expect(await stateOf(token)).toEqual({ state: "used", firmName: "Access Firm" });
  });

  it("is expired after its time, and can no longer be accepted", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const token = await invited(client, contact, await newInviter());
    await expireInvitationsOf(contact);

    expect(await stateOf(token)).toEqual({ state: "expired", firmName: "Access Firm" });
    const response = await portal.accept(token);
    expect(response.statusCode).toBe(410);
    expect(response.json()).toEqual(linkGone);
    expect(response.headers["set-cookie"]).toBeUndefined();
    expect(await statusOf(contact)).toBe("invited");
  });

  it("is invalid when unknown, without naming any firm", async () => {
    expect(await stateOf("x".repeat(43))).toEqual({ state: "invalid", firmName: null });
    const response = await portal.accept("x".repeat(43));
    expect(response.statusCode).toBe(410);
    expect(response.json()).toEqual(linkGone);
  });

  it("answers 400 to something that is not a link token", async () => {
    const response = await portal.describe("short");
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toEqual({
      code: "invalid_input",
      message: "Some of the values are not valid.",
      fields: { token: "Not an invitation link." },
    });
  });
});

describe("accepting an invitation", () => {
  it.each([
    { rule: "too short", password: "Ab1-xyz", message: "Use at least 10 characters." },
    {
      rule: "too few distinct characters",
      password: "abcabcabcabc",
      message: "Use more varied characters.",
    },
    {
      rule: "one character repeated",
      password: "aaaaaaaaaaaaaa",
      message: "Use more varied characters.",
    },
    {
      rule: "too long",
      password: `${"Abc-123".repeat(18)}xyz`,
      message: "Use at most 128 characters.",
    },
  ])("refuses a password that is $rule with 400 and keeps the link", async ({
    password,
    message,
  }) => {
    const client = await newClient();
    const contact = await newContact(client);
    const token = await invited(client, contact, await newInviter());

    const response = await portal.accept(token, password);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: {
        code: "invalid_input",
        message: "Some of the values are not valid.",
        fields: { password: message },
      },
    });
    expect(response.headers["set-cookie"]).toBeUndefined();
    expect(await stateOf(token)).toMatchObject({ state: "valid" });
    expect(await statusOf(contact)).toBe("invited");
  });

  it("refuses an accept without a password with 400 and keeps the link", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const token = await invited(client, contact, await newInviter());

    const response = await t.request({
      method: "POST",
      url: `/api/portal/invitations/${token}/accept`,
      payload: {},
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual({ password: "Choose a password." });
    expect(await stateOf(token)).toMatchObject({ state: "valid" });
  });

  it("signs the contact in, and the portal session lists the client", async () => {
    const client = await newClient("Acceptance Client");
    const contact = await newContact(client, { name: "Cora Contact" });
    const token = await invited(client, contact, await newInviter());

    const response = await portal.accept(token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ signedIn: true });
    const setCookie = [response.headers["set-cookie"]].flat().join("\n");
    expect(setCookie).toMatch(/better-auth\.session_token=[^;]+;.*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = sessionCookieOf(response.headers["set-cookie"]);

    const session = await portal.session(cookie);
    expect(session.statusCode).toBe(200);
    expect(session.json()).toEqual({
      kind: "contact",
      name: "Cora Contact",
      email: contact.email,
      clients: [
        {
          clientId: client.id,
          clientName: "Acceptance Client",
          contactId: contact.id,
          firmName: "Access Firm",
        },
      ],
    });
    expect(await statusOf(contact)).toBe("active");

    // The chosen password signs in again later.
    const again = await t.signIn(emailOf(contact), PORTAL_PASSWORD);
    expect((await portal.session(again)).json()).toEqual(session.json());
  });

  it("accepts once: a second accept answers 410 and signs nobody in", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const token = await invited(client, contact, await newInviter());
    expect((await portal.accept(token)).statusCode).toBe(200);

    const again = await portal.accept(token, "another-password-789");
    expect(again.statusCode).toBe(410);
    expect(again.json()).toEqual(linkGone);
    expect(again.headers["set-cookie"]).toBeUndefined();
    // The first password is still the one that works.
    await expect(t.signIn(emailOf(contact), "another-password-789")).rejects.toThrow(/401/);
    await t.signIn(emailOf(contact), PORTAL_PASSWORD);
  });

  it("gives a person who is a contact of two clients one session listing both", async () => {
    const email = `pat-${unique()}@example.test`;
    const first = await newClient(`A Client ${unique()}`);
    const second = await newClient(`B Client ${unique()}`);
    const atFirst = await newContact(first, { name: "Pat Both", email });
    const atSecond = await newContact(second, { name: "Pat Both", email });
    const cookie = await newInviter();
    const firstToken = await invited(first, atFirst, cookie);
    const secondToken = await invited(second, atSecond, cookie);
    expect(firstToken).not.toBe(secondToken);
    expect((await portal.mailsTo(email)).map((mail) => mail.kind)).toEqual([
      "invitation",
      "invitation",
    ]);

    const firstAccept = await portal.accept(firstToken, "first-password-1");
    expect(firstAccept.statusCode).toBe(200);
    // The second link sets no password for the sign-in that now exists: Pat signs in to accept.
    const withPassword = await portal.accept(secondToken, "second-password-2");
    expect(withPassword.statusCode).toBe(409);
    expect(withPassword.json()).toEqual(signInToAccept);
    expect(withPassword.headers["set-cookie"]).toBeUndefined();
    expect(await stateOf(secondToken)).toMatchObject({ state: "valid" });
    const firstCookie = sessionCookieOf(firstAccept.headers["set-cookie"]);
    const secondAccept = await portal.acceptSignedIn(secondToken, firstCookie);
    expect(secondAccept.statusCode).toBe(200);
    expect(secondAccept.json()).toEqual({ clientId: second.id });
    expect(await stateOf(secondToken)).toEqual({ state: "used", firmName: "Access Firm" });

    const expected = {
      kind: "contact",
      name: "Pat Both",
      email,
      clients: [
        { clientId: first.id, clientName: first.name, contactId: atFirst.id, firmName: firm.name },
        {
          clientId: second.id,
          clientName: second.name,
          contactId: atSecond.id,
          firmName: firm.name,
        },
      ],
    };
    expect((await portal.session(firstCookie)).json()).toEqual(expected);
    // One person, one password: the one Pat chose, untouched by the second invitation.
    await expect(t.signIn(email, "second-password-2")).rejects.toThrow(/401/);
    expect((await portal.session(await t.signIn(email, "first-password-1"))).json()).toEqual(
      expected,
    );
  });

  it("sets no password for a staff member's address, answering as for any sign-in", async () => {
    const client = await newClient();
    const member = await buildStaff(t.database.db, firm);
    const contact = await newContact(client, { email: member.email });
    const token = await invited(client, contact, await newInviter());

    const response = await portal.accept(token);
    expect(response.statusCode).toBe(409);
    // Nothing says whose sign-in it is: the answer is the one a contact's address gets.
    expect(response.json()).toEqual(signInToAccept);
    expect(response.headers["set-cookie"]).toBeUndefined();
    expect(await stateOf(token)).toMatchObject({ state: "valid" });
    expect(await statusOf(contact)).toBe("invited");
    // The staff member's own password is untouched, and PORTAL_PASSWORD does not work.
    await t.signIn(member.email);
    await expect(t.signIn(member.email, PORTAL_PASSWORD)).rejects.toThrow(/401/);
    // A staff session cannot accept it either.
    const asStaff = await portal.acceptSignedIn(token, await t.signIn(member.email));
    expect(asStaff.statusCode).toBe(403);
    expect(await statusOf(contact)).toBe("invited");
  });
});

describe("renewing an expired invitation", () => {
  it("mails a new link to the contact's own address; the old one stays dead", async () => {
    const client = await newClient();
    const contact = await newContact(client, { name: "Rene Renew" });
    const old = await invited(client, contact, await newInviter());
    await expireInvitationsOf(contact);

    const response = await t.request({
      method: "POST",
      url: `/api/portal/invitations/${old}/renewal`,
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ requested: true });

    const mails = await outboxTo(emailOf(contact));
    expect(mails).toHaveLength(2);
    const [newest] = mails as [OutboxMail];
    expect(newest).toMatchObject({
      kind: "invitation",
      to: contact.email,
      subject: "Access Firm invited you to their client portal",
    });
    const renewed = linkIn(newest).token;
    expect(renewed).not.toBe(old);
    expect(await stateOf(renewed)).toEqual({
      state: "valid",
      contactName: "Rene Renew",
      email: contact.email,
      firmName: "Access Firm",
    });
    expect(await stateOf(old)).toEqual({ state: "invalid", firmName: null });
    expect((await portal.accept(old)).statusCode).toBe(410);
    expect((await portal.accept(renewed)).statusCode).toBe(200);
  });

  it("mails nothing once the contact had 5 invitations this hour", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const cookie = await newInviter();
    let token = "";
    for (let n = 0; n < 5; n++) token = await invited(client, contact, cookie);
    await expireInvitationsOf(contact);

    const response = await t.request({
      method: "POST",
      url: `/api/portal/invitations/${token}/renewal`,
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ requested: true });
    expect(await outboxTo(emailOf(contact))).toHaveLength(5);
    expect(await stateOf(token)).toEqual({ state: "expired", firmName: "Access Firm" });
  });

  it("answers 202 and mails nothing for a used, a still valid or an unknown link", async () => {
    const client = await newClient();
    const used = await newContact(client);
    const pending = await newContact(client);
    const cookie = await newInviter();
    const usedToken = await invited(client, used, cookie);
    expect((await portal.accept(usedToken)).statusCode).toBe(200);
    const pendingToken = await invited(client, pending, cookie);
    const before = await outbox();

    for (const token of [usedToken, pendingToken, "y".repeat(43)]) {
      const response = await t.request({
        method: "POST",
        url: `/api/portal/invitations/${token}/renewal`,
      });
      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual({ requested: true });
    }
    expect(await outbox()).toEqual(before);
    expect(await stateOf(pendingToken)).toMatchObject({ state: "valid" });
    expect(await stateOf(usedToken)).toMatchObject({ state: "used" });
  });
});

describe("revoking portal access", () => {
  it("ends the contact's session, closes their socket and kills their link at once", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const colleague = await newContact(client);
    const cookie = await newInviter();
    const token = await invited(client, contact, cookie);
    const accepted = await portal.accept(token);
    const contactCookie = sessionCookieOf(accepted.headers["set-cookie"]);
    const colleagueCookie = await portal.grantAccess(client, colleague, cookie);
    const socket = await openSocket(origin, contactCookie);
    sockets.add(socket);
    const colleagueSocket = await openSocket(origin, colleagueCookie);
    sockets.add(colleagueSocket);
    expect((await portal.session(contactCookie)).statusCode).toBe(200);

    const response = await portal.revoke(client.id, contact.id, cookie);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: contact.id,
      clientId: client.id,
      name: contact.name,
      email: contact.email,
      portalStatus: "revoked",
      former: false,
    });
    expect(await statusOf(contact)).toBe("revoked");

    await socket.waitFor((frame) => frame.type === "access.revoked", "access.revoked");
    expect(await socket.closed).toEqual({ code: 4403, reason: "access revoked" });
    // Which firm ended the access comes first, so the sign-in page can say whom to ask.
    expect(socket.raw).toEqual([
      JSON.stringify({ type: "ready" }),
      JSON.stringify({ type: "access.ended", firmName: firm.name }),
      '{"type":"access.revoked"}',
    ]);

    const session = await portal.session(contactCookie);
    expect(session.statusCode).toBe(401);
    expect(session.json()).toEqual(unauthenticated);
    expect((await contactApi.listConversationsResponse(client.id, contactCookie)).statusCode).toBe(
      401,
    );
    expect(await refusedUpgrade(origin, contactCookie)).toBe(401);
    const signedInAgain = await t.signIn(emailOf(contact), PORTAL_PASSWORD);
    expect((await portal.session(signedInAgain)).json().clients).toEqual([]);
    expect((await contactApi.listConversationsResponse(client.id, signedInAgain)).statusCode).toBe(
      404,
    );

    expect(await stateOf(token)).toEqual({ state: "invalid", firmName: "Access Firm" });
    expect((await portal.accept(token)).statusCode).toBe(410);

    // The colleague keeps access and an open socket.
    expect((await portal.session(colleagueCookie)).statusCode).toBe(200);
    expect(colleagueSocket.socket.readyState).toBe(colleagueSocket.socket.OPEN);
  });

  it("kills a pending invitation link", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const cookie = await newInviter();
    const token = await invited(client, contact, cookie);

    const response = await portal.revoke(client.id, contact.id, cookie);
    expect(response.statusCode).toBe(200);
    expect(response.json().portalStatus).toBe("revoked");
    expect((await stateOf(token)).state).toBe("invalid");
    expect((await portal.accept(token)).statusCode).toBe(410);
    expect(await statusOf(contact)).toBe("revoked");
  });

  it("leaves a person's access through another client, after they sign in again", async () => {
    const email = `two-${unique()}@example.test`;
    const kept = await newClient(`Kept ${unique()}`);
    const lost = await newClient(`Lost ${unique()}`);
    const atKept = await newContact(kept, { email });
    const atLost = await newContact(lost, { email });
    const cookie = await newInviter();
    const contactCookie = await portal.grantAccess(kept, atKept, cookie);
    await portal.grantMoreAccess(lost, atLost, cookie, contactCookie);
    expect((await portal.session(contactCookie)).json().clients).toHaveLength(2);

    expect((await portal.revoke(lost.id, atLost.id, cookie)).statusCode).toBe(200);
    expect((await portal.session(contactCookie)).statusCode).toBe(401);

    const again = await t.signIn(email, PORTAL_PASSWORD);
    expect((await portal.session(again)).json().clients).toEqual([
      { clientId: kept.id, clientName: kept.name, contactId: atKept.id, firmName: firm.name },
    ]);
    expect((await contactApi.listConversationsResponse(lost.id, again)).statusCode).toBe(404);
    expect(await statusOf(atKept)).toBe("active");
  });

  it("can be undone by a new invitation", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const cookie = await newInviter();
    await portal.grantAccess(client, contact, cookie);
    expect((await portal.revoke(client.id, contact.id, cookie)).statusCode).toBe(200);

    // Their sign-in still exists: they sign in with it and accept the new invitation.
    const contactCookie = await t.signIn(emailOf(contact), PORTAL_PASSWORD);
    expect((await portal.session(contactCookie)).json().clients).toEqual([]);
    await portal.grantMoreAccess(client, contact, cookie, contactCookie);
    expect((await portal.session(contactCookie)).json().clients).toEqual([
      expect.objectContaining({ clientId: client.id, contactId: contact.id }),
    ]);
    expect(await statusOf(contact)).toBe("active");
  });

  it("changes nothing for a contact who never had access", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const response = await portal.revoke(client.id, contact.id, await newInviter());
    expect(response.statusCode).toBe(200);
    expect(response.json().portalStatus).toBe("none");
    expect(await statusOf(contact)).toBe("none");
  });
});

describe("staff hear portal access changes live", () => {
  it("as the contact is invited, accepts and is revoked; another firm hears nothing", async () => {
    const client = await newClient();
    const contact = await newContact(client);
    const cookie = await newInviter();
    const colleagueSocket = await openSocket(origin, await newInviter());
    sockets.add(colleagueSocket);
    const otherFirmSocket = await openSocket(origin, otherOwnerCookie);
    sockets.add(otherFirmSocket);
    const changed = {
      type: "contact.changed",
      data: { clientId: client.id, contactId: contact.id },
    };
    const isChange = (frame: { type: string }) => frame.type === "contact.changed";

    const token = await invited(client, contact, cookie);
    await colleagueSocket.waitFor(isChange, "the invitation");
    expect((await portal.accept(token)).statusCode).toBe(200);
    await expect.poll(() => colleagueSocket.frames.filter(isChange).length).toBe(2);
    expect((await portal.revoke(client.id, contact.id, cookie)).statusCode).toBe(200);
    await expect.poll(() => colleagueSocket.frames.filter(isChange).length).toBe(3);
    expect(colleagueSocket.frames.filter(isChange)).toEqual([changed, changed, changed]);

    // The other firm's socket is alive (it hears its own firm) but heard none of ours.
    const theirs = await buildContact(t.database.db, otherClient);
    await portal.invite(otherClient.id, theirs.id, otherOwnerCookie);
    await otherFirmSocket.waitFor(isChange, "their own firm's change");
    expect(otherFirmSocket.frames.filter(isChange)).toEqual([
      { type: "contact.changed", data: { clientId: otherClient.id, contactId: theirs.id } },
    ]);
  });
});

describe("the portal API for staff", () => {
  it("answers 403 to a staff session on every portal route", async () => {
    const client = await newClient();
    const anyId = crypto.randomUUID();
    const requests = [
      { method: "GET" as const, url: "/api/portal/session" },
      { method: "GET" as const, url: `/api/portal/clients/${client.id}/conversations` },
      { method: "GET" as const, url: `/api/portal/conversations/${anyId}/messages` },
      {
        method: "POST" as const,
        url: `/api/portal/conversations/${anyId}/messages`,
        payload: { id: anyId, body: { type: "doc", content: [] } },
      },
      { method: "PATCH" as const, url: `/api/portal/messages/${anyId}`, payload: {} },
      { method: "DELETE" as const, url: `/api/portal/messages/${anyId}` },
      { method: "POST" as const, url: `/api/portal/conversations/${anyId}/read`, payload: {} },
    ];
    for (const request of requests) {
      for (const cookie of [ownerCookie, memberCookie]) {
        const response = await t.request({ ...request, cookie });
        expect(response.statusCode, `${request.method} ${request.url}`).toBe(403);
        expect(response.json()).toEqual(contactsOnly);
      }
      const anonymous = await t.request(request);
      expect(anonymous.statusCode).toBe(401);
    }
  });
});
