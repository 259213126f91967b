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
export type ConversationRow = Omit<Conversation, "title" | "members" | "contact"> & {
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

/** Who a contact sees at one client: the firm they deal with and their fellow contacts. */
export type ContactSideNames = { firmName: string; fellowContacts: string[] };

/** A conversation's title as a contact sees it: the group by its name, the direct one by the firm. */
export function contactConversationTitle(kind: Conversation["kind"], firmName: string): string {
  return kind === "all_contacts" ? "All Contacts" : firmName;
}

/**
 * A contact sees a thread by who is in it from their side (their fellow contacts and the firm),
 * and nothing of the firm's contact records or staff.
 */
export function toContactConversation(
  {
    contactId: _contactId,
    contactName: _contactName,
    contactPortalStatus: _contactPortalStatus,
    contactRemovedAt: _contactRemovedAt,
    ...row
  }: ConversationRow,
  names: ContactSideNames,
): Conversation {
  return {
    ...row,
    title: contactConversationTitle(row.kind, names.firmName),
    members:
      row.kind === "all_contacts" ? [...names.fellowContacts, names.firmName] : [names.firmName],
    contact: null,
    waitingOn: null,
  };
}
