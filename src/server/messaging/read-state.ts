import { and, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { type Conversation, type ReadReceipt, UNREAD_CAP } from "../../shared/api/messaging.js";
import type { Principal } from "../auth/principal-types.js";
import type { Queryable } from "../db/connect.js";
import {
  contacts,
  conversations,
  deletedMessageNumbers,
  messages,
  readCursors,
} from "../db/schema.js";
import { publicMessages, visibleMessages } from "./visibility.js";

/**
 * Who is reading, and in which numbering: staff count every message by `seq`; a contact counts
 * only public messages by `public_seq`, so a note leaves no trace in their counts.
 */
export type Reader = { kind: "staff"; staffId: string } | { kind: "contact"; contactId: string };

const readerId = (reader: Reader) => (reader.kind === "staff" ? reader.staffId : reader.contactId);

/** Join condition for the reader's cursor on each conversation row. */
export const readerCursor = (reader: Reader) =>
  and(
    eq(readCursors.conversationId, conversations.id),
    eq(readCursors.readerKind, reader.kind),
    eq(readCursors.readerId, readerId(reader)),
  );

/** The messages table as subqueries of the conversation list name it. */
const m = alias(messages, "m");

/** The subquery's message numbering for this reader: `seq` for staff, `public_seq` for contacts. */
const numberingOf = (reader: Reader) => (reader.kind === "staff" ? m.seq : m.publicSeq);

/** The newest number in the reader's numbering. */
const lastNumberOf = (reader: Reader) =>
  reader.kind === "staff" ? conversations.lastSeq : conversations.lastPublicSeq;

/**
 * Unread = the numbers between the reader's cursor and the conversation's newest number, less
 * those deleted messages left unused, capped: its cost never grows with history. A reader's own
 * messages never lie past their cursor (sending reads the thread up to the message sent), and a
 * contact's numbering has only public messages, so the distance counts exactly what they may see.
 * Past as many deletions as the cap (someone deleting in bulk), it counts the messages left
 * instead, also up to the cap, so neither way looks at more than 100 rows.
 */
export function unreadCount(reader: Reader) {
  const cursor = sql`coalesce(${readCursors.lastReadSeq}, 0)`;
  return sql<number>`(
    select case when gaps.count < ${UNREAD_CAP}
      then greatest(0, least(${UNREAD_CAP}, ${lastNumberOf(reader)} - ${cursor} - gaps.count))
      else (
        select count(*)::int from (
          select 1 from ${messages} ${m}
          where ${m.conversationId} = ${conversations.id} and ${numberingOf(reader)} > ${cursor}
          order by ${numberingOf(reader)}
          limit ${UNREAD_CAP}
        ) as left_unread
      )
    end
    from (
      select count(*)::int as count from (
        select 1 from ${deletedMessageNumbers}
        where ${deletedMessageNumbers.conversationId} = ${conversations.id}
          and ${deletedMessageNumbers.readerKind} = ${reader.kind}
          and ${deletedMessageNumbers.number} > ${cursor}
        limit ${UNREAD_CAP}
      ) as past_cursor
    ) as gaps
  )`;
}

/** The newest message the reader may see, as the list's preview line. */
export function lastMessagePreview(principal: Principal, reader: Reader) {
  return sql<Conversation["lastMessage"]>`(
    select json_build_object(
      'preview', left(${m.bodyText}, 160),
      'internal', ${m.internal},
      'authorName', coalesce(u.name, ac.name, 'Former member'),
      'createdAt', to_char(${m.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    )
    from ${messages} ${m}
    left join staff s on s.id = ${m.authorStaffId}
    left join "user" u on u.id = s.user_id
    left join contacts ac on ac.id = ${m.authorContactId}
    where ${m.conversationId} = ${conversations.id} and ${visibleMessages(principal, m)}
    order by ${numberingOf(reader)} desc
    limit 1
  )`;
}

/**
 * Who a conversation waits on, from its newest public message (a note never changes it): "us"
 * when a contact wrote it. What a send sets, and a deletion recomputes, on the conversation row.
 */
const newestPublic = alias(messages, "wm");
export const waitingOnFromMessages = sql<"us" | "client" | null>`(
  select case ${newestPublic.authorKind} when 'contact' then 'us' else 'client' end::waiting_party
  from ${messages} ${newestPublic}
  where ${newestPublic.conversationId} = ${conversations.id} and ${publicMessages(newestPublic)}
  order by ${newestPublic.publicSeq} desc
  limit 1
)`;

/** Moves a reader's cursor forward (never back), in their numbering; returns where it now is. */
export async function advanceReadCursor(
  db: Queryable,
  input: { firmId: string; conversationId: string; reader: Reader; seq: number },
): Promise<number> {
  const [cursor] = await db
    .insert(readCursors)
    .values({
      firmId: input.firmId,
      conversationId: input.conversationId,
      readerKind: input.reader.kind,
      readerId: readerId(input.reader),
      lastReadSeq: input.seq,
    })
    .onConflictDoUpdate({
      target: [readCursors.conversationId, readCursors.readerKind, readCursors.readerId],
      set: {
        lastReadSeq: sql`greatest(${readCursors.lastReadSeq}, excluded.last_read_seq)`,
        readAt: sql`case when excluded.last_read_seq > ${readCursors.lastReadSeq} then now() else ${readCursors.readAt} end`,
      },
    })
    .returning({ lastReadSeq: readCursors.lastReadSeq });
  return cursor?.lastReadSeq ?? input.seq;
}

/** The newest staff message a contact's cursor has passed: where their receipt sits. */
const receiptMessage = alias(messages, "rm");

/**
 * Staff's view of how far the conversation's contacts have read: for each contact, the newest
 * staff message they have read and when. A note has no public number, so it never carries one.
 * Optionally for one contact (the one who just read).
 */
export async function listReadReceipts(
  db: Queryable,
  input: { firmId: string; conversationId: string; contactId?: string },
): Promise<ReadReceipt[]> {
  const messageId = sql<string | null>`(
    select ${receiptMessage.id} from ${messages} ${receiptMessage}
    where ${receiptMessage.conversationId} = ${readCursors.conversationId}
      and ${receiptMessage.authorKind} = 'staff'
      and ${publicMessages(receiptMessage)}
      and ${receiptMessage.publicSeq} <= ${readCursors.lastReadSeq}
    order by ${receiptMessage.publicSeq} desc
    limit 1
  )`;
  const rows = await db
    .select({
      contactId: contacts.id,
      name: contacts.name,
      messageId,
      readAt: readCursors.readAt,
    })
    .from(readCursors)
    .innerJoin(
      contacts,
      and(eq(contacts.id, readCursors.readerId), eq(contacts.firmId, readCursors.firmId)),
    )
    .where(
      and(
        eq(readCursors.firmId, input.firmId),
        eq(readCursors.conversationId, input.conversationId),
        eq(readCursors.readerKind, "contact"),
        input.contactId ? eq(readCursors.readerId, input.contactId) : undefined,
      ),
    )
    .orderBy(contacts.name);
  return rows.flatMap((row) =>
    row.messageId
      ? [{ ...row, messageId: row.messageId, readAt: new Date(row.readAt).toISOString() }]
      : [],
  );
}
