import { createHash } from "node:crypto";
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Database, Transaction } from "../db/connect.js";
import { isUniqueViolation } from "../db/errors.js";
import { executePrepared } from "../db/prepared.js";
import { conversations, deletedMessageNumbers, mentions, messages } from "../db/schema.js";
import {
  claimUploadsForMessage,
  removeAttachmentsFromMessage,
  type StoredFile,
  storedFilesOfMessages,
} from "../files/attachments.service.js";
import { AppError, notFound } from "../http/errors.js";
import type { AuthorAt, Identity } from "./actor.js";
import type { ParsedMessageBody } from "./message-body.js";
import type { ConversationAudience } from "./message-events.js";
import { authoredBy, type MessageRow } from "./message-sql.js";
import { type Reader, waitingOnFromMessages } from "./read-state.js";

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
  /**
   * Who the author may be, by the conversation's client: a contact has one record at each
   * client (`clientId` null means the same identity at every client, as for staff).
   */
  authors: readonly AuthorAt[];
  internal: boolean;
  body: ParsedMessageBody;
  /** The author's own unsent uploads to attach; any that is not refuses the whole send. */
  attachmentIds: readonly string[];
};

export type StoredMessage = {
  row: MessageRow;
  conversation: ConversationAudience;
  /** Staff whose mention notifications this message created. */
  notified: string[];
};

/** A Postgres array literal of uuids that were already checked to be uuids. */
const uuidArray = (ids: readonly string[]) => `{${ids.join(",")}}`;

/** `pick(author)` for the author at the numbered conversation's client. */
function byClient(authors: readonly AuthorAt[], pick: (author: AuthorAt) => SQL): SQL {
  const [only] = authors;
  if (authors.length === 1 && only && only.clientId === null) return pick(only);
  const cases = authors.map((author) => sql`when ${author.clientId}::uuid then ${pick(author)}`);
  return sql`case n.client_id ${sql.join(cases, sql` `)} end`;
}

/**
 * The one statement that numbers and stores a message: it takes the next numbers from the
 * conversation row (whose lock serializes concurrent sends, so numbers are distinct and
 * gap-free; the update's condition is also the visibility check), inserts the message, its
 * mentions and their notifications, and moves the author's read cursor past it.
 */
function numberedInsert(input: NewMessage): SQL {
  const { internal, body, authors } = input;
  const kind = authors[0]?.identity.kind ?? "staff";
  const readerIdOf = ({ identity }: AuthorAt) =>
    identity.kind === "staff" ? identity.staffId : identity.contactId;
  const messageId = byClient(
    authors,
    (author) => sql`${messageIdFor(input.chosenId, author.identity)}::uuid`,
  );
  const readerId = byClient(authors, (author) => sql`${readerIdOf(author)}::uuid`);
  const mentioned = [...new Set(body.mentionedStaffIds)];
  const staffAuthor = kind === "staff" ? readerIdOf(authors[0] as AuthorAt) : null;
  const recipients = mentioned.filter((id) => id !== staffAuthor);
  return sql`
    with n as (
      update conversations set
        last_seq = last_seq + 1,
        last_public_seq = last_public_seq + ${sql.raw(internal ? "0" : "1")},
        last_message_at = now(),
        waiting_on = ${sql.raw(internal ? "waiting_on" : kind === "contact" ? "'us'" : "'client'")}
      where ${and(eq(conversations.id, input.conversationId), input.visibleConversation)}
      returning id, firm_id, client_id, kind, contact_id, last_seq, last_public_seq
    ), i as (
      insert into messages (id, firm_id, conversation_id, seq, public_seq, author_kind,
        author_staff_id, author_contact_id, internal, body, body_text)
      select ${messageId}, n.firm_id, n.id, n.last_seq,
        ${sql.raw(internal ? "null" : "n.last_public_seq")}, ${sql.raw(`'${kind}'`)},
        ${kind === "staff" ? readerId : sql`null`}, ${kind === "contact" ? readerId : sql`null`},
        ${sql.raw(internal ? "true" : "false")}, ${JSON.stringify(body.doc)}::jsonb, ${body.text}
      from n
      returning id, conversation_id, seq, public_seq, author_kind, author_staff_id,
        author_contact_id, internal, body, created_at, edited_at, version
    ), mentioned as (
      insert into mentions (firm_id, message_id, staff_id)
      select n.firm_id, i.id, m.staff_id
      from n, i, unnest(${uuidArray(mentioned)}::uuid[]) as m(staff_id)
    ), notified as (
      -- Only active staff of the message's own firm: a mention can never reach another firm,
      -- and a deactivated member may not sign in to read it.
      insert into notifications (firm_id, staff_id, message_id, conversation_id)
      select s.firm_id, s.id, i.id, i.conversation_id
      from n, i, staff s
      where s.firm_id = n.firm_id and s.id = any(${uuidArray(recipients)}::uuid[])
        and s.deactivated_at is null
      on conflict do nothing
      returning staff_id
    ), cursor as (
      insert into read_cursors (firm_id, conversation_id, reader_kind, reader_id, last_read_seq)
      select n.firm_id, n.id, ${sql.raw(`'${kind}'`)}, ${readerId},
        ${sql.raw(kind === "staff" ? "n.last_seq" : "n.last_public_seq")}
      from n
      on conflict (conversation_id, reader_kind, reader_id)
      do update set last_read_seq = greatest(read_cursors.last_read_seq, excluded.last_read_seq)
    )
    select i.*, n.firm_id, n.client_id, n.kind, n.contact_id,
      (select coalesce(json_agg(staff_id), '[]'::json) from notified) as notified
    from i, n`;
}

