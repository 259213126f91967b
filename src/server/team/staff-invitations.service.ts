import { and, eq, sql } from "drizzle-orm";
import type { StaffRole } from "../../shared/api/session.js";
import type { PendingStaffInvitation, StaffInvitationState } from "../../shared/api/team.js";
import { createPasswordUser, hashPassword } from "../auth/accounts.js";
import {
  checkInvitationLimits,
  findInvitationLink,
  invitationLinkState,
  invitationNoLongerWorks,
  issueInvitationLink,
  retireInvitationLinks,
  spendInvitationLink,
} from "../auth/invitation-links.js";
import type { StaffPrincipal } from "../auth/principal-types.js";
import type { InvitationMailing } from "../clients/portal-access.service.js";
import type { Database, Queryable } from "../db/connect.js";
import { isUniqueViolation } from "../db/errors.js";
import { firms, portalInvitations, staff, user } from "../db/schema.js";
import { AppError, notFound } from "../http/errors.js";
import { enqueueMail } from "../mail/outbox.js";
import { staffInvitationMail } from "../mail/templates.js";
import { authorizeTeamChange } from "./policy.js";
import { pendingStaffInvitations, toPendingInvitation } from "./team.service.js";

/*
 * Teammate invitations use the same links as portal invitations (invitation-links.ts). An
 * invitation never sets the password of an existing sign-in: an address that already signs in
 * (as staff of any firm, or as anyone's contact) is refused with 409.
 */

/** The link a teammate's invitation e-mail carries. */
export const staffInvitationUrl = (publicUrl: string, token: string) =>
  `${publicUrl}/team/invitation/${token}`;

const addressHasSignIn = () =>
  new AppError(
    "address_has_sign_in",
    409,
    "This address already has a Portico sign-in, so it cannot join the team through an invitation. Use another address.",
  );

const alreadyInvited = (email: string) =>
  new AppError(
    "already_invited",
    409,
    `${email} already has a pending invitation. Resend it from the team list instead.`,
  );

async function hasSignIn(db: Queryable, email: string) {
  const [found] = await db
    .select({ id: user.id })
    .from(user)
    .where(eq(user.email, email.toLowerCase()));
  return found !== undefined;
}

const sameInvitee = (firmId: string, email: string) =>
  and(
    eq(portalInvitations.firmId, firmId),
    sql`lower(${portalInvitations.staffEmail}) = ${email.toLowerCase()}`,
  );

/**
 * Writes a teammate's invitation link and its e-mail (to the outbox) in the caller's
 * transaction; returns the link, for a caller that prints it (the firm:create command).
 */
export async function writeStaffInvitation(
  tx: Queryable,
  input: {
    firm: { id: string; name: string };
    inviter: { staffId: string; name: string } | null;
    invitee: { name: string; email: string; role: StaffRole };
    mail: InvitationMailing;
  },
) {
  const firmCanReadLink = !input.mail.smtpConfigured;
  const { token, id } = await issueInvitationLink(tx, {
    firmId: input.firm.id,
    invitedByStaffId: input.inviter?.staffId ?? null,
    firmCanReadLink,
    invitee: {
      staffName: input.invitee.name,
      staffEmail: input.invitee.email.toLowerCase(),
      staffRole: input.invitee.role,
    },
  });
  const url = staffInvitationUrl(input.mail.publicUrl, token);
  await enqueueMail(tx, {
    firmId: input.firm.id,
    kind: "invitation",
    to: input.invitee.email,
    firmCanReadLink,
    content: staffInvitationMail({
      name: input.invitee.name,
      firmName: input.firm.name,
      inviterName: input.inviter?.name ?? null,
      role: input.invitee.role,
      url,
    }),
  });
  return { id, url };
}

async function sendStaffInvitation(
  db: Database,
  input: {
    principal: StaffPrincipal;
    mail: InvitationMailing;
    invitee: { name: string; email: string; role: StaffRole };
    replacing?: string;
  },
): Promise<PendingStaffInvitation> {
  const { principal, invitee } = input;
  if (await hasSignIn(db, invitee.email)) throw addressHasSignIn();
  await checkInvitationLimits(db, {
    inviterStaffId: principal.staffId,
    invitee: sameInvitee(principal.firmId, invitee.email) ?? sql`false`,
  });
  try {
    const { id } = await db.transaction(async (tx) => {
      if (input.replacing)
        await retireInvitationLinks(tx, eq(portalInvitations.id, input.replacing));
      return writeStaffInvitation(tx, {
        firm: { id: principal.firmId, name: principal.firmName },
        inviter: { staffId: principal.staffId, name: principal.name },
        invitee,
        mail: input.mail,
      });
    });
    const [row] = await db.select().from(portalInvitations).where(eq(portalInvitations.id, id));
    if (!row) throw new Error("the invitation just written was not found");
    return toPendingInvitation(row);
  } catch (error) {
    if (isUniqueViolation(error, "portal_invitations_pending_staff_unique")) {
      throw alreadyInvited(invitee.email);
    }
    throw error;
  }
}

