import { and, eq, isNull } from "drizzle-orm";
import type { FastifyBaseLogger } from "fastify";
import type {
  EditMessageBody,
  Message,
  MessagePage,
  SendMessageInput,
} from "../../shared/api/messaging.js";
import type { StaffPrincipal } from "../auth/principal.js";
import type { Database, Queryable } from "../db/connect.js";
import { messages, staff, user } from "../db/schema.js";
import { listAttachmentsOfMessages, removeStoredFiles } from "../files/attachments.service.js";
import type { FileStorage } from "../files/storage.js";
import { AppError, forbidden, notFound } from "../http/errors.js";
import {
  announceNotificationCounts,
  notifiedStaffOf,
  readMentionsUpTo,
  syncMentionNotifications,
} from "../notifications/mention-notifications.js";
import type { EventBus } from "../realtime/event-bus.js";
import { publishEvent, topics } from "../realtime/topics.js";
import type { Actor } from "./actor.js";
import { findConversation } from "./conversations.service.js";
import { parseMessageBody } from "./message-body.js";
import { publishMessageDeleted, publishMessageSaved } from "./message-events.js";
import {
  isAuthoredBy,
  type MessageRow,
  selectMessagePage,
  selectMessagesWithConversation,
} from "./message-sql.js";
import { removeMessage, replaceMessageBody, storeNumberedMessage } from "./message-writes.js";
import { advanceReadCursor, listReadReceipts } from "./read-state.js";
import { readReceiptAudiencesOf } from "./visibility.js";

/**
 * One service for both sides: every function takes the actor (`actorFor(principal)`), which
 * says whose numbering, shape, notes and mentions apply.
 */

/** Where removed files' bytes go after a commit, and where a failure to remove them is logged. */
export type FileCleanup = { storage: FileStorage; log: Pick<FastifyBaseLogger, "warn"> };

/** The rows with their files; the caller has already decided the reader may see these messages. */
async function withAttachments(
  db: Queryable,
  firmId: string,
  rows: MessageRow[],
): Promise<MessageRow[]> {
  const byMessage = await listAttachmentsOfMessages(db, {
    firmId,
    messageIds: rows.map((row) => row.id),
  });
  return rows.map((row) => ({ ...row, attachments: byMessage.get(row.id) ?? [] }));
}

/** Keyset page of a conversation, newest page first when `before` is not given. */
export async function listMessages(
  db: Database,
  actor: Actor,
  conversationId: string,
  page: { before?: number; limit: number },
): Promise<MessagePage> {
  const conversation = await findConversation(db, actor, conversationId);
  const { rows, hasOlder } = await selectMessagePage(db, {
    conversationId,
    visible: actor.visibleMessages,
    numbering: actor.numbering.message,
    before: page.before,
    limit: page.limit,
  });
  const shown = await withAttachments(db, conversation.firmId, rows);
  return { messages: shown.map(actor.shapeMessage), hasOlder };
}

/** A message the actor may see, with the conversation it is in; undefined when unseen. */
async function findVisibleMessage(db: Database, actor: Actor, messageId: string) {
  const [found] = await selectMessagesWithConversation(db).where(
    and(eq(messages.id, messageId), actor.visibleMessages, actor.visibleConversations),
  );
  if (!found) return undefined;
  const [row = found.row] = await withAttachments(db, found.conversation.firmId, [found.row]);
  return { ...found, row: row as MessageRow };
}

/**
 * Stores a message (or, for staff, an internal note) under an id derived from the one chosen
 * (`messageIdFor`); sending the same id again returns the stored message.
 */
export async function sendMessage(
  db: Database,
  bus: EventBus,
  actor: Actor,
  conversationId: string,
  input: {
    id: string;
    body: unknown;
    internal?: SendMessageInput["internal"];
    attachmentIds?: readonly string[];
  },
): Promise<{ message: Message; created: boolean }> {
  const internal = input.internal ?? false;
  if (internal && !actor.mayWriteNotes) throw forbidden("Only staff write internal notes.");
  const attachmentIds = input.attachmentIds ?? [];
  const body = await parseMessageBody(input.body, actor.mentionDirectory(db), {
    allowEmpty: attachmentIds.length > 0,
  });
  const stored = await storeNumberedMessage(db, {
    chosenId: input.id,
    conversationId,
    visibleConversation: actor.visibleConversations,
    authors: actor.authors,
    internal,
    body,
    attachmentIds,
  });
  if ("duplicateOf" in stored) {
    for (const id of stored.duplicateOf) {
      const existing = await findVisibleMessage(db, actor, id);
      if (
        existing &&
        existing.row.conversationId === conversationId &&
        isAuthoredBy(existing.row, actor.identityAt(existing.conversation))
      ) {
        return { message: actor.shapeMessage(existing.row), created: false };
      }
    }
    throw new AppError("id_conflict", 409, "This message id is already used.");
  }
  await publishMessageSaved(bus, stored.conversation, "message.created", stored.row);
  await announceNotificationCounts(db, bus, stored.notified);
  return { message: actor.shapeMessage(stored.row), created: true };
}

