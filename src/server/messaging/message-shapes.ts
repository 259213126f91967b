import type { Conversation, Message } from "../../shared/api/messaging.js";
import type { RichTextDoc } from "../../shared/rich-text/document.js";
import type { MessageRow } from "./message-sql.js";
import { isVisibleToContacts } from "./visibility.js";

/** Stands in for an author whose record was removed; it matches nobody's id. */
const FORMER_AUTHOR_ID = "00000000-0000-0000-0000-000000000000";

/** A message as staff see it: numbered by `seq`. */
export function toStaffMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    author: {
      kind: row.authorKind,
      id:
        (row.authorKind === "staff" ? row.authorStaffId : row.authorContactId) ?? FORMER_AUTHOR_ID,
      name: row.authorName,
    },
    internal: row.internal,
    body: row.body as RichTextDoc,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    version: row.version,
    attachments: row.attachments ?? [],
  };
}

/**
 * A message as contacts see it: numbered by `publicSeq`. Refuses an internal note outright, so
 * a mistake upstream fails loudly instead of leaking one.
 */
export function toContactMessage(row: MessageRow): Message {
  if (!isVisibleToContacts(row) || row.publicSeq === null) {
    throw new Error("an internal note must never be shaped for a contact");
  }
  return { ...toStaffMessage(row), seq: row.publicSeq, internal: false };
}

/** A conversation row as the list query reads it, before it is shaped for one side. */
export type ConversationRow = Omit<Conversation, "title" | "contact"> & {
  contactId: string | null;
  contactName: string | null;
  contactPortalStatus: NonNullable<Conversation["contact"]>["portalStatus"] | null;
  contactRemovedAt: Date | null;
};

/** A conversation's title as staff see it: who a direct thread is with, former contacts marked. */
export function staffConversationTitle(row: {
  kind: Conversation["kind"];
  contactName: string | null;
  /** The contact was removed and is kept for their history. */
  former: boolean;
}): string {
  if (row.kind === "all_contacts") return "All Contacts";
  return row.contactName && !row.former
    ? row.contactName
    : `${row.contactName ?? "Removed contact"} (former contact)`;
}

/** Staff see who a direct thread is with, former contacts marked as such. */
export function toStaffConversation({
  contactId,
  contactName,
  contactPortalStatus,
  contactRemovedAt,
  ...row
}: ConversationRow): Conversation {
  return {
    ...row,
    title: staffConversationTitle({
      kind: row.kind,
      contactName,
      former: contactRemovedAt !== null,
    }),
    contact:
      contactId && contactName && contactPortalStatus
        ? {
            id: contactId,
            name: contactName,
            portalStatus: contactPortalStatus,
            former: contactRemovedAt !== null,
          }
        : null,
  };
}

/** A contact sees their two kinds of thread by kind, and nothing of the firm's contact records. */
export function toContactConversation({
  contactId: _contactId,
  contactName: _contactName,
  contactPortalStatus: _contactPortalStatus,
  contactRemovedAt: _contactRemovedAt,
  ...row
}: ConversationRow): Conversation {
  return {
    ...row,
    title: row.kind === "all_contacts" ? "All Contacts" : "Direct Message",
    contact: null,
    waitingOn: null,
  };
}
