import { and, eq, inArray, isNotNull, or, type SQL, sql } from "drizzle-orm";
import type { Principal } from "../auth/principal.js";
import { conversations, messages } from "../db/schema.js";

/**
 * The one place that decides what a principal may see. Every exit (REST reads, counts, realtime
 * fan-out, e-mail) builds on these conditions rather than writing its own.
 *
 * Staff see every conversation and message of their firm, internal notes included. A contact
 * sees, for each client where their portal access is active, that client's All Contacts thread
 * and their own direct thread, and in them only messages that are not internal notes.
 */
export function visibleConversations(principal: Principal): SQL {
  if (principal.kind === "staff") return eq(conversations.firmId, principal.firmId) as SQL;
  if (principal.links.length === 0) return sql`false`;
  return or(
    and(
      eq(conversations.kind, "all_contacts"),
      inArray(
        conversations.clientId,
        principal.links.map((link) => link.clientId),
      ),
    ),
    and(
      eq(conversations.kind, "direct"),
      inArray(
        conversations.contactId,
        principal.links.map((link) => link.contactId),
      ),
    ),
  ) as SQL;
}

export function visibleMessages(principal: Principal): SQL {
  if (principal.kind === "staff") return eq(messages.firmId, principal.firmId) as SQL;
  // Internal notes have no public number: both conditions say "not a note", for certainty.
  return and(eq(messages.internal, false), isNotNull(messages.publicSeq)) as SQL;
}

/** Whether contacts may see a message at all: what decides if an event reaches their topics. */
export const isVisibleToContacts = (message: { internal: boolean }) => !message.internal;