type NumberedRow = {
  id: string;
  conversation_id: string;
  seq: number;
  public_seq: number | null;
  author_kind: "staff" | "contact";
  author_staff_id: string | null;
  author_contact_id: string | null;
  internal: boolean;
  body: unknown;
  created_at: Date | string;
  edited_at: Date | string | null;
  version: number;
  firm_id: string;
  client_id: string;
  kind: "all_contacts" | "direct";
  contact_id: string | null;
  notified: string[] | string;
};

const asDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));

/**
 * Numbers and stores a message: one statement, or, with files to attach, that statement and the
 * files' claim in one transaction. The author's own message counts as read by them. Answers the
 * ids it may be stored under as a duplicate when it is stored already: nothing was changed.
 */
export async function storeNumberedMessage(
  db: Database,
  input: NewMessage,
): Promise<StoredMessage | { duplicateOf: string[] }> {
  const statement = numberedInsert(input);
  try {
    if (input.attachmentIds.length === 0) {
      return storedFrom(input, await executePrepared<NumberedRow>(db, statement), []);
    }
    return await db.transaction(async (tx) => {
      const rows = await executePrepared<NumberedRow>(tx, statement);
      const numbered = rows[0];
      if (!numbered) throw notFound("Conversation");
      const author = authorAt(input.authors, numbered.client_id);
      const attached = await claimUploadsForMessage(tx, {
        uploader: author,
        attachmentIds: input.attachmentIds,
        messageId: numbered.id,
        firmId: numbered.firm_id,
      });
      return storedFrom(input, rows, attached);
    });
  } catch (error) {
    if (isUniqueViolation(error, "messages_pkey")) {
      return {
        duplicateOf: input.authors.map(({ identity }) => messageIdFor(input.chosenId, identity)),
      };
    }
    throw error;
  }
}

function authorAt(authors: readonly AuthorAt[], clientId: string): Identity {
  const found = authors.find((author) => author.clientId === null || author.clientId === clientId);
  if (!found) throw notFound("Conversation");
  return found.identity;
}

function storedFrom(
  input: NewMessage,
  rows: NumberedRow[],
  attachments: MessageRow["attachments"],
): StoredMessage {
  const numbered = rows[0];
  if (!numbered) throw notFound("Conversation");
  const author = authorAt(input.authors, numbered.client_id);
  const notified =
    typeof numbered.notified === "string" ? JSON.parse(numbered.notified) : numbered.notified;
  return {
    row: {
      id: numbered.id,
      conversationId: numbered.conversation_id,
      seq: numbered.seq,
      publicSeq: numbered.public_seq,
      authorKind: numbered.author_kind,
      authorStaffId: numbered.author_staff_id,
      authorContactId: numbered.author_contact_id,
      authorName: author.name,
      internal: numbered.internal,
      body: numbered.body,
      createdAt: asDate(numbered.created_at),
      editedAt: numbered.edited_at === null ? null : asDate(numbered.edited_at),
      version: numbered.version,
      attachments,
    },
    conversation: {
      id: numbered.conversation_id,
      firmId: numbered.firm_id,
      clientId: numbered.client_id,
      kind: numbered.kind,
      contactId: numbered.contact_id,
    },
    notified,
  };
}

/**
 * Removes one's own message; its mentions and attachments' rows go with it. Answers where its
 * files' bytes are, for the caller to remove after the commit.
 */
export async function removeMessage(
  db: Database,
  input: { firmId: string; conversationId: string; messageId: string; author: Reader },
): Promise<StoredFile[]> {
  return db.transaction(async (tx) => {
    // Takes the conversation's row first, as a send does: a send or deletion still open there
    // commits before this one reads whom the conversation waits on.
    await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(eq(conversations.id, input.conversationId))
      .for("update");
    const stored = await storedFilesOfMessages(tx, {
      firmId: input.firmId,
      messageIds: [input.messageId],
    });
    const [removed] = await tx
      .delete(messages)
      .where(and(eq(messages.id, input.messageId), authoredBy(input.author)))
      .returning({
        firmId: messages.firmId,
        conversationId: messages.conversationId,
        seq: messages.seq,
        publicSeq: messages.publicSeq,
      });
    if (!removed) return [];
    await recordDeletedNumbers(tx, removed);
    return stored;
  });
}

/**
 * Keeps the conversation's counts exact after a message is gone: its numbers become gaps that no
 * unread count includes, and if contacts saw it, who the conversation waits on is read again.
 */
async function recordDeletedNumbers(
  tx: Transaction,
  removed: { firmId: string; conversationId: string; seq: number; publicSeq: number | null },
): Promise<void> {
  const at = { firmId: removed.firmId, conversationId: removed.conversationId };
  await tx
    .insert(deletedMessageNumbers)
    .values([
      { ...at, readerKind: "staff", number: removed.seq },
      ...(removed.publicSeq === null
        ? []
        : [{ ...at, readerKind: "contact" as const, number: removed.publicSeq }]),
    ]);
  if (removed.publicSeq === null) return;
  await tx
    .update(conversations)
    .set({ waitingOn: waitingOnFromMessages })
    .where(eq(conversations.id, removed.conversationId));
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