/** The message, if the actor may see it and wrote it: 404 if unseen, 403 if someone else's. */
async function findOwnMessage(db: Database, actor: Actor, messageId: string) {
  const found = await findVisibleMessage(db, actor, messageId);
  if (!found) throw notFound("Message");
  const author = actor.identityAt(found.conversation);
  if (!isAuthoredBy(found.row, author)) {
    throw forbidden("Only the author can change or delete a message.");
  }
  return { ...found, author };
}

/**
 * Replaces the body of one's own message and takes off the files named in `removeAttachmentIds`
 * (their bytes go after the commit); a stale `version` fails with 409 and changes nothing.
 */
export async function editMessage(
  db: Database,
  bus: EventBus,
  files: FileCleanup,
  actor: Actor,
  messageId: string,
  input: Pick<EditMessageBody, "body" | "version"> & { removeAttachmentIds?: readonly string[] },
): Promise<Message> {
  const { row: current, conversation } = await findOwnMessage(db, actor, messageId);
  const removeAttachmentIds = input.removeAttachmentIds ?? [];
  const keepsFiles = (current.attachments ?? []).some(
    (file) => !removeAttachmentIds.includes(file.id),
  );
  const body = await parseMessageBody(input.body, actor.mentionDirectory(db), {
    allowEmpty: keepsFiles,
  });
  const { row, removedFiles } = await replaceMessageBody(db, {
    messageId,
    version: input.version,
    body,
    authorName: current.authorName,
    removeAttachmentIds,
  });
  await removeStoredFiles(files.storage, removedFiles, files.log);
  const [edited = row] = await withAttachments(db, conversation.firmId, [row]);
  const notified = await syncMentionNotifications(
    db,
    { ...edited, firmId: conversation.firmId },
    body.mentionedStaffIds,
  );
  await publishMessageSaved(bus, conversation, "message.updated", edited);
  await announceNotificationCounts(db, bus, notified);
  return actor.shapeMessage(edited);
}

/**
 * Deletes one's own message for everyone: the row, its mentions and its files' rows are removed,
 * and the files' bytes after the commit.
 */
export async function deleteMessage(
  db: Database,
  bus: EventBus,
  files: FileCleanup,
  actor: Actor,
  messageId: string,
): Promise<void> {
  const { row, conversation, author } = await findOwnMessage(db, actor, messageId);
  const notified = await notifiedStaffOf(db, messageId);
  const stored = await removeMessage(db, {
    firmId: conversation.firmId,
    conversationId: conversation.id,
    messageId,
    author,
  });
  await removeStoredFiles(files.storage, stored, files.log);
  await publishMessageDeleted(bus, conversation, row);
  await announceNotificationCounts(db, bus, notified);
}

/** Marks the conversation read up to `seq` (clamped to what exists), in the actor's numbering. */
export async function markConversationRead(
  db: Database,
  bus: EventBus,
  actor: Actor,
  conversationId: string,
  seq: number,
): Promise<void> {
  const conversation = await findConversation(db, actor, conversationId);
  // The event carries the cursor as stored: a read behind it leaves it where it was.
  const lastReadSeq = await advanceReadCursor(db, {
    firmId: conversation.firmId,
    conversationId,
    reader: actor.identityAt(conversation),
    seq: Math.min(seq, conversation.lastSeq),
  });
  await publishEvent(bus, topics.user(actor.principal.userId), {
    type: "conversation.read",
    data: { clientId: conversation.clientId, conversationId, lastReadSeq },
  });
  const reader = actor.identityAt(conversation);
  if (reader.kind === "contact") await announceReadReceipt(db, bus, conversation, reader.contactId);
  const { principal } = actor;
  if (principal.kind === "staff") {
    const read = await readMentionsUpTo(db, {
      staffId: principal.staffId,
      conversationId,
      seq: lastReadSeq,
    });
    if (read) await announceNotificationCounts(db, bus, [principal.staffId]);
  }
}

/** Tells staff where a contact's read receipt now sits, once that contact has read further. */
async function announceReadReceipt(
  db: Queryable,
  bus: EventBus,
  conversation: Awaited<ReturnType<typeof findConversation>>,
  contactId: string,
) {
  const [receipt] = await listReadReceipts(db, {
    firmId: conversation.firmId,
    conversationId: conversation.id,
    contactId,
  });
  if (!receipt) return;
  for (const audience of readReceiptAudiencesOf(conversation)) {
    await publishEvent(bus, audience.topic, {
      type: "conversation.receipt",
      data: { clientId: conversation.clientId, conversationId: conversation.id, receipt },
    });
  }
}

/** Read receipts of a conversation the staff member sees (404 otherwise). */
export async function readReceiptsOf(db: Database, actor: Actor, conversationId: string) {
  const conversation = await findConversation(db, actor, conversationId);
  const receipts = await listReadReceipts(db, { firmId: conversation.firmId, conversationId });
  return { receipts };
}

/** The firm's staff, offered as @mentions. */
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
