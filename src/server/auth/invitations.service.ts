import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { InvitationState } from "../../shared/api/portal.js";
import type { Database } from "../db/connect.js";
import { account, contacts, firms, portalInvitations, user } from "../db/schema.js";
import { AppError } from "../http/errors.js";
import { createPasswordUser, hashPassword } from "./accounts.js";
import { hashLinkToken } from "./tokens.js";

async function findInvitation(db: Database, token: string) {
  const [invitation] = await db
    .select({
      id: portalInvitations.id,
      expiresAt: portalInvitations.expiresAt,
      usedAt: portalInvitations.usedAt,
      contactId: contacts.id,
      contactName: contacts.name,
      email: contacts.email,
      portalStatus: contacts.portalStatus,
      contactUserId: contacts.userId,
      firmName: firms.name,
    })
    .from(portalInvitations)
    .innerJoin(contacts, eq(contacts.id, portalInvitations.contactId))
    .innerJoin(firms, eq(firms.id, portalInvitations.firmId))
    .where(eq(portalInvitations.tokenHash, hashLinkToken(token)));
  return invitation;
}

/** What the invitation page shows: who is invited and by whom, or why the link no longer works. */
export async function describeInvitation(db: Database, token: string): Promise<InvitationState> {
  const invitation = await findInvitation(db, token);
  if (!invitation || !invitation.email || invitation.portalStatus === "revoked") {
    return { state: "invalid", firmName: invitation?.firmName ?? null };
  }
  if (invitation.usedAt) return { state: "used", firmName: invitation.firmName };
  if (invitation.expiresAt.getTime() <= Date.now()) {
    return { state: "expired", firmName: invitation.firmName };
  }
  const [account] = await db
    .select({ id: user.id })
    .from(user)
    .where(and(eq(user.email, invitation.email.toLowerCase()), eq(user.kind, "contact")));
  return {
    state: "valid",
    contactName: invitation.contactName,
    email: invitation.email,
    firmName: invitation.firmName,
    hasAccount: account !== undefined,
  };
}

const linkNoLongerWorks = () =>
  new AppError("invitation_unavailable", 410, "This invitation link no longer works.");

/**
 * Accepts an invitation: the contact gets (or keeps) their portal sign-in with the chosen
 * password, and the link is spent. Returns the e-mail to sign in with.
 */
export async function acceptInvitation(
  db: Database,
  token: string,
  password: string,
): Promise<{ email: string; contact: { id: string; clientId: string; firmId: string } }> {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // Spending the link first makes a double submit accept once.
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
      .returning({ contactId: portalInvitations.contactId });
    if (!spent) throw linkNoLongerWorks();
    const [contact] = await tx
      .select({
        id: contacts.id,
        clientId: contacts.clientId,
        firmId: contacts.firmId,
        name: contacts.name,
        email: contacts.email,
        status: contacts.portalStatus,
      })
      .from(contacts)
      .where(eq(contacts.id, spent.contactId));
    if (!contact?.email || contact.status === "revoked") throw linkNoLongerWorks();
    const email = contact.email.toLowerCase();

    const [existing] = await tx
      .select({ id: user.id, kind: user.kind })
      .from(user)
      .where(eq(user.email, email));
    let userId: string;
    if (!existing) {
      userId = await createPasswordUser(tx, {
        name: contact.name,
        email,
        kind: "contact",
        passwordHash,
      });
    } else if (existing.kind === "contact") {
      // Someone already on the portal through another client: the new password applies to both.
      userId = existing.id;
      const updated = await tx
        .update(account)
        .set({ password: passwordHash, updatedAt: sql`now()` })
        .where(and(eq(account.userId, userId), eq(account.providerId, "credential")))
        .returning({ id: account.id });
      if (updated.length === 0) {
        await tx.insert(account).values({
          id: crypto.randomUUID(),
          accountId: userId,
          providerId: "credential",
          userId,
          password: passwordHash,
        });
      }
    } else {
      throw new AppError(
        "email_in_use",
        409,
        "This e-mail belongs to a staff account. Ask the firm to use another address.",
      );
    }
    await tx
      .update(contacts)
      .set({ userId, portalStatus: "active" })
      .where(eq(contacts.id, contact.id));
    return {
      email,
      contact: { id: contact.id, clientId: contact.clientId, firmId: contact.firmId },
    };
  });
}
