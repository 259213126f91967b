import { and, asc, eq, inArray, isNotNull, isNull, type SQL } from "drizzle-orm";
import type { FastifyBaseLogger } from "fastify";
import { type Attachment, MAX_ATTACHMENTS_PER_MESSAGE } from "../../shared/api/files.js";
import type { Principal } from "../auth/principal.js";
import type { Queryable, Transaction } from "../db/connect.js";
import { attachments, conversations, messages } from "../db/schema.js";
import { AppError } from "../http/errors.js";
import { visibleAttachments } from "../messaging/visibility.js";
import type { FileStorage } from "./storage.js";

/** Who uploaded a file: a staff member, or a contact through one client's contact record. */
export type Uploader = { kind: "staff"; staffId: string } | { kind: "contact"; contactId: string };

/** Where a file's bytes are: what is left to remove once its row is gone. */
export type StoredFile = { storageKey: string; thumbnailKey: string | null };

const uploadedBy = (uploader: Uploader): SQL =>
  (uploader.kind === "staff"
    ? and(eq(attachments.uploaderKind, "staff"), eq(attachments.uploaderStaffId, uploader.staffId))
    : and(
        eq(attachments.uploaderKind, "contact"),
        eq(attachments.uploaderContactId, uploader.contactId),
      )) as SQL;

/** Rows whose bytes have all arrived; a row still being uploaded is never shown or attached. */
const isStored = isNotNull(attachments.size);

const attachmentColumns = {
  id: attachments.id,
  messageId: attachments.messageId,
  name: attachments.name,
  contentType: attachments.contentType,
  size: attachments.size,
  storageKey: attachments.storageKey,
  thumbnailKey: attachments.thumbnailKey,
};

type AttachmentRow = {
  id: string;
  name: string;
  contentType: string;
  size: number | null;
  thumbnailKey: string | null;
};

const toAttachment = (row: AttachmentRow): Attachment => ({
  id: row.id,
  name: row.name,
  contentType: row.contentType,
  size: row.size ?? 0,
  hasThumbnail: row.thumbnailKey !== null,
});

/** One attachment the principal may see (its message is visible to them, or it is their own unsent upload). */
export async function findVisibleAttachment(
  db: Queryable,
  principal: Principal,
  attachmentId: string,
) {
  const [row] = await db
    .select(attachmentColumns)
    .from(attachments)
    .leftJoin(messages, eq(messages.id, attachments.messageId))
    .leftJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(attachments.id, attachmentId), isStored, visibleAttachments(principal)));
  return row ? { ...row, size: row.size ?? 0 } : undefined;
}

/**
 * Attaches the uploader's unsent uploads to a message, inside the transaction that stores the
 * message. All or nothing: an id that is not an unsent upload of this uploader in this firm (or
 * more than MAX_ATTACHMENTS_PER_MESSAGE files) answers 400, and the thrown error rolls the
 * transaction back, message included.
 */
export async function claimUploadsForMessage(
  tx: Transaction,
  input: {
    uploader: Uploader;
    attachmentIds: readonly string[];
    messageId: string;
    firmId: string;
  },
): Promise<Attachment[]> {
  const ids = [...new Set(input.attachmentIds)];
  if (ids.length === 0) return [];
  if (ids.length > MAX_ATTACHMENTS_PER_MESSAGE) {
    throw new AppError(
      "too_many_attachments",
      400,
      `A message can carry at most ${MAX_ATTACHMENTS_PER_MESSAGE} files.`,
      { attachmentIds: `Attach at most ${MAX_ATTACHMENTS_PER_MESSAGE} files.` },
    );
  }
  const claimed = await tx
    .update(attachments)
    .set({ messageId: input.messageId })
    .where(
      and(
        inArray(attachments.id, ids),
        eq(attachments.firmId, input.firmId),
        isNull(attachments.messageId),
        isStored,
        uploadedBy(input.uploader),
      ),
    )
    .returning(attachmentColumns);
  if (claimed.length !== ids.length) {
    throw new AppError(
      "attachment_unavailable",
      400,
      "One of the files cannot be attached: it is not an upload of yours waiting to be sent. Upload it again.",
      { attachmentIds: "Upload the file again." },
    );
  }
  const order = new Map(ids.map((id, index) => [id, index]));
  return claimed.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0)).map(toAttachment);
}

/**
 * The files of messages the caller has already decided the reader may see, by message id, in the
 * order they were uploaded. Every message id without files maps to nothing.
 */
export async function listAttachmentsOfMessages(
  db: Queryable,
  input: { firmId: string; messageIds: readonly string[] },
): Promise<Map<string, Attachment[]>> {
  const byMessage = new Map<string, Attachment[]>();
  if (input.messageIds.length === 0) return byMessage;
  const rows = await db
    .select(attachmentColumns)
    .from(attachments)
    .where(
      and(
        inArray(attachments.messageId, [...input.messageIds]),
        eq(attachments.firmId, input.firmId),
        isStored,
      ),
    )
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
  for (const row of rows) {
    if (!row.messageId) continue;
    const list = byMessage.get(row.messageId) ?? [];
    list.push(toAttachment(row));
    byMessage.set(row.messageId, list);
  }
  return byMessage;
}

/**
 * Where the files of these messages are stored. Read it in the delete's transaction, before the
 * message rows go (their attachment rows go with them), and pass it to `removeStoredFiles` after
 * the commit.
 */
export async function storedFilesOfMessages(
  tx: Queryable,
  input: { firmId: string; messageIds: readonly string[] },
): Promise<StoredFile[]> {
  if (input.messageIds.length === 0) return [];
  return tx
    .select({ storageKey: attachments.storageKey, thumbnailKey: attachments.thumbnailKey })
    .from(attachments)
    .where(
      and(
        inArray(attachments.messageId, [...input.messageIds]),
        eq(attachments.firmId, input.firmId),
      ),
    );
}

/**
 * Takes files off a message (an edit that removes attachments), inside the edit's transaction;
 * ids that are not this message's files are ignored. Pass the answer to `removeStoredFiles` after
 * the commit.
 */
export async function removeAttachmentsFromMessage(
  tx: Transaction,
  input: { firmId: string; messageId: string; attachmentIds: readonly string[] },
): Promise<StoredFile[]> {
  if (input.attachmentIds.length === 0) return [];
  return tx
    .delete(attachments)
    .where(
      and(
        inArray(attachments.id, [...input.attachmentIds]),
        eq(attachments.messageId, input.messageId),
        eq(attachments.firmId, input.firmId),
      ),
    )
    .returning({ storageKey: attachments.storageKey, thumbnailKey: attachments.thumbnailKey });
}

/**
 * Removes the bytes of files whose rows are gone (after the commit that removed them). A storage
 * failure is logged, not thrown: the rows are gone already, and what stays is unreachable bytes.
 */
export async function removeStoredFiles(
  storage: FileStorage,
  files: readonly StoredFile[],
  log: Pick<FastifyBaseLogger, "warn">,
): Promise<void> {
  const keys = files.flatMap((file) =>
    file.thumbnailKey ? [file.storageKey, file.thumbnailKey] : [file.storageKey],
  );
  if (keys.length === 0) return;
  try {
    await storage.delete(keys);
  } catch (error) {
    log.warn({ err: error, keys }, "could not remove stored files of deleted attachments");
  }
}
