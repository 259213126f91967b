/**
 * Teammate invitations share the portal invitations' links: single use, 7 days, hashed,
 * hourly limits, resend and revoke; and an invitation never sets an existing sign-in's password.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, sessionCookieOf, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  TEST_PASSWORD,
  type TestFirm,
} from "../../../test/factories.js";
import { portalApi } from "../../../test/portal.js";
import { TEAM_PASSWORD, teamApi } from "../../../test/team.js";
import { createPasswordUser, hashPassword } from "../auth/accounts.js";
import { hashLinkToken } from "../auth/tokens.js";
import { portalInvitations } from "../db/schema.js";

let t: TestApp;
let team: ReturnType<typeof teamApi>;
let firm: TestFirm;
let ownerCookie: string;
let otherOwnerCookie: string;

const newAddress = () => `teammate-${crypto.randomUUID()}@example.test`;

beforeAll(async () => {
  t = await createTestApp();
  team = teamApi(t);
  firm = await buildFirm(t.database.db, "Invite Firm");
  const otherFirm = await buildFirm(t.database.db, "Elsewhere Firm");
  ownerCookie = await t.signIn((await buildStaff(t.database.db, firm, { role: "owner" })).email);
  otherOwnerCookie = await t.signIn(
    (await buildStaff(t.database.db, otherFirm, { role: "owner" })).email,
  );
});
afterAll(() => t.close());

describe("inviting a teammate", () => {
  it("mails a link; accepting signs them in as staff of the firm, offered as a mention at once", async () => {
    const email = newAddress();
    const pending = await team.invited(ownerCookie, { name: "Nina New", email, role: "admin" });
    expect(pending).toMatchObject({ name: "Nina New", email, role: "admin", expired: false });
    expect((await team.members(ownerCookie)).invitations.map((row) => row.id)).toContain(
      pending.id,
    );
    // The other firm sees nothing of it.
    expect((await team.members(otherOwnerCookie)).invitations).toEqual([]);

    const token = await team.latestToken(email);
    const stored = await t.database.db
      .select()
      .from(portalInvitations)
      .where(eq(portalInvitations.id, pending.id));
    expect(stored[0]?.tokenHash).toBe(hashLinkToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);

    expect((await team.describe(token)).json()).toEqual({
      state: "valid",
      name: "Nina New",
      email,
      role: "admin",
      firmName: "Invite Firm",
    });
    const accepted = await team.accept(token);
    expect(accepted.statusCode, accepted.body).toBe(200);
    const cookie = sessionCookieOf(accepted.headers["set-cookie"]);
    const session = await t.request({ method: "GET", url: "/api/session", cookie });
    expect(session.json()).toMatchObject({
      name: "Nina New",
      email,
      role: "admin",
      firm: { id: firm.id, name: "Invite Firm" },
    });
    expect((await team.mentionable(ownerCookie)).map((person) => person.name)).toContain(
      "Nina New",
    );
    const listed = await team.members(ownerCookie);
    expect(listed.members.find((person) => person.email === email)?.status).toBe("active");
    expect(listed.invitations.map((row) => row.id)).not.toContain(pending.id);
  });

  it("a link works once: a second accept is refused and the page says it was used", async () => {
    const email = newAddress();
    await team.invited(ownerCookie, { name: "Once Only", email, role: "member" });
    const token = await team.latestToken(email);
    expect((await team.accept(token)).statusCode).toBe(200);
    const again = await team.accept(token, "another-password-1");
    expect(again.statusCode).toBe(410);
    expect((await team.describe(token)).json()).toEqual({
      state: "used",
      firmName: "Invite Firm",
    });
    // The password chosen first is still the one that signs in.
    await expect(t.signIn(email, "another-password-1")).rejects.toThrow();
    expect(await t.signIn(email, TEAM_PASSWORD)).toMatch(/session_token=/);
  });

  it("expires after 7 days", async () => {
    const email = newAddress();
    const pending = await team.invited(ownerCookie, { name: "Late Larry", email, role: "member" });
    const token = await team.latestToken(email);
    const [row] = await t.database.db
      .select({ expiresAt: portalInvitations.expiresAt, createdAt: portalInvitations.createdAt })
      .from(portalInvitations)
      .where(eq(portalInvitations.id, pending.id));
    expect((row?.expiresAt.getTime() ?? 0) - (row?.createdAt.getTime() ?? 0)).toBe(
      7 * 24 * 60 * 60 * 1000,
    );
    await t.database.db
      .update(portalInvitations)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(portalInvitations.id, pending.id));
    expect((await team.describe(token)).json()).toEqual({
      state: "expired",
      firmName: "Invite Firm",
    });
    expect((await team.accept(token)).statusCode).toBe(410);
    expect(
      (await team.members(ownerCookie)).invitations.find((r) => r.id === pending.id),
    ).toMatchObject({ expired: true });
  });

  it("resending replaces the link; revoking kills it and removes the invitation", async () => {
    const email = newAddress();
    const pending = await team.invited(ownerCookie, { name: "Re Sent", email, role: "member" });
    const first = await team.latestToken(email);
    const resent = await team.resend(ownerCookie, pending.id);
    expect(resent.statusCode, resent.body).toBe(200);
    const second = await team.latestToken(email);
    expect(second).not.toBe(first);
    expect((await team.describe(first)).json().state).toBe("invalid");
    expect((await team.accept(first)).statusCode).toBe(410);
    expect((await team.describe(second)).json().state).toBe("valid");

    const revoked = await team.revoke(ownerCookie, resent.json().id);
    expect(revoked.statusCode).toBe(204);
    expect((await team.describe(second)).json().state).toBe("invalid");
    expect((await team.accept(second)).statusCode).toBe(410);
    expect((await team.members(ownerCookie)).invitations.map((row) => row.email)).not.toContain(
      email,
    );
  });

  it("a second pending invitation to the same address is refused (409)", async () => {
    const email = newAddress();
    await team.invited(ownerCookie, { name: "Twice", email, role: "member" });
    const again = await team.invite(ownerCookie, { name: "Twice", email, role: "admin" });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("already_invited");
  });

  it("is limited per invitee each hour (429)", async () => {
    const email = newAddress();
    let pending = await team.invited(ownerCookie, { name: "Spammed", email, role: "member" });
    for (let sent = 1; sent < 5; sent++) {
      const resent = await team.resend(ownerCookie, pending.id);
      expect(resent.statusCode, resent.body).toBe(200);
      pending = resent.json();
    }
    const sixth = await team.resend(ownerCookie, pending.id);
    expect(sixth.statusCode).toBe(429);
  });
});

describe("an address that already signs in", () => {
  it("is refused at invitation (409), whether a contact's or another firm's staff", async () => {
    const db = t.database.db;
    const elsewhere = await buildStaff(db, await buildFirm(db), { role: "member" });
    const client = await buildClient(db, firm);
    const contact = await buildContact(db, client);
    await portalApi(t).grantAccess(client, contact, ownerCookie);
    for (const email of [elsewhere.email, contact.email ?? ""]) {
      const refused = await team.invite(ownerCookie, { name: "Someone", email, role: "member" });
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json().error.code).toBe("address_has_sign_in");
    }
  });

  it("never gets a password from an invitation accepted after the sign-in appeared", async () => {
    const db = t.database.db;
    const email = newAddress();
    await team.invited(ownerCookie, { name: "Raced", email, role: "member" });
    const token = await team.latestToken(email);
    // The same address gets a sign-in meanwhile (another firm made it a teammate).
    await createPasswordUser(db, {
      name: "Raced Elsewhere",
      email,
      kind: "staff",
      passwordHash: await hashPassword(TEST_PASSWORD),
    });
    const accepted = await team.accept(token, "attacker-password-1");
    expect(accepted.statusCode).toBe(409);
    await expect(t.signIn(email, "attacker-password-1")).rejects.toThrow();
    expect((await team.describe(token)).json().state).toBe("valid");
  });
});
