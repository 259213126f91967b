import { and, eq } from "drizzle-orm";
import type { InvitationState } from "../../shared/api/portal.js";
import type { Database, Queryable } from "../db/connect.js";
import { isUniqueViolation } from "../db/errors.js";
import { contacts, firms, portalInvitations, user } from "../db/schema.js";
import { AppError } from "../http/errors.js";
import { createPasswordUser, hashPassword } from "./accounts.js";
import { invitationNoLongerWorks, spendInvitationLink } from "./invitation-links.js";
import type { ContactPrincipal } from "./principal.js";
import { hashLinkToken } from "./tokens.js";

/*
 * Who may accept an invitation. An address without a sign-in gets one by choosing a password
 * through the link. An address that already has a sign-in (of a contact, or of staff) is never
 * given a password by an invitation: the person signs in and accepts while signed in. A sign-in
 * whose password was set through a link a firm could read is not proven; it joins another
 * firm's client only after the person proves the address with a one-time link e-mailed to it.
 */

type AcceptedContact = { id: string; clientId: string; firmId: string };

async function findInvitation(db: Queryable, token: string) {
  const [invitation] = await db
    .select({
      id: portalInvitations.id,
      firmId: portalInvitations.firmId,
      expiresAt: portalInvitations.expiresAt,
      usedAt: portalInvitations.usedAt,
      contactId: contacts.id,
      contactName: contacts.name,
      email: contacts.email,
      portalStatus: contacts.portalStatus,
      removedAt: contacts.removedAt,
      firmName: firms.name,
    })
    .from(portalInvitations)
    .innerJoin(contacts, eq(contacts.id, portalInvitations.contactId))
    .innerJoin(firms, eq(firms.id, portalInvitations.firmId))
    .where(eq(portalInvitations.tokenHash, hashLinkToken(token)));
  return invitation;
}

const isWithdrawn = (invitation: {
  email: string | null;
  portalStatus: string;
  removedAt: Date | null;
}) => !invitation.email || invitation.portalStatus === "revoked" || invitation.removedAt !== null;

/**
 * What the invitation page shows: who is invited and by whom, or why the link no longer works.
 * It never says whether the address already signs in anywhere: that is not the firm's to know.
 */
export async function describeInvitation(db: Database, token: string): Promise<InvitationState> {
  const invitation = await findInvitation(db, token);
  if (!invitation || isWithdrawn(invitation)) {
    return { state: "invalid", firmName: invitation?.firmName ?? null };
  }
  if (invitation.usedAt) return { state: "used", firmName: invitation.firmName };
  if (invitation.expiresAt.getTime() <= Date.now()) {
    return { state: "expired", firmName: invitation.firmName };
  }
  return {
    state: "valid",
    contactName: invitation.contactName,
    email: invitation.email ?? "",
    firmName: invitation.firmName,
  };
}

const linkNoLongerWorks = invitationNoLongerWorks;

/** Staff and contacts get the same answer: the page learns only that a sign-in is needed. */
const signInToAccept = () =>
  new AppError(
    "sign_in_to_accept",
    409,
    "This address already has a sign-in. Sign in with it to accept the invitation.",
  );

/** The invited address of a link that can still be accepted, or 410: checked before any work. */
async function usableInvitation(db: Database, token: string) {
  const invitation = await findInvitation(db, token);
  if (
    !invitation?.email ||
    isWithdrawn(invitation) ||
    invitation.usedAt ||
    invitation.expiresAt.getTime() <= Date.now()
  ) {
    throw linkNoLongerWorks();
  }
  return { ...invitation, email: invitation.email.toLowerCase() };
}

/**
 * Spends the link inside the caller's transaction and returns its contact. Spending first
 * makes a double submit accept once.
 */
async function spendInvitation(tx: Queryable, token: string) {
  const spent = await spendInvitationLink(tx, token);
  if (!spent.contactId) throw linkNoLongerWorks();
  const [contact] = await tx
    .select({
      id: contacts.id,
      clientId: contacts.clientId,
      firmId: contacts.firmId,
      name: contacts.name,
      email: contacts.email,
      portalStatus: contacts.portalStatus,
      removedAt: contacts.removedAt,
    })
    .from(contacts)
    .where(eq(contacts.id, spent.contactId))
    .for("update");
  if (!contact || isWithdrawn(contact)) throw linkNoLongerWorks();
  return { ...contact, firmCanReadLink: spent.firmCanReadLink };
}

async function linkContact(tx: Queryable, contactId: string, userId: string) {
  await tx
    .update(contacts)
    .set({ userId, portalStatus: "active" })
    .where(eq(contacts.id, contactId));
}

/**
 * Accepts an invitation for an address that has no sign-in yet, with the password the person
 * chose. Returns the e-mail to sign in with. The costly hash runs only once the link and the
 * address have been checked.
 */
export async function acceptInvitationWithPassword(
  db: Database,
  token: string,
  password: string,
  hash: (password: string) => Promise<string> = hashPassword,
): Promise<{ email: string; contact: AcceptedContact }> {
  const { email } = await usableInvitation(db, token);
  const [existing] = await db.select({ id: user.id }).from(user).where(eq(user.email, email));
  if (existing) throw signInToAccept();
  const passwordHash = await hash(password);
  try {
    return await db.transaction(async (tx) => {
      const contact = await spendInvitation(tx, token);
      const userId = await createPasswordUser(tx, {
        name: contact.name,
        email,
        kind: "contact",
        passwordHash,
        emailVerified: !contact.firmCanReadLink,
      });
      await linkContact(tx, contact.id, userId);
      return {
        email,
        contact: { id: contact.id, clientId: contact.clientId, firmId: contact.firmId },
      };
    });
  } catch (error) {
    // Someone else's acceptance created the sign-in for this address a moment ago.
    if (isUniqueViolation(error, "user_email_unique")) throw signInToAccept();
    throw error;
  }
}

/** Whether a contact of the firm already uses this sign-in (whatever its status now). */
async function firmKnowsAccount(db: Database, firmId: string, userId: string) {
  const [link] = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.firmId, firmId), eq(contacts.userId, userId)))
    .limit(1);
  return link !== undefined;
}

/**
 * Accepts an invitation with the signed-in person's own sign-in: the session must be for the
 * invited address, and a sign-in that is not proven joins another firm's client only after
 * the address is proven. Nothing about the sign-in itself changes.
 */
export async function acceptInvitationAsSignedIn(
  db: Database,
  token: string,
  principal: ContactPrincipal,
): Promise<{ contact: AcceptedContact }> {
  const invitation = await usableInvitation(db, token);
  if (principal.email.toLowerCase() !== invitation.email) {
    throw new AppError(
      "wrong_account",
      403,
      `This invitation is for ${invitation.email}. Sign out, then sign in with that address to accept it.`,
    );
  }
  const [account] = await db
    .select({ emailVerified: user.emailVerified })
    .from(user)
    .where(eq(user.id, principal.userId));
  if (
    !account?.emailVerified &&
    !(await firmKnowsAccount(db, invitation.firmId, principal.userId))
  ) {
    throw new AppError(
      "address_proof_required",
      403,
      "Confirm your e-mail address first: sign in with a one-time link we e-mail to you, then accept.",
    );
  }
  return db.transaction(async (tx) => {
    const contact = await spendInvitation(tx, token);
    await linkContact(tx, contact.id, principal.userId);
    return { contact: { id: contact.id, clientId: contact.clientId, firmId: contact.firmId } };
  });
}
