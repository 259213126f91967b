import { and, desc, eq } from "drizzle-orm";
import { expect } from "vitest";
import { mailOutbox } from "../src/server/db/schema.js";
import type { StaffRole } from "../src/shared/api/session.js";
import type { PendingStaffInvitation, StaffMember } from "../src/shared/api/team.js";
import { nextClientIp, sessionCookieOf, type TestApp } from "./app.js";

/** A password that meets every rule, for teammates accepting an invitation. */
export const TEAM_PASSWORD = "teammate-password-789";

/** The token of a teammate's invitation link in a mail's text. */
export function staffInvitationTokenIn(text: string, publicUrl: string): string {
  const escaped = publicUrl.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`${escaped}/team/invitation/([A-Za-z0-9_-]+)`).exec(text);
  if (!match?.[1]) throw new Error(`no teammate invitation link in: ${text}`);
  return match[1];
}

/** The Team API as a signed-in staff member calls it. */
export function teamApi(t: TestApp) {
  const list = (cookie: string) => t.request({ method: "GET", url: "/api/team/staff", cookie });
  const invite = (
    cookie: string,
    body: { name: string; email: string; role: StaffRole | string },
  ) => t.request({ method: "POST", url: "/api/team/invitations", cookie, payload: body });
  const resend = (cookie: string, invitationId: string) =>
    t.request({ method: "POST", url: `/api/team/invitations/${invitationId}/resend`, cookie });
  const revoke = (cookie: string, invitationId: string) =>
    t.request({ method: "DELETE", url: `/api/team/invitations/${invitationId}`, cookie });
  const changeRole = (cookie: string, staffId: string, role: StaffRole) =>
    t.request({
      method: "PUT",
      url: `/api/team/staff/${staffId}/role`,
      cookie,
      payload: { role },
    });
  const deactivate = (cookie: string, staffId: string) =>
    t.request({ method: "POST", url: `/api/team/staff/${staffId}/deactivate`, cookie });
  const reactivate = (cookie: string, staffId: string) =>
    t.request({ method: "POST", url: `/api/team/staff/${staffId}/reactivate`, cookie });
  const describe = (token: string) =>
    t.request({ method: "GET", url: `/api/staff-invitations/${token}` });
  const accept = (token: string, password: string = TEAM_PASSWORD) =>
    t.request({
      method: "POST",
      url: `/api/staff-invitations/${token}/accept`,
      headers: { "x-forwarded-for": nextClientIp() },
      payload: { password },
    });

  /** The token of the newest invitation mailed to `address`. */
  const latestToken = async (address: string) => {
    const [mail] = await t.database.db
      .select()
      .from(mailOutbox)
      .where(and(eq(mailOutbox.toAddress, address), eq(mailOutbox.kind, "invitation")))
      .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
      .limit(1);
    if (!mail) throw new Error(`no invitation mailed to ${address}`);
    return staffInvitationTokenIn(mail.textBody, t.config.publicUrl);
  };

  /** Invites (asserting 201) and returns the pending invitation. */
  const invited = async (
    cookie: string,
    body: { name: string; email: string; role: StaffRole },
  ) => {
    const response = await invite(cookie, body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as PendingStaffInvitation;
  };

  /** Invites someone and accepts as them; returns their session cookie. */
  const join = async (cookie: string, body: { name: string; email: string; role: StaffRole }) => {
    await invited(cookie, body);
    const accepted = await accept(await latestToken(body.email));
    expect(accepted.statusCode, accepted.body).toBe(200);
    return sessionCookieOf(accepted.headers["set-cookie"]);
  };

  const members = async (cookie: string) => {
    const response = await list(cookie);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { members: StaffMember[]; invitations: PendingStaffInvitation[] };
  };

  /** Who the @mention suggestions offer to `cookie`. */
  const mentionable = async (cookie: string) => {
    const response = await t.request({ method: "GET", url: "/api/team", cookie });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { members: { id: string; name: string }[] }).members;
  };

  return {
    list,
    invite,
    resend,
    revoke,
    changeRole,
    deactivate,
    reactivate,
    describe,
    accept,
    latestToken,
    invited,
    join,
    members,
    mentionable,
  };
}
