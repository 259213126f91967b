import { and, eq, isNull, sql } from "drizzle-orm";
import { NOTIFICATION_PAGE_SIZE, type NotificationPage } from "../../shared/api/notifications.js";
import type { StaffPrincipal } from "../auth/principal-types.js";
import type { Database } from "../db/connect.js";
import { notifications } from "../db/schema.js";
import { notFound } from "../http/errors.js";
import { staffConversationTitle } from "../messaging/message-shapes.js";
import type { EventBus } from "../realtime/event-bus.js";
import { decodeCursor, encodeCursor } from "./keyset-cursor.js";
import { announceNotificationCounts, unreadNotificationCount } from "./mention-notifications.js";

type NotificationRow = {
  id: string;
  messageId: string;
  conversationId: string;
  clientId: string;
  clientName: string;
  kind: "all_contacts" | "direct";
  contactName: string | null;
  contactRemoved: boolean;
  authorName: string;
  internal: boolean;
  preview: string;
  createdAt: string;
  position: string;
  read: boolean;
};

/** One's own notifications, newest first, in keyset pages (cost does not grow with history). */
export async function listNotifications(
  db: Database,
  principal: StaffPrincipal,
  before?: string,
): Promise<NotificationPage> {
  const cursor = decodeCursor(before);
  const after = cursor
    ? sql`and (n.created_at, n.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`
    : sql``;
  const result = await db.execute<NotificationRow>(sql`
    select n.id, n.message_id as "messageId", n.conversation_id as "conversationId",
      c.client_id as "clientId", cl.name as "clientName", c.kind,
      ct.name as "contactName", ct.removed_at is not null as "contactRemoved",
      coalesce(u.name, ac.name, 'Former member') as "authorName",
      m.internal, left(m.body_text, 160) as preview,
      to_char(n.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt",
      n.created_at::text as position,
      n.read_at is not null as read
    from notifications n
    join messages m on m.id = n.message_id
    join conversations c on c.id = n.conversation_id
    join clients cl on cl.id = c.client_id
    left join contacts ct on ct.id = c.contact_id
    left join staff s on s.id = m.author_staff_id
    left join "user" u on u.id = s.user_id
    left join contacts ac on ac.id = m.author_contact_id
    where n.staff_id = ${principal.staffId} and n.firm_id = ${principal.firmId} ${after}
    order by n.created_at desc, n.id desc
    limit ${NOTIFICATION_PAGE_SIZE + 1}
  `);
  const rows = result.rows.slice(0, NOTIFICATION_PAGE_SIZE);
  const last = rows.at(-1);
  return {
    notifications: rows.map((row) => ({
      id: row.id,
      messageId: row.messageId,
      conversationId: row.conversationId,
      clientId: row.clientId,
      clientName: row.clientName,
      conversationTitle: staffConversationTitle({
        kind: row.kind,
        contactName: row.contactName,
        former: row.contactRemoved,
      }),
      authorName: row.authorName,
      internal: row.internal,
      preview: row.preview,
      createdAt: row.createdAt,
      read: row.read,
    })),
    unreadCount: await unreadNotificationCount(db, principal.staffId),
    nextCursor:
      result.rows.length > NOTIFICATION_PAGE_SIZE && last
        ? encodeCursor({ at: last.position, id: last.id })
        : null,
  };
}

/** Marks one of one's own notifications read; someone else's (or another firm's) is not found. */
export async function markNotificationRead(
  db: Database,
  bus: EventBus,
  principal: StaffPrincipal,
  notificationId: string,
): Promise<void> {
  const mine = and(
    eq(notifications.id, notificationId),
    eq(notifications.staffId, principal.staffId),
    eq(notifications.firmId, principal.firmId),
  );
  const [found] = await db.select({ readAt: notifications.readAt }).from(notifications).where(mine);
  if (!found) throw notFound("Notification");
  if (found.readAt) return;
  await db.update(notifications).set({ readAt: sql`now()` }).where(mine);
  await announceNotificationCounts(db, bus, [principal.staffId]);
}

export async function markAllNotificationsRead(
  db: Database,
  bus: EventBus,
  principal: StaffPrincipal,
): Promise<void> {
  const read = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.staffId, principal.staffId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  if (read.length > 0) await announceNotificationCounts(db, bus, [principal.staffId]);
}
