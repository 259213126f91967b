import { and, desc, eq, lt, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Attachment } from "../../shared/api/files.js";
import type { Queryable } from "../db/connect.js";
import { contacts, conversations, messages, staff, user } from "../db/schema.js";
import type { Reader } from "./read-state.js";

const authorStaff = staff;

/** Columns that make a message view: the row plus its author's current name. */
export const messageViewColumns = {
  id: messages.id,
  conversationId: messages.conversationId,
  seq: messages.seq,
  publicSeq: messages.publicSeq,
  authorKind: messages.authorKind,
  authorStaffId: messages.authorStaffId,
  authorContactId: messages.authorContactId,
  authorName: sql<string>`coalesce(${user.name}, ${contacts.name}, 'Former member')`,
  internal: messages.internal,
  body: messages.body,
  createdAt: messages.createdAt,
  editedAt: messages.editedAt,
  version: messages.version,
};

export type MessageRow = {
  id: string;
  conversationId: string;
  seq: number;
  publicSeq: number | null;
  authorKind: "staff" | "contact";
  authorStaffId: string | null;
  authorContactId: string | null;
  authorName: string;
  internal: boolean;
  body: unknown;
  createdAt: Date;
  editedAt: Date | null;
  version: number;
  /** Loaded separately (`withAttachments`); a row read without them has none. */
  attachments?: Attachment[];
};

/** Selects messages with their authors' names; the caller adds the where, order and limit. */
export function selectMessageViews(db: Queryable) {
  return db
    .select(messageViewColumns)
    .from(messages)
    .leftJoin(authorStaff, eq(authorStaff.id, messages.authorStaffId))
    .leftJoin(user, eq(user.id, authorStaff.userId))
    .leftJoin(contacts, eq(contacts.id, messages.authorContactId));
}

/** Like `selectMessageViews`, with the audience columns of each message's conversation. */
export function selectMessagesWithConversation(db: Queryable) {
  return db
    .select({
      row: messageViewColumns,
      conversation: {
        id: conversations.id,
        firmId: conversations.firmId,
        clientId: conversations.clientId,
        kind: conversations.kind,
        contactId: conversations.contactId,
      },
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .leftJoin(authorStaff, eq(authorStaff.id, messages.authorStaffId))
    .leftJoin(user, eq(user.id, authorStaff.userId))
    .leftJoin(contacts, eq(contacts.id, messages.authorContactId));
}

/** Messages written by this person (through this staff or contact record). */
export function authoredBy(author: Reader): SQL {
  return (
    author.kind === "staff"
      ? and(eq(messages.authorKind, "staff"), eq(messages.authorStaffId, author.staffId))
      : and(eq(messages.authorKind, "contact"), eq(messages.authorContactId, author.contactId))
  ) as SQL;
}

/** Whether a message row was written by this person. */
export function isAuthoredBy(row: MessageRow, author: Reader): boolean {
  return author.kind === "staff"
    ? row.authorKind === "staff" && row.authorStaffId === author.staffId
    : row.authorKind === "contact" && row.authorContactId === author.contactId;
}

/**
 * A keyset page of visible messages in the reader's numbering (`seq` or `publicSeq`): the newest
 * `limit` before `before`, returned oldest first, and whether older ones remain.
 */
export async function selectMessagePage(
  db: Queryable,
  input: {
    conversationId: string;
    visible: SQL;
    numbering: AnyPgColumn;
    before: number | undefined;
    limit: number;
  },
): Promise<{ rows: MessageRow[]; hasOlder: boolean }> {
  const rows = await selectMessageViews(db)
    .where(
      and(
        eq(messages.conversationId, input.conversationId),
        input.visible,
        input.before ? lt(input.numbering, input.before) : undefined,
      ),
    )
    .orderBy(desc(input.numbering))
    .limit(input.limit + 1);
  return { rows: rows.slice(0, input.limit).reverse(), hasOlder: rows.length > input.limit };
}
