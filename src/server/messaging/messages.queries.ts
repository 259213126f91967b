import { and, desc, eq, lt, type SQL, sql } from "drizzle-orm";
import type { Message } from "../../shared/api/messaging.js";
import type { RichTextDoc } from "../../shared/rich-text/document.js";
import type { Queryable } from "../db/connect.js";
import { contacts, messages, staff, user } from "../db/schema.js";

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
  };
}

/**
 * A message as contacts see it: numbered by `publicSeq`. Refuses an internal note outright, so
 * a mistake upstream fails loudly instead of leaking one.
 */
export function toContactMessage(row: MessageRow): Message {
  if (row.internal || row.publicSeq === null) {
    throw new Error("an internal note must never be shaped for a contact");
  }
  return { ...toStaffMessage(row), seq: row.publicSeq, internal: false };
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
    numbering: typeof messages.seq | typeof messages.publicSeq;
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
