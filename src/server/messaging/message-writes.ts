import { createHash } from "node:crypto";
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/connect.js";
import { isUniqueViolation } from "../db/errors.js";
import { conversations, mentions, messages } from "../db/schema.js";
import {
  claimUploadsForMessage,
  removeAttachmentsFromMessage,
  type StoredFile,
  storedFilesOfMessages,
} from "../files/attachments.service.js";
import { AppError, notFound } from "../http/errors.js";
import type { Identity } from "./actor.js";
import type { ParsedMessageBody } from "./message-body.js";
import type { ConversationAudience } from "./message-events.js";
import { authoredBy, type MessageRow } from "./message-sql.js";
import { advanceReadCursor, type Reader } from "./read-state.js";

/**
 * The id a message is stored under: derived from the id its sender chose and from the sender.
 * A retry finds the message it stored before, and an id someone else already used neither
 * collides nor tells the sender that it exists (every sender gets an id of their own).
 */
export function messageIdFor(chosenId: string, author: Reader): string {
  const sender =
    author.kind === "staff" ? `staff:${author.staffId}` : `contact:${author.contactId}`;
  const bytes = createHash("sha256").update(`${sender}:${chosenId.toLowerCase()}`).digest();
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80; // version 8: a custom, hash-based UUID (RFC 9562)
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type NewMessage = {
  /** The id the sender chose; the message is stored under `messageIdFor(chosenId, author)`. */
  chosenId: string;
  conversationId: string;
  /** The caller's visibility condition on the conversation row: no match answers 404. */
  visibleConversation: SQL;
  /** The author as they appear in this conversation's client (a contact has one record each). */
  authorAt: (conversation: ConversationAudience) => Identity;
  /** Which of the message's numbers the author's read cursor counts in. */
  ownNumber: (numbers: { seq: number; publicSeq: number }) => number;
  internal: boolean;
  body: ParsedMessageBody;
  /** The author's own unsent uploads to attach; any that is not refuses the whole send. */
  attachmentIds: readonly string[];
};

export type StoredMessage = { row: MessageRow; conversation: ConversationAudience };

/**
 * Numbers and stores a message in one transaction, without reading the conversation first: the
 * numbering update is also the visibility check. `seq` (and `publicSeq` unless it is an
 * internal note) come from the conversation row, whose lock serializes concurrent sends, so
 * numbers are distinct and gap-free. The author's own message counts as read by them. Answers
 * the stored id as a duplicate when it is stored already: this attempt and its numbers rolled back.
 */
export async function storeNumberedMessage(
  db: Database,
  input: NewMessage,
): Promise<StoredMessage | { duplicateOf: string }> {
  const { internal, body } = input;
  let id: string | undefined;
  try {
    return await db.transaction(async (tx) => {
      const [numbered] = await tx
        .update(conversations)
        .set({
          lastSeq: sql`${conversations.lastSeq} + 1`,
          lastPublicSeq: internal
            ? conversations.lastPublicSeq
            : sql`${conversations.lastPublicSeq} + 1`,
          lastMessageAt: sql`now()`,
        })
        .where(and(eq(conversations.id, input.conversationId), input.visibleConversation))
        .returning({
          seq: conversations.lastSeq,
          publicSeq: conversations.lastPublicSeq,
          id: conversations.id,
          firmId: conversations.firmId,
          clientId: conversations.clientId,
          kind: conversations.kind,
          contactId: conversations.contactId,
        });
      if (!numbered) throw notFound("Conversation");
      const { seq, publicSeq, ...conversation } = numbered;
      const author = input.authorAt(conversation);
      id = messageIdFor(input.chosenId, author);
      const [row] = await tx
        .insert(messages)
        .values({
          id,
          firmId: conversation.firmId,
          conversationId: conversation.id,
          seq,
          publicSeq: internal ? null : publicSeq,
          authorKind: author.kind,
          authorStaffId: author.kind === "staff" ? author.staffId : null,
          authorContactId: author.kind === "contact" ? author.contactId : null,
          internal,
          body: body.doc,
          bodyText: body.text,
        })
        .returning();
      if (!row) throw new Error("message insert returned no row");
      if (body.mentionedStaffIds.length > 0) {
        await tx.insert(mentions).values(
          body.mentionedStaffIds.map((staffId) => ({
            firmId: conversation.firmId,
            messageId: row.id,
            staffId,
          })),
        );
      }
      const attached = await claimUploadsForMessage(tx, {
        uploader: author,
        attachmentIds: input.attachmentIds,
        messageId: row.id,
        firmId: conversation.firmId,
      });
      await advanceReadCursor(tx, {
        firmId: conversation.firmId,
        conversationId: conversation.id,
        reader: author,
        seq: input.ownNumber({ seq, publicSeq }),
      });
      return { row: { ...row, authorName: author.name, attachments: attached }, conversation };
    });
  } catch (error) {
    if (id && isUniqueViolation(error, "messages_pkey")) return { duplicateOf: id };
    throw error;
  }
}

/**
 * Removes one's own message; its mentions and attachments' rows go with it. Answers where its
 * files' bytes are, for the caller to remove after the commit.
 */
export async function removeMessage(
  db: Database,
  input: { firmId: string; messageId: string; author: Reader },
): Promise<StoredFile[]> {
  return db.transaction(async (tx) => {
    const stored = await storedFilesOfMessages(tx, {
      firmId: input.firmId,
      messageIds: [input.messageId],
    });
    const removed = await tx
      .delete(messages)
      .where(and(eq(messages.id, input.messageId), authoredBy(input.author)))
      .returning({ id: messages.id });
    return removed.length > 0 ? stored : [];
  });
}

/**
 * Replaces a message's body and its mentions if it is still at `version`; a stale version
 * answers 409 and changes nothing. `internal` is deliberately not settable: a note stays a note.
 */
export async function replaceMessageBody(
  db: Database,
  input: {
    messageId: string;
    version: number;
    body: ParsedMessageBody;
    authorName: string;
    /** Files to take off the message; ids that are not its files are ignored. */
    removeAttachmentIds: readonly string[];
  },
): Promise<{ row: MessageRow; removedFiles: StoredFile[] }> {
  const { body, messageId } = input;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(messages)
      .set({
        body: body.doc,
        bodyText: body.text,
        editedAt: sql`now()`,
        version: sql`${messages.version} + 1`,
      })
      .where(and(eq(messages.id, messageId), eq(messages.version, input.version)))
      .returning();
    if (!row) {
      throw new AppError(
        "stale_version",
        409,
        "This message was changed elsewhere. Reload it before editing.",
      );
    }
    await tx.delete(mentions).where(eq(mentions.messageId, messageId));
    if (body.mentionedStaffIds.length > 0) {
      await tx
        .insert(mentions)
        .values(
          body.mentionedStaffIds.map((staffId) => ({ firmId: row.firmId, messageId, staffId })),
        );
    }
    const removedFiles = await removeAttachmentsFromMessage(tx, {
      firmId: row.firmId,
      messageId,
      attachmentIds: input.removeAttachmentIds,
    });
    return { row: { ...row, authorName: input.authorName }, removedFiles };
  });
}
