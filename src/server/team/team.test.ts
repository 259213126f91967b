/**
 * Team rules, each tried against: roles (owner, admin, member), a firm always keeping an active
 * owner, deactivation ending access at once, and tenancy with a second firm present.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, nextClientIp, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildFirm,
  buildStaff,
  TEST_PASSWORD,
  type TestFirm,
  type TestStaff,
} from "../../../test/factories.js";
import { messagingApi } from "../../../test/messaging.js";
import { listen, openSocket, type SocketListener } from "../../../test/portal.js";
import { teamApi } from "../../../test/team.js";

let t: TestApp;
let team: ReturnType<typeof teamApi>;
let firm: TestFirm;
let otherFirm: TestFirm;
let owner: TestStaff;
let ownerCookie: string;
let adminCookie: string;
let memberCookie: string;
let member: TestStaff;
let admin: TestStaff;
let otherOwner: TestStaff;
let otherOwnerCookie: string;

beforeAll(async () => {
  t = await createTestApp();
  team = teamApi(t);
  const db = t.database.db;
  firm = await buildFirm(db, "Team Firm");
  otherFirm = await buildFirm(db, "Other Firm");
  owner = await buildStaff(db, firm, { role: "owner", name: "Olga Owner" });
  admin = await buildStaff(db, firm, { role: "admin", name: "Adam Admin" });
  member = await buildStaff(db, firm, { role: "member", name: "Mia Member" });
  otherOwner = await buildStaff(db, otherFirm, { role: "owner", name: "Oscar Other" });
  ownerCookie = await t.signIn(owner.email);
  adminCookie = await t.signIn(admin.email);
  memberCookie = await t.signIn(member.email);
  otherOwnerCookie = await t.signIn(otherOwner.email);
});
afterAll(() => t.close());

const sockets = new Set<SocketListener>();
afterEach(() => {
  for (const listener of sockets) listener.socket.terminate();
  sockets.clear();
});

describe("who sees the Team and the Outbox", () => {
  it("owners and admins list the team and read the outbox; members get 403 and no links", async () => {
    for (const cookie of [ownerCookie, adminCookie]) {
      expect((await team.list(cookie)).statusCode).toBe(200);
      const outbox = await t.request({ method: "GET", url: "/api/outbox", cookie });
      expect(outbox.statusCode).toBe(200);
      const session = await t.request({ method: "GET", url: "/api/session", cookie });
      expect(session.json().can).toMatchObject({ readOutbox: true, manageTeam: true });
    }
    const session = await t.request({ method: "GET", url: "/api/session", cookie: memberCookie });
    expect(session.json().can).toMatchObject({
      readOutbox: false,
      manageTeam: false,
      manageFirm: false,
    });
    for (const response of [
      await team.list(memberCookie),
      await t.request({ method: "GET", url: "/api/outbox", cookie: memberCookie }),
      await team.invite(memberCookie, { name: "X", email: "x@example.test", role: "member" }),
      await team.changeRole(memberCookie, admin.id, "member"),
      await team.deactivate(memberCookie, admin.id),
      await t.request({
        method: "PUT",
        url: "/api/firm",
        cookie: memberCookie,
        payload: { name: "Renamed" },
      }),
    ]) {
      expect(response.statusCode, response.body).toBe(403);
    }
  });

  it("lists this firm's staff only, with name, e-mail, role, status and two-factor", async () => {
    const { members } = await team.members(adminCookie);
    expect(members.map((person) => person.email).sort()).toEqual(
      [owner.email, admin.email, member.email].sort(),
    );
    expect(members.find((person) => person.id === owner.id)).toEqual({
      id: owner.id,
      name: "Olga Owner",
      email: owner.email,
      role: "owner",
      status: "active",
      twoFactorEnabled: false,
      isYou: false,
    });
    expect(members.find((person) => person.id === admin.id)?.isYou).toBe(true);
  });
});

describe("roles", () => {
  it("only an owner makes or unmakes owners; admins manage admins and members", async () => {
    const db = t.database.db;
    const helper = await buildStaff(db, firm, { role: "member" });
    const secondAdmin = await buildStaff(db, firm, { role: "admin" });

    expect((await team.changeRole(adminCookie, helper.id, "owner")).statusCode).toBe(403);
    expect((await team.changeRole(adminCookie, owner.id, "admin")).statusCode).toBe(403);
    expect((await team.deactivate(adminCookie, owner.id)).statusCode).toBe(403);

    const promoted = await team.changeRole(adminCookie, helper.id, "admin");
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect(promoted.json()).toMatchObject({ id: helper.id, role: "admin" });
    const demoted = await team.changeRole(adminCookie, secondAdmin.id, "member");
    expect(demoted.json()).toMatchObject({ role: "member" });
    expect((await team.deactivate(adminCookie, helper.id)).statusCode).toBe(200);
    expect((await team.reactivate(adminCookie, helper.id)).statusCode).toBe(200);

    // Invitations follow the same rule: the Team page invites admins and members only.
    const ownerInvite = await team.invite(ownerCookie, {
      name: "New Owner",
      email: `owner-${crypto.randomUUID()}@example.test`,
      role: "owner",
    });
    expect(ownerInvite.statusCode).toBe(400);
    const adminInvite = await team.invite(adminCookie, {
      name: "New Admin",
      email: `admin-${crypto.randomUUID()}@example.test`,
      role: "admin",
    });
    expect(adminInvite.statusCode, adminInvite.body).toBe(201);
  });

  it("a firm always keeps an active owner; an owner hands ownership over and steps down", async () => {
    const db = t.database.db;
    const soloFirm = await buildFirm(db, "Solo Firm");
    const solo = await buildStaff(db, soloFirm, { role: "owner" });
    const heir = await buildStaff(db, soloFirm, { role: "admin" });
    const soloCookie = await t.signIn(solo.email);
    const heirCookie = await t.signIn(heir.email);

    const stepDown = await team.changeRole(soloCookie, solo.id, "admin");
    expect(stepDown.statusCode).toBe(409);
    expect(stepDown.json().error.code).toBe("last_owner");
    expect((await team.deactivate(soloCookie, solo.id)).statusCode).toBe(403);

    // Hand over: make the admin an owner, then step down.
    expect((await team.changeRole(soloCookie, heir.id, "owner")).statusCode).toBe(200);
    expect((await team.changeRole(soloCookie, solo.id, "member")).statusCode).toBe(200);
    const session = await t.request({ method: "GET", url: "/api/session", cookie: soloCookie });
    expect(session.json()).toMatchObject({ role: "member", can: { manageTeam: false } });
    expect((await team.changeRole(soloCookie, solo.id, "owner")).statusCode).toBe(403);

    // The new owner is now the last one: they cannot step down, and a deactivated owner does
    // not count as the one that remains.
    const second = await buildStaff(db, soloFirm, { role: "owner" });
    expect((await team.deactivate(heirCookie, second.id)).statusCode).toBe(200);
    const heirDown = await team.changeRole(heirCookie, heir.id, "admin");
    expect(heirDown.statusCode).toBe(409);
  });

  it("nobody deactivates themselves", async () => {
    for (const [person, cookie] of [
      [owner, ownerCookie],
      [admin, adminCookie],
    ] as const) {
      const response = await team.deactivate(cookie, person.id);
      expect(response.statusCode).toBe(403);
      expect(response.json().error.message).toMatch(/cannot deactivate yourself/);
    }
  });

  it("no team action reaches another firm's staff or invitations (404)", async () => {
    const pending = await team.invited(otherOwnerCookie, {
      name: "Pending Elsewhere",
      email: `elsewhere-${crypto.randomUUID()}@example.test`,
      role: "member",
    });
    for (const response of [
      await team.changeRole(ownerCookie, otherOwner.id, "member"),
      await team.deactivate(ownerCookie, otherOwner.id),
      await team.reactivate(ownerCookie, otherOwner.id),
      await team.resend(ownerCookie, pending.id),
      await team.revoke(ownerCookie, pending.id),
    ]) {
      expect(response.statusCode, response.body).toBe(404);
    }
    const { members } = await team.members(otherOwnerCookie);
    expect(members.find((person) => person.id === otherOwner.id)).toMatchObject({
      role: "owner",
      status: "active",
    });
  });
});

describe("deactivation", () => {
  it("ends sessions and sockets at once, refuses sign-in, keeps the name on messages, hides from mentions", async () => {
    const db = t.database.db;
    const leaving = await buildStaff(db, firm, { role: "member", name: "Lee Leaving" });
    const cookie = await t.signIn(leaving.email);
    const origin = await listen(t);
    const socket = await openSocket(origin, cookie);
    sockets.add(socket);
    const api = messagingApi(t);
    const client = await buildClient(db, firm);
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, ownerCookie);
    const written = await api.send(thread.id, "Written before leaving", cookie);
    expect((await team.mentionable(ownerCookie)).map((person) => person.id)).toContain(leaving.id);

    const deactivated = await team.deactivate(adminCookie, leaving.id);
    expect(deactivated.statusCode, deactivated.body).toBe(200);
    expect(deactivated.json()).toMatchObject({ id: leaving.id, status: "deactivated" });

    expect(await socket.closed).toEqual({ code: 4403, reason: "access revoked" });
    const oldCookie = await t.request({ method: "GET", url: "/api/session", cookie });
    expect(oldCookie.statusCode).toBe(401);
    const signIn = await t.request({
      method: "POST",
      url: "/api/auth/sign-in/email",
      headers: { "x-forwarded-for": nextClientIp() },
      payload: { email: leaving.email, password: TEST_PASSWORD },
    });
    expect(signIn.statusCode).toBe(403);
    expect(String(signIn.headers["set-cookie"] ?? "")).not.toMatch(/session_token=[^;]/);
    expect(signIn.json().error.message).toMatch(/deactivated/);

    const page = await api.listMessages(thread.id, ownerCookie);
    expect(page.messages.find((message) => message.id === written.id)?.author).toMatchObject({
      name: "Lee Leaving",
    });
    expect((await team.mentionable(ownerCookie)).map((person) => person.id)).not.toContain(
      leaving.id,
    );
    const { members } = await team.members(ownerCookie);
    expect(members.find((person) => person.id === leaving.id)?.status).toBe("deactivated");

    // Reactivated, they sign in again and are offered as a mention again.
    expect((await team.reactivate(ownerCookie, leaving.id)).statusCode).toBe(200);
    const again = await t.signIn(leaving.email);
    expect(
      (await t.request({ method: "GET", url: "/api/session", cookie: again })).statusCode,
    ).toBe(200);
    expect((await team.mentionable(ownerCookie)).map((person) => person.id)).toContain(leaving.id);
  });
});

describe("firm settings", () => {
  it("owners and admins rename the firm; the session and the other firm see their own name", async () => {
    const renamed = await t.request({
      method: "PUT",
      url: "/api/firm",
      cookie: adminCookie,
      payload: { name: "Team Firm & Partners" },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toEqual({ id: firm.id, name: "Team Firm & Partners" });
    const session = await t.request({ method: "GET", url: "/api/session", cookie: memberCookie });
    expect(session.json().firm.name).toBe("Team Firm & Partners");
    const other = await t.request({ method: "GET", url: "/api/session", cookie: otherOwnerCookie });
    expect(other.json().firm.name).toBe("Other Firm");
    const empty = await t.request({
      method: "PUT",
      url: "/api/firm",
      cookie: ownerCookie,
      payload: { name: "  " },
    });
    expect(empty.statusCode).toBe(400);
  });
});
