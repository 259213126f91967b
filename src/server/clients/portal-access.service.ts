import { and, eq, isNull, lte, sql } from "drizzle-orm";
import type { Contact } from "../../shared/api/clients.js";
import {
  checkInvitationLimits,
  INVITATIONS_PER_INVITEE_PER_HOUR,
  invitationsInLastHour,
  issueInvitationLink,
} from "../auth/invitation-links.js";
import type { StaffPrincipal } from "../auth/principal.js";
import { hashLinkToken } from "../auth/tokens.js";
import type { Database, Queryable } from "../db/connect.js";
import { contacts, firms, portalInvitations } from "../db/schema.js";
import { AppError, notFound } from "../http/errors.js";
import { enqueueMail } from "../mail/outbox.js";
import { invitationMail } from "../mail/templates.js";
import type { EventBus } from "../realtime/event-bus.js";
import { publishEvent, topics } from "../realtime/topics.js";
import {
  announcePortalAccessEnded,
  endPortalAccess,
  retirePendingInvitations,
} from "./access-ending.js";
import { contactColumns, formerContact, scopedContact } from "./contacts.service.js";

async function findContact(
  db: Queryable,
  principal: { firmId: string },
  clientId: string,
  contactId: string,
) {
  const [contact] = await db
    .select({ ...contactColumns, userId: contacts.userId })
    .from(contacts)
    .where(scopedContact(principal, clientId, contactId));
  if (!contact) throw notFound("Contact");
  return contact;
}

function toContact({ userId: _userId, ...contact }: Contact & { userId: string | null }): Contact {
  return contact;
}

/**
 * Where invitation links go: by SMTP, or (without a server) left in the firm's outbox for the
 * firm to pass on, in which case accepting the link proves nothing about the address.
 */
export type InvitationMailing = { publicUrl: string; smtpConfigured: boolean };

/** What the one who invited is told: e-mailed, or waiting on the Outbox page. */
export const deliveryOf = (mail: InvitationMailing) =>
  mail.smtpConfigured ? ("email" as const) : ("outbox" as const);

/** Replaces the contact's pending links with a new one and puts the e-mail in the outbox, atomically. */
async function issueInvitation(
  db: Database,
  input: {
    firmId: string;
    firmName: string;
    inviter: { staffId: string | null; name: string };
    contact: { id: string; name: string; email: string };
    mail: InvitationMailing;
  },
) {
  const firmCanReadLink = !input.mail.smtpConfigured;
  await db.transaction(async (tx) => {
    await retirePendingInvitations(tx, input.contact.id);
    const { token } = await issueInvitationLink(tx, {
      firmId: input.firmId,
      invitedByStaffId: input.inviter.staffId,
      firmCanReadLink,
      invitee: { contactId: input.contact.id },
    });
    await tx
      .update(contacts)
      .set({ portalStatus: "invited" })
      .where(eq(contacts.id, input.contact.id));
    await enqueueMail(tx, {
      firmId: input.firmId,
      kind: "invitation",
      to: input.contact.email,
      firmCanReadLink,
      content: invitationMail({
        contactName: input.contact.name,
        firmName: input.firmName,
        inviterName: input.inviter.name,
        url: `${input.mail.publicUrl}/portal/invitation/${token}`,
      }),
    });
  });
}

/**
 * Sends a new link to the invited contact's own address when theirs expired unused. Whoever
 * asks learns nothing: the link only ever goes to the address the firm entered.
 */
export async function renewExpiredInvitation(db: Database, mail: InvitationMailing, token: string) {
  const [expired] = await db
    .select({
      contactId: contacts.id,
      name: contacts.name,
      email: contacts.email,
      status: contacts.portalStatus,
      firmId: firms.id,
      firmName: firms.name,
    })
    .from(portalInvitations)
    .innerJoin(contacts, eq(contacts.id, portalInvitations.contactId))
    .innerJoin(firms, eq(firms.id, portalInvitations.firmId))
    .where(
      and(
        eq(portalInvitations.tokenHash, hashLinkToken(token)),
        isNull(portalInvitations.usedAt),
        lte(portalInvitations.expiresAt, sql`now()`),
      ),
    );
  if (!expired?.email || expired.status !== "invited") return;
  if (
    (await invitationsInLastHour(db, eq(portalInvitations.contactId, expired.contactId))) >=
    INVITATIONS_PER_INVITEE_PER_HOUR
  ) {
    return;
  }
  await issueInvitation(db, {
    firmId: expired.firmId,
    firmName: expired.firmName,
    inviter: { staffId: null, name: expired.firmName },
    contact: { id: expired.contactId, name: expired.name, email: expired.email },
    mail,
  });
}

/** Tells the firm's staff that a contact's portal status changed, so their lists refresh. */
export function publishContactChanged(
  bus: EventBus,
  contact: { id: string; clientId: string; firmId: string },
) {
  return publishEvent(bus, topics.firmStaff(contact.firmId), {
    type: "contact.changed",
    data: { clientId: contact.clientId, contactId: contact.id },
  });
}

/**
 * Invites a contact to the portal, or sends a fresh invitation: earlier links stop working.
 * The e-mail goes to the outbox in the same transaction as the invitation.
 */
export async function inviteContact(
  db: Database,
  bus: EventBus,
  input: {
    principal: StaffPrincipal;
    mail: InvitationMailing;
    clientId: string;
    contactId: string;
  },
): Promise<Contact> {
  const { principal } = input;
  const contact = await findContact(db, principal, input.clientId, input.contactId);
  if (!contact.email) {
    throw new AppError(
      "email_required",
      400,
      "Add an e-mail address before inviting this contact.",
    );
  }
  if (contact.former) throw formerContact(contact.name);
  if (contact.portalStatus === "active") {
    throw new AppError("already_active", 409, `${contact.name} already has portal access.`);
  }
  await checkInvitationLimits(db, {
    inviterStaffId: principal.staffId,
    invitee: eq(portalInvitations.contactId, contact.id),
  });
  await issueInvitation(db, {
    firmId: principal.firmId,
    firmName: principal.firmName,
    inviter: { staffId: principal.staffId, name: principal.name },
    contact: { id: contact.id, name: contact.name, email: contact.email },
    mail: input.mail,
  });
  await publishContactChanged(bus, { ...contact, firmId: principal.firmId });
  return toContact({ ...contact, portalStatus: "invited" });
}

/**
 * Ends a contact's portal access at once: pending links stop working, their sessions end,
 * and their open sockets are told to close.
 */
export async function revokePortalAccess(
  db: Database,
  bus: EventBus,
  input: { principal: StaffPrincipal; clientId: string; contactId: string },
): Promise<Contact> {
  const contact = await findContact(db, input.principal, input.clientId, input.contactId);
  if (contact.portalStatus === "none" || contact.portalStatus === "revoked") {
    return toContact(contact);
  }
  const signedOut = await db.transaction((tx) => endPortalAccess(tx, contact));
  if (signedOut) await announcePortalAccessEnded(bus, signedOut, input.principal.firmName);
  await publishContactChanged(bus, { ...contact, firmId: input.principal.firmId });
  return toContact({ ...contact, portalStatus: "revoked" });
}