/** Invites a teammate: an e-mail with a single-use link goes to the outbox. */
export function inviteStaff(
  db: Database,
  input: {
    principal: StaffPrincipal;
    mail: InvitationMailing;
    invitee: { name: string; email: string; role: StaffRole };
  },
): Promise<PendingStaffInvitation> {
  authorizeTeamChange(input.principal, { kind: "invite", role: input.invitee.role });
  return sendStaffInvitation(db, input);
}

/** A pending invitation of the principal's firm, or 404. */
async function findPending(db: Queryable, principal: StaffPrincipal, invitationId: string) {
  const [row] = await db
    .select()
    .from(portalInvitations)
    .where(and(eq(portalInvitations.id, invitationId), pendingStaffInvitations(principal.firmId)));
  if (!row?.staffEmail || !row.staffName || !row.staffRole) throw notFound("Invitation");
  return { ...row, staffEmail: row.staffEmail, staffName: row.staffName, staffRole: row.staffRole };
}

/** Sends a fresh link for a pending invitation; the earlier link stops working. */
export async function resendStaffInvitation(
  db: Database,
  input: { principal: StaffPrincipal; mail: InvitationMailing; invitationId: string },
): Promise<PendingStaffInvitation> {
  const pending = await findPending(db, input.principal, input.invitationId);
  authorizeTeamChange(input.principal, { kind: "invite", role: pending.staffRole });
  return sendStaffInvitation(db, {
    principal: input.principal,
    mail: input.mail,
    invitee: { name: pending.staffName, email: pending.staffEmail, role: pending.staffRole },
    replacing: pending.id,
  });
}

/** Withdraws a pending invitation: its link stops working. */
export async function revokeStaffInvitation(
  db: Database,
  input: { principal: StaffPrincipal; invitationId: string },
): Promise<void> {
  const pending = await findPending(db, input.principal, input.invitationId);
  authorizeTeamChange(input.principal, { kind: "invite", role: pending.staffRole });
  await retireInvitationLinks(db, eq(portalInvitations.id, pending.id));
}

/** What a teammate's invitation page shows: who is invited, or why the link no longer works. */
export async function describeStaffInvitation(
  db: Database,
  token: string,
): Promise<StaffInvitationState> {
  const link = await findInvitationLink(db, token);
  if (!link?.staffEmail || !link.staffName || !link.staffRole) {
    return { state: "invalid", firmName: null };
  }
  const [firm] = await db.select({ name: firms.name }).from(firms).where(eq(firms.id, link.firmId));
  const firmName = firm?.name ?? null;
  const state = invitationLinkState(link);
  if (!firmName) return { state: "invalid", firmName };
  if (state !== "valid") return { state, firmName };
  return { state, name: link.staffName, email: link.staffEmail, role: link.staffRole, firmName };
}

/**
 * Joins the firm with the password the person chose: creates their sign-in and their staff
 * record, and spends the link. Returns the e-mail to sign in with and the firm.
 */
export async function acceptStaffInvitation(
  db: Database,
  token: string,
  password: string,
): Promise<{ email: string; firmId: string }> {
  const link = await findInvitationLink(db, token);
  if (!link?.staffEmail || invitationLinkState(link) !== "valid") throw invitationNoLongerWorks();
  if (await hasSignIn(db, link.staffEmail)) throw addressHasSignIn();
  const passwordHash = await hashPassword(password);
  try {
    return await db.transaction(async (tx) => {
      const spent = await spendInvitationLink(tx, token);
      if (!spent.staffEmail || !spent.staffName || !spent.staffRole) {
        throw invitationNoLongerWorks();
      }
      const userId = await createPasswordUser(tx, {
        name: spent.staffName,
        email: spent.staffEmail,
        kind: "staff",
        passwordHash,
      });
      await tx.insert(staff).values({ firmId: spent.firmId, userId, role: spent.staffRole });
      return { email: spent.staffEmail, firmId: spent.firmId };
    });
  } catch (error) {
    // Someone created a sign-in for this address a moment ago.
    if (isUniqueViolation(error, "user_email_unique")) throw addressHasSignIn();
    throw error;
  }
}
