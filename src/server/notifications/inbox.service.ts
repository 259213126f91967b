import { sql } from "drizzle-orm";
import { UNREAD_CAP } from "../../shared/api/messaging.js";
import {
  INBOX_PAGE_SIZE,
  type InboxFilter,
  type InboxPage,
} from "../../shared/api/notifications.js";
import type { StaffPrincipal } from "../auth/principal-types.js";
import type { Database } from "../db/connect.js";
import { conversations, readCursors } from "../db/schema.js";
import { staffConversationTitle } from "../messaging/message-shapes.js";
import {
  lastMessagePreview,
  type Reader,
  readerCursor,
  unreadCount,
} from "../messaging/read-state.js";
import { decodeCursor, encodeCursor } from "./keyset-cursor.js";

/** Has a message after my cursor: one I did not write, since writing reads up to it. */
const hasUnread = (reader: Reader) => sql`${unreadCount(reader)} > 0`;

/** I am mentioned in it and have not read the mention. */
const hasUnreadMention = (staffId: string) => sql<boolean>`exists (
  select 1 from notifications mn
  where mn.staff_id = ${staffId} and mn.conversation_id = ${conversations.id} and mn.read_at is null
)`;

const filterCondition = (filter: InboxFilter, reader: Reader & { kind: "staff" }) => {
  if (filter === "unread") return sql`and ${hasUnread(reader)}`;
  if (filter === "mentions") return sql`and ${hasUnreadMention(reader.staffId)}`;
  if (filter === "waiting") return sql`and ${conversations.waitingOn} = 'us'`;
  return sql``;
};

type InboxQueryRow = {
  conversationId: string;
  clientId: string;
  clientName: string;
  kind: "all_contacts" | "direct";
  contactName: string | null;
  contactRemoved: boolean;
  lastMessage: InboxPage["rows"][number]["lastMessage"] | string;
  lastActivityAt: string;
  position: string;
  unreadCount: number;
  waitingOn: "us" | "client" | null;
  mentioned: boolean;
};

/**
 * Every conversation of the firm that has a message, newest activity first, across clients, in
 * keyset pages over `(firm_id, last_message_at, id)`: a page costs the same at any history length.
 */
export async function listInbox(
  db: Database,
  principal: StaffPrincipal,
  query: { filter: InboxFilter; before?: string },
): Promise<InboxPage> {
  const reader = { kind: "staff", staffId: principal.staffId } as const;
  const cursor = decodeCursor(query.before);
  const after = cursor
    ? sql`and (${conversations.lastMessageAt}, ${conversations.id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`
    : sql``;
  const result = await db.execute<InboxQueryRow>(sql`
    select ${conversations.id} as "conversationId", ${conversations.clientId} as "clientId",
      cl.name as "clientName", ${conversations.kind} as kind,
      ct.name as "contactName", ct.removed_at is not null as "contactRemoved",
      ${lastMessagePreview(principal, reader)} as "lastMessage",
      to_char(${conversations.lastMessageAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "lastActivityAt",
      ${conversations.lastMessageAt}::text as position,
      ${unreadCount(reader)} as "unreadCount",
      ${conversations.waitingOn} as "waitingOn",
      ${hasUnreadMention(principal.staffId)} as mentioned
    from ${conversations}
    join clients cl on cl.id = ${conversations.clientId}
    left join contacts ct on ct.id = ${conversations.contactId}
    left join ${readCursors} on ${readerCursor(reader)}
    where ${conversations.firmId} = ${principal.firmId}
      and ${conversations.lastMessageAt} is not null
      ${after}
      ${filterCondition(query.filter, reader)}
    order by ${conversations.lastMessageAt} desc nulls last, ${conversations.id} desc nulls last
    limit ${INBOX_PAGE_SIZE + 1}
  `);
  const rows = result.rows.slice(0, INBOX_PAGE_SIZE);
  const last = rows.at(-1);
  return {
    rows: rows.map((row) => ({
      conversationId: row.conversationId,
      clientId: row.clientId,
      clientName: row.clientName,
      kind: row.kind,
      title: staffConversationTitle({
        kind: row.kind,
        contactName: row.contactName,
        former: row.contactRemoved,
      }),
      // node-postgres parses json; PGlite may hand it over as text.
      lastMessage:
        typeof row.lastMessage === "string" ? JSON.parse(row.lastMessage) : row.lastMessage,
      lastActivityAt: row.lastActivityAt,
      unreadCount: row.unreadCount,
      waitingOn: row.waitingOn,
      mentioned: row.mentioned,
    })),
    nextCursor:
      result.rows.length > INBOX_PAGE_SIZE && last
        ? encodeCursor({ at: last.position, id: last.conversationId })
        : null,
  };
}

/**
 * How many of the firm's conversations have something unread for me, capped like every count:
 * what the header's Inbox link shows.
 */
export async function inboxUnreadTotal(db: Database, principal: StaffPrincipal): Promise<number> {
  const reader = { kind: "staff", staffId: principal.staffId } as const;
  const result = await db.execute<{ count: number }>(sql`
    select count(*)::int as count from (
      select 1 from ${conversations}
      left join ${readCursors} on ${readerCursor(reader)}
      where ${conversations.firmId} = ${principal.firmId}
        and ${conversations.lastMessageAt} is not null
        and ${hasUnread(reader)}
      limit ${UNREAD_CAP}
    ) as unread
  `);
  return result.rows[0]?.count ?? 0;
}
