import { and, eq, inArray, isNull } from "drizzle-orm";
import type {
  EditMessageBody,
  Message,
  MessagePage,
  SendMessageInput,
} from "../../shared/api/messaging.js";
import type { StaffPrincipal } from "../auth/principal.js";
import type { Database, Queryable } from "../db/connect.js";
import { messages, staff, user } from "../db/schema.js";
import { AppError, forbidden, notFound } from "../http/errors.js";
import type { EventBus } from "../realtime/event-bus.js";
import { publishEvent, topics } from "../realtime/topics.js";
import { getStaffConversation } from "./conversations.service.js";
import { type MentionDirectory, parseMessageBody } from "./message-body.js";
import { publishMessageDeleted, publishMessageSaved } from "./message-events.js";
import { selectMessagePage, selectMessageViews, toStaffMessage } from "./messages.queries.js";
import { advanceReadCursor } from "./read-state.js";
import { messageIdFor, replaceMessageBody, storeNumberedMessage } from "./store-message.js";
import { visibleConversations, visibleMessages } from "./visibility.js";

/** Mentions may name only staff of the sender's own firm. */
function firmMentionDirectory(db: Database, firmId: string): MentionDirectory {
  return async (staffIds) => {
    if (staffIds.length === 0) return new Map();
    const rows = await db
      .select({ id: staff.id, name: user.name })
      .from(staff)
      .innerJoin(user, eq(user.id, staff.userId))
      .where(and(eq(staff.firmId, firmId), inArray(staff.id, staffIds)));
    return new Map(rows.map((row) => [row.id, row.name]));
  };
}

/** Keyset page of a conversation, newest page first when `before` is not given. */
export async function listMessages(
  db: Database,
  principal: StaffPrincipal,
  conversationId: string,
  page: { before?: number; limit: number },
): Promise<MessagePage> {
  await getStaffConversation(db, principal, conversationId);
  const { rows, hasOlder } = await selectMessagePage(db, {
    conversationId,
    visible: visibleMessages(principal),
    numbering: messages.seq,
    before: page.before,
    limit: page.limit,
  });
  return { messages: rows.map(toStaffMessage), hasOlder };
}

async function findStaffMessage(db: Queryable, principal: StaffPrincipal, messageId: string) {
  const [row] = await selectMessageViews(db).where(
    and(eq(messages.id, messageId), visibleMessages(principal)),
  );
  return row;
}

/**
 * Stores a staff message or note under an id derived from the one chosen (`messageIdFor`);
 * sending the same id again returns the stored message.
 */
export async function sendMessage(
  db: Database,
  bus: EventBus,
  principal: StaffPrincipal,
  conversationId: string,
  input: SendMessageInput,
): Promise<{ message: Message; created: boolean }> {
  const author = { kind: "staff" as const, staffId: principal.staffId, name: principal.name };
  const id = messageIdFor(input.id, author);
  const replay = async () => {
    const existing = await findStaffMessage(db, principal, id);
    if (
      !existing ||
      existing.conversationId !== conversationId ||
      existing.authorStaffId !== principal.staffId
    ) {
      throw new AppError("id_conflict", 409, "This message id is already used.");
    }
    return { message: toStaffMessage(existing), created: false };
  };
  const body = await parseMessageBody(input.body, firmMentionDirectory(db, principal.firmId));
  const stored = await storeNumberedMessage(db, {
    id,
    conversationId,
    visibleConversation: visibleConversations(principal),
    author,
    internal: input.internal,
    body,
  });
  if (stored === "duplicate") return replay();
  await publishMessageSaved(bus, stored.conversation, "message.created", stored.row);
  return { message: toStaffMessage(stored.row), created: true };
}

/** The message, if the principal may see it and wrote it: 404 if unseen, 403 if someone else's. */
async function findOwnMessage(db: Database, principal: StaffPrincipal, messageId: string) {
  const row = await findStaffMessage(db, principal, messageId);
  if (!row) throw notFound("Message");
  if (row.authorKind !== "staff" || row.authorStaffId !== principal.staffId) {
    throw forbidden("Only the author can change or delete a message.");
  }
  return row;
}

/** Replaces the body of one's own message; a stale `version` fails with 409 and changes nothing. */
export async function editMessage(
  db: Database,
  bus: EventBus,
  principal: StaffPrincipal,
  messageId: string,
  input: EditMessageBody,
): Promise<Message> {
  const current = await findOwnMessage(db, principal, messageId);
  const body = await parseMessageBody(input.body, firmMentionDirectory(db, principal.firmId));
  const edited = await replaceMessageBody(db, {
    messageId,
    version: input.version,
    body,
    authorName: current.authorName,
  });
  const conversation = await getStaffConversation(db, principal, current.conversationId);
  await publishMessageSaved(bus, conversation, "message.updated", edited);
  return toStaffMessage(edited);
}

/** Deletes one's own message for everyone: the row and its mentions are removed. */
export async function deleteMessage(
  db: Database,
  bus: EventBus,
  principal: StaffPrincipal,
  messageId: string,
): Promise<void> {
  const current = await findOwnMessage(db, principal, messageId);
  const conversation = await getStaffConversation(db, principal, current.conversationId);
  await db
    .delete(messages)
    .where(and(eq(messages.id, messageId), eq(messages.authorStaffId, principal.staffId)));
  await publishMessageDeleted(bus, conversation, current);
}

/** Marks the conversation read up to `seq` (clamped to what exists) for this staff member. */
export async function markConversationRead(
  db: Database,
  bus: EventBus,
  principal: StaffPrincipal,
  conversationId: string,
  seq: number,
): Promise<void> {
  const conversation = await getStaffConversation(db, principal, conversationId);
  // The event carries the cursor as stored: a read behind it leaves it where it was.
  const lastReadSeq = await advanceReadCursor(db, {
    firmId: principal.firmId,
    conversationId,
    reader: { kind: "staff", staffId: principal.staffId },
    seq: Math.min(seq, conversation.lastSeq),
  });
  await publishEvent(bus, topics.user(principal.userId), {
    type: "conversation.read",
    data: { clientId: conversation.clientId, conversationId, lastReadSeq },
  });
}

export async function listTeamMembers(db: Database, principal: StaffPrincipal) {
  return (
    db
      .select({ id: staff.id, name: user.name })
      .from(staff)
      .innerJoin(user, eq(user.id, staff.userId))
      // Deactivated teammates are not offered as mentions.
      .where(and(eq(staff.firmId, principal.firmId), isNull(staff.deactivatedAt)))
      .orderBy(user.name)
  );
}
