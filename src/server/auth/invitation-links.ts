import { and, count, eq, gt, isNull, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "../db/connect.js";
import { portalInvitations } from "../db/schema.js";
import { AppError } from "../http/errors.js";
import { createLinkToken, hashLinkToken } from "./tokens.js";

/*
 * The one invitation mechanism, for contacts (portal) and teammates (staff) alike: a random token
 * stored only as its hash, valid for 7 days, spent once, retired when replaced or revoked, and
 * bounded per sender and per invitee each hour.
 */

export const INVITATION_DAYS = 7;
/** Invitations are e-mails sent in the firm's name: bounded per sender and per invitee. */
export const INVITATIONS_PER_SENDER_PER_HOUR = 30;
export const INVITATIONS_PER_INVITEE_PER_HOUR = 5;

/** Who an invitation is for: a contact record, or a teammate not yet on the team. */
export type Invitee =
  | { contactId: string }
  | { staffName: string; staffEmail: string; staffRole: "owner" | "admin" | "member" };

/** Invitations written in the last hour that match `where` (retired ones count too). */
export async function invitationsInLastHour(db: Queryable, where: SQL | undefined) {
  const [row] = await db
    .select({ sent: count() })
    .from(portalInvitations)
    .where(and(where, gt(portalInvitations.createdAt, sql`now() - interval '1 hour'`)));
  return row?.sent ?? 0;
}

/** Throws 429 when the sender or the invitee has had too many invitations this hour. */
export async function checkInvitationLimits(
  db: Queryable,
  limits: { inviterStaffId: string | null; invitee: SQL },
) {
  const bySender = limits.inviterStaffId
    ? await invitationsInLastHour(db, eq(portalInvitations.invitedByStaffId, limits.inviterStaffId))
    : 0;
  if (
    bySender >= INVITATIONS_PER_SENDER_PER_HOUR ||
    (await invitationsInLastHour(db, limits.invitee)) >= INVITATIONS_PER_INVITEE_PER_HOUR
  ) {
    throw new AppError("rate_limited", 429, "Too many invitations for now. Try again in an hour.");
  }
}

/**
 * Makes unused links matching `where` stop working: no token hashes to the new value. The rows
 * stay, so they still count against the hourly limits (deleting them let every resend reset it).
 */
export async function retireInvitationLinks(db: Queryable, where: SQL | undefined) {
  await db
    .update(portalInvitations)
    .set({
      tokenHash: sql`'retired:' || ${portalInvitations.id}::text`,
      expiresAt: sql`least(${portalInvitations.expiresAt}, now())`,
      retiredAt: sql`now()`,
    })
    .where(and(where, isNull(portalInvitations.usedAt), isNull(portalInvitations.retiredAt)));
}

/** Writes a new link (inside the caller's transaction) and returns its token, which is never stored. */
export async function issueInvitationLink(
  tx: Queryable,
  input: {
    firmId: string;
    invitedByStaffId: string | null;
    /** The link is left in the firm's outbox (no SMTP): accepting it proves nothing. */
    firmCanReadLink: boolean;
    invitee: Invitee;
  },
): Promise<{ token: string; id: string }> {
  const { token, hash } = createLinkToken();
  const [row] = await tx
    .insert(portalInvitations)
    .values({
      firmId: input.firmId,
      tokenHash: hash,
      invitedByStaffId: input.invitedByStaffId,
      expiresAt: sql`now() + make_interval(days => ${INVITATION_DAYS})`,
      firmCanReadLink: input.firmCanReadLink,
      ...input.invitee,
    })
    .returning({ id: portalInvitations.id });
  if (!row) throw new Error("invitation insert returned no row");
  return { token, id: row.id };
}

export const invitationNoLongerWorks = () =>
  new AppError("invitation_unavailable", 410, "This invitation link no longer works.");

/** The stored invitation a token names (retired tokens name none). */
export async function findInvitationLink(db: Queryable, token: string) {
  const [row] = await db
    .select()
    .from(portalInvitations)
    .where(eq(portalInvitations.tokenHash, hashLinkToken(token)));
  return row;
}

/** What a found link is worth now. */
export function invitationLinkState(link: { usedAt: Date | null; expiresAt: Date }) {
  if (link.usedAt) return "used" as const;
  if (link.expiresAt.getTime() <= Date.now()) return "expired" as const;
  return "valid" as const;
}

/**
 * Spends the link inside the caller's transaction, or throws 410. Spending first makes a double
 * submit accept once.
 */
export async function spendInvitationLink(tx: Queryable, token: string) {
  const [spent] = await tx
    .update(portalInvitations)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(portalInvitations.tokenHash, hashLinkToken(token)),
        isNull(portalInvitations.usedAt),
        gt(portalInvitations.expiresAt, sql`now()`),
      ),
    )
    .returning();
  if (!spent) throw invitationNoLongerWorks();
  return spent;
}
