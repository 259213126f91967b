import { and, asc, eq } from "drizzle-orm";
import type { contactInputSchema } from "../../shared/api/clients.js";
import type { StaffPrincipal } from "../auth/principal.js";
import type { Database } from "../db/connect.js";
import { isUniqueViolation } from "../db/errors.js";
import { contacts } from "../db/schema.js";
import { AppError, notFound } from "../http/errors.js";
import { getClient } from "./clients.service.js";

type ContactValues = ReturnType<typeof contactInputSchema.parse>;

export const contactColumns = {
  id: contacts.id,
  clientId: contacts.clientId,
  name: contacts.name,
  email: contacts.email,
  portalStatus: contacts.portalStatus,
};

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
    .orderBy(asc(contacts.name), asc(contacts.id));
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
  principal: StaffPrincipal,
  clientId: string,
  contactId: string,
  input: ContactValues,
) {
  const [current] = await db
    .select({ email: contacts.email, portalStatus: contacts.portalStatus })
    .from(contacts)
    .where(scopedContact(principal, clientId, contactId));
  if (!current) throw notFound("Contact");
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
  return updated;
}

export async function deleteContact(
  db: Database,
  principal: StaffPrincipal,
  clientId: string,
  contactId: string,
) {
  const deleted = await db
    .delete(contacts)
    .where(scopedContact(principal, clientId, contactId))
    .returning({ id: contacts.id });
  if (deleted.length === 0) throw notFound("Contact");
}
