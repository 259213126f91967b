import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import type { FastifyBaseLogger } from "fastify";
import type { Attachment } from "../../shared/api/files.js";
import type { Database } from "../db/connect.js";
import { attachments } from "../db/schema.js";
import { AppError } from "../http/errors.js";
import type { Uploader } from "./attachments.service.js";
import { detectContentType, hasPreviewableImage, TYPE_SAMPLE_BYTES } from "./content-types.js";
import { cleanFileName } from "./file-name.js";
import type { FileStorage } from "./storage.js";
import { makeThumbnail } from "./thumbnails.js";

export type FilesDeps = { db: Database; storage: FileStorage; log: FastifyBaseLogger };

/** A file arriving in a request: its bytes, the name the browser gave, and whether the parser cut it short. */
export type IncomingFile = { stream: Readable; name: string | undefined; truncated: () => boolean };

const fileTooLarge = (maxBytes: number) =>
  new AppError(
    "file_too_large",
    413,
    `This file is larger than ${Math.floor(maxBytes / (1024 * 1024))} MB, the most a file can be.`,
  );
const fileEmpty = () => new AppError("file_empty", 400, "This file is empty.");
const typeNotAllowed = () =>
  new AppError(
    "file_type_not_allowed",
    400,
    "Files of this kind cannot be sent. Send PDFs, images, Office or OpenDocument files, text or CSV, XML, or ZIP archives.",
  );
const uploadInterrupted = () =>
  new AppError("upload_interrupted", 400, "The upload stopped before the whole file arrived.");

/** Where a file's bytes go; a firm's files share a prefix, so a firm's files can be found together. */
export const storageKeyFor = (firmId: string, attachmentId: string) =>
  `${firmId}/${attachmentId.slice(0, 2)}/${attachmentId}`;
const thumbnailKeyFor = (storageKey: string) => `${storageKey}.thumbnail.webp`;

/**
 * Streams an upload to storage as an unsent attachment of its uploader. The type is decided from
 * the first bytes before anything is stored; a file that turns out too large, empty or cut short
 * leaves neither bytes nor a row behind. The row exists from before the first byte is stored (with
 * no size until the last one is), so even a crash mid-upload leaves nothing the sweep cannot find.
 */
export async function storeUpload(
  { db, storage, log }: FilesDeps,
  input: {
    firmId: string;
    uploader: Uploader;
    userId: string;
    file: IncomingFile;
    maxBytes: number;
  },
): Promise<Attachment> {
  const { firmId, uploader, file, maxBytes } = input;
  const source = file.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // Why an upload stopped, as we decided it: storage may wrap the error it was given.
  let refusal: AppError | null = null;
  const refuse = (error: AppError) => {
    refusal = error;
    return error;
  };
  const next = () =>
    source.next().catch(() => {
      throw refuse(uploadInterrupted());
    });
  const stopReading = () => source.return?.();

  const sample: Buffer[] = [];
  let sampled = 0;
  let ended = false;
  while (sampled < TYPE_SAMPLE_BYTES) {
    const read = await next();
    if (read.done) {
      ended = true;
      break;
    }
    sample.push(read.value);
    sampled += read.value.length;
  }
  const head = Buffer.concat(sample);
  const name = cleanFileName(file.name);
  if (head.length === 0) throw fileEmpty();
  const contentType = await detectContentType(head, name);
  if (!contentType) {
    await stopReading();
    throw typeNotAllowed();
  }

  const id = randomUUID();
  const storageKey = storageKeyFor(firmId, id);
  await db.insert(attachments).values({
    id,
    firmId,
    uploaderKind: uploader.kind,
    uploaderStaffId: uploader.kind === "staff" ? uploader.staffId : null,
    uploaderContactId: uploader.kind === "contact" ? uploader.contactId : null,
    uploadedByUserId: input.userId,
    name,
    contentType,
    storageKey,
  });

  let size = 0;
  const counted = async function* () {
    const take = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) throw refuse(fileTooLarge(maxBytes));
      return chunk;
    };
    try {
      yield take(head);
      for (let read = ended ? null : await next(); read && !read.done; read = await next()) {
        yield take(read.value);
      }
      ended = true;
    } finally {
      if (!ended) await stopReading();
    }
  };

  try {
    await storage.put(storageKey, Readable.from(counted(), { objectMode: false }), contentType);
    if (file.truncated()) throw refuse(fileTooLarge(maxBytes));
  } catch (error) {
    await storage.delete([storageKey]).catch((cleanupError: unknown) => {
      log.warn({ err: cleanupError, storageKey }, "could not remove a failed upload's bytes");
    });
    await db.delete(attachments).where(eq(attachments.id, id));
    throw refusal ?? error;
  }

  const thumbnailKey = hasPreviewableImage(contentType)
    ? await storeThumbnail({ storage, log }, storageKey)
    : null;
  await db.update(attachments).set({ size, thumbnailKey }).where(eq(attachments.id, id));
  return { id, name, contentType, size, hasThumbnail: thumbnailKey !== null };
}

/** Makes and stores an image's thumbnail; an image that cannot be decoded simply has none. */
async function storeThumbnail(
  { storage, log }: Pick<FilesDeps, "storage" | "log">,
  storageKey: string,
): Promise<string | null> {
  try {
    const original = await storage.get(storageKey);
    if (!original) return null;
    const thumbnail = await makeThumbnail(original.body);
    const thumbnailKey = thumbnailKeyFor(storageKey);
    await storage.put(thumbnailKey, Readable.from([thumbnail]), "image/webp");
    return thumbnailKey;
  } catch (error) {
    log.warn({ err: error, storageKey }, "no thumbnail for an image that could not be decoded");
    return null;
  }
}
