import { createHash } from "node:crypto";
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/connect.js";
import { isUniqueViolation } from "../db/errors.js";
import { conversations, mentions, messages } from "../db/schema.js";
import { AppError, notFound } from "../http/errors.js";
import type { ParsedMessageBody } from "./message-body.js";
import type { ConversationAudience } from "./message-events.js";
import type { MessageRow } from "./messages.queries.js";
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
  id: string;
  conversationId: string;
  /** The caller's visibility condition on the conversation row: no match answers 404. */
  visibleConversation: SQL;
  author: Reader & { name: string };
  internal: boolean;
  body: ParsedMessageBody;
};

/**
 * Numbers and stores a message in one transaction. `seq` (and `publicSeq` unless it is an
 * internal note) come from the conversation row, whose lock serializes concurrent sends, so
 * numbers are distinct and gap-free. The author's own message counts as read by them. Answers
 * "duplicate" when the id is stored already: this attempt and its numbers rolled back.
 */
export async function storeNumberedMessage(
  db: Database,
  input: NewMessage,
): Promise<{ row: MessageRow; conversation: ConversationAudience } | "duplicate"> {
  const { author, internal, body } = input;
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
      const [row] = await tx
        .insert(messages)
        .values({
          id: input.id,
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
      await advanceReadCursor(tx, {
        firmId: conversation.firmId,
        conversationId: conversation.id,
        reader: author,
        seq: author.kind === "staff" ? seq : publicSeq,
      });
      return { row: { ...row, authorName: author.name }, conversation };
    });
  } catch (error) {
    if (isUniqueViolation(error, "messages_pkey")) return "duplicate";
    throw error;
  }
}

/**
 * Replaces a message's body and its mentions if it is still at `version`; a stale version
 * answers 409 and changes nothing. `internal` is deliberately not settable: a note stays a note.
 */
export async function replaceMessageBody(
  db: Database,
  input: { messageId: string; version: number; body: ParsedMessageBody; authorName: string },
): Promise<MessageRow> {
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
    return { ...row, authorName: input.authorName };
  });
}
