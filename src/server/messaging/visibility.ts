import {
  type AnyColumn,
  and,
  eq,
  inArray,
  isNotNull,
  isNull,
  or,
  type SQL,
  type SQLWrapper,
  sql,
} from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Principal } from "../auth/principal-types.js";
import { attachments, contacts, conversations, messages } from "../db/schema.js";
import { contactTopicOf, topics } from "../realtime/topics.js";

/** The messages table, or an alias of it (a subquery's `m`): the columns the rules read. */
export type MessageColumns = {
  firmId: AnyPgColumn;
  internal: AnyPgColumn;
  publicSeq: AnyPgColumn;
};

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
  return or(...principal.links.map(contactConversations)) as SQL;
}

export function visibleMessages(principal: Principal, table: MessageColumns = messages): SQL {
  if (principal.kind === "staff") return eq(table.firmId, principal.firmId) as SQL;
  return publicMessages(table);
}

/**
 * The threads one contact record sees: its client's All Contacts thread and its own direct
 * thread. Takes the values of a signed-in contact's link, or the columns of a contacts table
 * when every contact is looked at at once (the new-messages e-mail).
 */
export function contactConversations(contact: {
  clientId: string | SQLWrapper;
  contactId: string | SQLWrapper;
}): SQL {
  return or(
    and(eq(conversations.kind, "all_contacts"), eq(conversations.clientId, contact.clientId)),
    and(eq(conversations.kind, "direct"), eq(conversations.contactId, contact.contactId)),
  ) as SQL;
}

/** Messages contacts may see. Internal notes have no public number: both say "not a note". */
export function publicMessages(table: MessageColumns = messages): SQL {
  return and(eq(table.internal, false), isNotNull(table.publicSeq)) as SQL;
}

/**
 * Files the principal may see. A sent file is exactly as visible as its message, so the caller
 * left-joins the attachment's message and that message's conversation; an upload not yet sent is
 * seen by its uploader alone (the staff member, or the person through that client's contact record).
 */
export function visibleAttachments(principal: Principal): SQL {
  const sent = and(
    isNotNull(attachments.messageId),
    eq(messages.firmId, attachments.firmId),
    visibleMessages(principal),
    visibleConversations(principal),
  );
  return or(sent, and(isNull(attachments.messageId), ownUploads(principal))) as SQL;
}

function ownUploads(principal: Principal): SQL {
  if (principal.kind === "staff") {
    return and(
      eq(attachments.firmId, principal.firmId),
      eq(attachments.uploaderKind, "staff"),
      eq(attachments.uploaderStaffId, principal.staffId),
    ) as SQL;
  }
  if (principal.links.length === 0) return sql`false`;
  return and(
    eq(attachments.uploaderKind, "contact"),
    inArray(
      attachments.uploaderContactId,
      principal.links.map((link) => link.contactId),
    ),
  ) as SQL;
}

/** Contact records that see anything at all: those whose portal access is active. */
export const hasPortalAccess = (contact: { portalStatus: AnyColumn }) =>
  eq(contact.portalStatus, "active");

/**
 * The contact records that read a client's All Contacts thread: what a contact is told about
 * who else is in it (never contacts of another client, nor those without portal access).
 */
export function allContactsReaders(client: { firmId: string; clientId: string }): SQL {
  return and(
    eq(contacts.firmId, client.firmId),
    eq(contacts.clientId, client.clientId),
    hasPortalAccess(contacts),
    isNull(contacts.removedAt),
  ) as SQL;
}

/** Whether contacts may see a message at all: what decides if an event reaches their topics. */
export const isVisibleToContacts = (message: { internal: boolean }) => !message.internal;

/** One realtime audience of a conversation: its topic, and which side's shape it receives. */
export type Audience = { topic: string; side: "staff" | "contact" };

/**
 * Who hears about a conversation, or about one message in it: the firm's staff always; the
 * conversation's contacts unless the message is an internal note.
 */
export function audiencesOf(
  conversation: {
    firmId: string;
    clientId: string;
    kind: "all_contacts" | "direct";
    contactId: string | null;
  },
  message?: { internal: boolean },
): Audience[] {
  const staffAudience: Audience = { topic: topics.firmStaff(conversation.firmId), side: "staff" };
  if (message && !isVisibleToContacts(message)) return [staffAudience];
  return [staffAudience, { topic: contactTopicOf(conversation), side: "contact" }];
}

/**
 * Who hears how far a conversation's contacts have read: its firm's staff only. Contacts never
 * learn anyone's read state but their own (that reaches only their own sockets).
 */
export function readReceiptAudiencesOf(
  conversation: Parameters<typeof audiencesOf>[0],
): Audience[] {
  return audiencesOf(conversation).filter((audience) => audience.side === "staff");
}
