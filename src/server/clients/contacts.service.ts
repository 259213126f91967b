import { and, asc, eq, sql } from "drizzle-orm";
import type { contactInputSchema } from "../../shared/api/clients.js";
import type { StaffPrincipal } from "../auth/principal.js";
import { announcePrincipalChanged } from "../auth/principal-cache.js";
import type { Database, Queryable } from "../db/connect.js";
import { isUniqueViolation } from "../db/errors.js";
import { contacts, conversations, messages, readCursors } from "../db/schema.js";
import { AppError, notFound } from "../http/errors.js";
import type { EventBus } from "../realtime/event-bus.js";
import { authorize } from "../team/policy.js";
import { announcePortalAccessEnded, endPortalAccess } from "./access-ending.js";
import { getClient } from "./clients.service.js";

type ContactValues = ReturnType<typeof contactInputSchema.parse>;

export const contactColumns = {
  id: contacts.id,
  clientId: contacts.clientId,
  name: contacts.name,
  email: contacts.email,
  portalStatus: contacts.portalStatus,
  former: sql<boolean>`${contacts.removedAt} is not null`,
};

/** A former contact stays for the record only: nothing new may be done with them. */
export const formerContact = (name: string) =>
  new AppError("former_contact", 409, `${name} is a former contact of this client.`);

const emailTaken = () =>
  new AppError("email_taken", 409, "Another contact of this client already uses this e-mail.", {
    email: "Another contact of this client already uses this e-mail.",
  });

/** Runs a write that may hit the one-e-mail-per-client index and reports it on the e-mail field. */
async function guardUniqueEmail<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error, "contacts_client_email_unique")) throw emailTaken();
    throw error;
  }
}

export async function listContacts(db: Database, principal: StaffPrincipal, clientId: string) {
  await getClient(db, principal, clientId);
  return db
    .select(contactColumns)
    .from(contacts)
    .where(and(eq(contacts.clientId, clientId), eq(contacts.firmId, principal.firmId)))
    .orderBy(sql`${contacts.removedAt} is not null`, asc(contacts.name), asc(contacts.id));
}

export async function createContact(
  db: Database,
  principal: StaffPrincipal,
  clientId: string,
  input: ContactValues,
) {
  await getClient(db, principal, clientId);
  const [created] = await guardUniqueEmail(
    db
      .insert(contacts)
      .values({ firmId: principal.firmId, clientId, name: input.name, email: input.email })
      .returning(contactColumns),
  );
  if (!created) throw new Error("insert returned no row");
  return created;
}

/** One contact of one client of the principal's firm: every contact write is scoped by this. */
export const scopedContact = (principal: { firmId: string }, clientId: string, contactId: string) =>
  and(
    eq(contacts.id, contactId),
    eq(contacts.clientId, clientId),
    eq(contacts.firmId, principal.firmId),
  );

export async function updateContact(
  db: Database,
  bus: EventBus,
  principal: StaffPrincipal,
  clientId: string,
  contactId: string,
  input: ContactValues,
) {
  const [current] = await db
    .select({
      name: contacts.name,
      email: contacts.email,
      userId: contacts.userId,
      portalStatus: contacts.portalStatus,
      removedAt: contacts.removedAt,
    })
    .from(contacts)
    .where(scopedContact(principal, clientId, contactId));
  if (!current) throw notFound("Contact");
  if (current.removedAt) throw formerContact(current.name);
  // The portal sign-in and any invitation link belong to the address they were sent to.
  const holdsPortalAccess = current.portalStatus === "invited" || current.portalStatus === "active";
  if (holdsPortalAccess && current.email !== input.email) {
    const message =
      "This contact has portal access with this e-mail. Revoke their access before changing it.";
    throw new AppError("email_locked", 409, message, { email: message });
  }
  const [updated] = await guardUniqueEmail(
    db
      .update(contacts)
      .set({ name: input.name, email: input.email })
      .where(scopedContact(principal, clientId, contactId))
      .returning(contactColumns),
  );
  if (!updated) throw notFound("Contact");
  // The contact's portal sign-in carries this name in its links.
  if (current.userId) await announcePrincipalChanged(bus, current.userId);
  return updated;
}

/** Whether anything refers to the contact: their messages, or a direct thread with them. */
async function hasHistory(db: Queryable, contactId: string): Promise<boolean> {
  const [authored] = await db
    .select({ id: messages.id })
    .from(messages)
    .where(eq(messages.authorContactId, contactId))
    .limit(1);
  if (authored) return true;
  const [thread] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.contactId, contactId))
    .limit(1);
  return thread !== undefined;
}

/**
 * Removes a contact (owners and admins). Someone with history is kept as a former contact, so
 * their messages and direct thread (with its notes) stay; either way their portal access ends
 * at once. Removing a former contact again changes nothing.
 */
export async function removeContact(
  db: Database,
  bus: EventBus,
  principal: StaffPrincipal,
  clientId: string,
  contactId: string,
): Promise<void> {
  authorize(principal, "remove_contact");
  const signedOut = await db.transaction(async (tx) => {
    // The row lock makes a message or thread being created for this contact wait, so the
    // history check below cannot miss one.
    const [contact] = await tx
      .select({
        id: contacts.id,
        userId: contacts.userId,
        portalStatus: contacts.portalStatus,
        removedAt: contacts.removedAt,
      })
      .from(contacts)
      .where(scopedContact(principal, clientId, contactId))
      .for("update");
    if (!contact) throw notFound("Contact");
    if (contact.removedAt) return null;
    const hadAccess = contact.portalStatus === "invited" || contact.portalStatus === "active";
    const userId = hadAccess ? await endPortalAccess(tx, contact) : null;
    if (await hasHistory(tx, contact.id)) {
      await tx.update(contacts).set({ removedAt: sql`now()` }).where(eq(contacts.id, contact.id));
    } else {
      await tx
        .delete(readCursors)
        .where(and(eq(readCursors.readerKind, "contact"), eq(readCursors.readerId, contact.id)));
      await tx.delete(contacts).where(eq(contacts.id, contact.id));
    }
    return userId;
  });
  if (signedOut) await announcePortalAccessEnded(bus, signedOut, principal.firmName);
}
