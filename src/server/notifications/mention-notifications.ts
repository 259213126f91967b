import { and, eq, inArray, isNull, notInArray, sql } from "drizzle-orm";
import type { Database, Queryable } from "../db/connect.js";
import { messages, notifications, staff } from "../db/schema.js";
import type { EventBus } from "../realtime/event-bus.js";
import { publishEvent, topics } from "../realtime/topics.js";

/** A stored message as far as its mentions go. */
export type MentioningMessage = {
  id: string;
  firmId: string;
  conversationId: string;
  authorStaffId: string | null;
};

/**
 * Makes the message's notifications match its mentions: a newly mentioned staff member gets one
 * row (kept across later edits, so they are notified once), one no longer mentioned loses it,
 * the author never notifies themself, and a deactivated member is never notified. Answers the
 * staff whose notifications changed.
 */
export async function syncMentionNotifications(
  db: Queryable,
  message: MentioningMessage,
  mentionedStaffIds: readonly string[],
): Promise<string[]> {
  const recipients = [...new Set(mentionedStaffIds)].filter((id) => id !== message.authorStaffId);
  const removed = await db
    .delete(notifications)
    .where(
      and(
        eq(notifications.messageId, message.id),
        recipients.length > 0 ? notInArray(notifications.staffId, recipients) : undefined,
      ),
    )
    .returning({ staffId: notifications.staffId });
  // Only active staff of the message's own firm: a mention never reaches another firm, and a
  // deactivated member may not sign in to read it.
  const firmRecipients =
    recipients.length === 0
      ? []
      : await db
          .select({ id: staff.id })
          .from(staff)
          .where(
            and(
              eq(staff.firmId, message.firmId),
              inArray(staff.id, recipients),
              isNull(staff.deactivatedAt),
            ),
          );
  const added =
    firmRecipients.length === 0
      ? []
      : await db
          .insert(notifications)
          .values(
            firmRecipients.map((recipient) => ({
              firmId: message.firmId,
              staffId: recipient.id,
              messageId: message.id,
              conversationId: message.conversationId,
            })),
          )
          .onConflictDoNothing()
          .returning({ staffId: notifications.staffId });
  return [...removed, ...added].map((row) => row.staffId);
}

/** The staff notified of one message: who must hear that their count changed when it goes. */
export async function notifiedStaffOf(db: Queryable, messageId: string): Promise<string[]> {
  const rows = await db
    .select({ staffId: notifications.staffId })
    .from(notifications)
    .where(eq(notifications.messageId, messageId));
  return rows.map((row) => row.staffId);
}

/** One staff member's unread notifications. */
export async function unreadNotificationCount(db: Queryable, staffId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.staffId, staffId), isNull(notifications.readAt)));
  return row?.count ?? 0;
}

/**
 * Tells each staff member's own sockets their new unread count, after the commit. Sent to the
 * person's topic only, which no contact ever subscribes to.
 */
export async function announceNotificationCounts(
  db: Database,
  bus: EventBus,
  staffIds: readonly string[],
): Promise<void> {
  const unique = [...new Set(staffIds)];
  if (unique.length === 0) return;
  const people = await db
    .select({ staffId: staff.id, userId: staff.userId })
    .from(staff)
    .where(inArray(staff.id, unique));
  for (const person of people) {
    const unreadCount = await unreadNotificationCount(db, person.staffId);
    await publishEvent(bus, topics.user(person.userId), {
      type: "notification.changed",
      data: { unreadCount },
    });
  }
}

/**
 * Reading a conversation up to `seq` reads the mentions in it up to there. Answers whether any
 * notification changed, so the caller announces the new count only then.
 */
export async function readMentionsUpTo(
  db: Queryable,
  input: { staffId: string; conversationId: string; seq: number },
): Promise<boolean> {
  const read = await db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(
      and(
        eq(notifications.staffId, input.staffId),
        eq(notifications.conversationId, input.conversationId),
        isNull(notifications.readAt),
        sql`${notifications.messageId} in (
          select ${messages.id} from ${messages}
          where ${messages.conversationId} = ${input.conversationId} and ${messages.seq} <= ${input.seq}
        )`,
      ),
    )
    .returning({ id: notifications.id });
  return read.length > 0;
}
