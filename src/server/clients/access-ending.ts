import { eq } from "drizzle-orm";
import { retireInvitationLinks } from "../auth/invitation-links.js";
import { endSessionsOf } from "../auth/sessions.js";
import type { Queryable } from "../db/connect.js";
import { contacts, portalInvitations } from "../db/schema.js";
import { announceAccessEnded } from "../realtime/access.js";
import type { EventBus } from "../realtime/event-bus.js";
import { publishControl, topics } from "../realtime/topics.js";

/** Makes the contact's unused links stop working (the rows still count against the limits). */
export async function retirePendingInvitations(db: Queryable, contactId: string) {
  await retireInvitationLinks(db, eq(portalInvitations.contactId, contactId));
}

/**
 * Ends a contact record's portal access inside the caller's transaction: marked revoked, pending
 * links dead, the person signed out everywhere. Returns the user whose sockets must be told
 * (`announceAccessEnded`) once the transaction commits.
 */
export async function endPortalAccess(
  tx: Queryable,
  contact: { id: string; userId: string | null },
): Promise<string | null> {
  await tx.update(contacts).set({ portalStatus: "revoked" }).where(eq(contacts.id, contact.id));
  await retirePendingInvitations(tx, contact.id);
  if (!contact.userId) return null;
  await endSessionsOf(tx, contact.userId);
  return contact.userId;
}

/**
 * Tells the person's open pages which firm ended their access (so the sign-in page can say
 * whom to ask), then closes their sockets. After the transaction commits.
 */
export async function announcePortalAccessEnded(bus: EventBus, userId: string, firmName: string) {
  await publishControl(bus, topics.user(userId), { type: "access.ended", firmName });
  await announceAccessEnded(bus, userId);
}
