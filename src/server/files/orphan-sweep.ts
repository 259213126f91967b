import { and, asc, inArray, isNull, lt, sql } from "drizzle-orm";
import type { FastifyBaseLogger } from "fastify";
import type { Database } from "../db/connect.js";
import { attachments } from "../db/schema.js";
import { removeStoredFiles } from "./attachments.service.js";
import type { FileStorage } from "./storage.js";

export type SweepOptions = {
  /** The moment ages are counted from; the database's clock when absent. */
  now?: Date;
  /** How old an unsent upload must be to go. */
  olderThanHours?: number;
  /** Only these firms' uploads (every firm when absent). */
  firmIds?: string[];
  batchSize?: number;
};

/**
 * Removes uploads that were never attached to a message (row and bytes) once they are older than
 * a day. Each batch of rows is claimed by deleting it (`for update skip locked`), so when several
 * server processes sweep at once each file is removed by exactly one of them, and a send that is
 * attaching a file at that moment either wins it or finds it gone.
 */
export async function sweepUnattachedUploads(
  db: Database,
  storage: FileStorage,
  log: Pick<FastifyBaseLogger, "warn">,
  options: SweepOptions = {},
): Promise<{ removed: number }> {
  const now = options.now ? sql`${options.now.toISOString()}::timestamptz` : sql`now()`;
  const cutoff = sql`${now} - make_interval(hours => ${options.olderThanHours ?? 24})`;
  const batchSize = options.batchSize ?? 100;
  const unsentAndOld = and(
    isNull(attachments.messageId),
    lt(attachments.createdAt, cutoff),
    options.firmIds ? inArray(attachments.firmId, options.firmIds) : undefined,
  );
  let removed = 0;
  for (;;) {
    const due = db
      .select({ id: attachments.id })
      .from(attachments)
      .where(unsentAndOld)
      .orderBy(asc(attachments.createdAt))
      .limit(batchSize)
      .for("update", { skipLocked: true });
    const files = await db
      .delete(attachments)
      .where(and(inArray(attachments.id, due), unsentAndOld))
      .returning({ storageKey: attachments.storageKey, thumbnailKey: attachments.thumbnailKey });
    await removeStoredFiles(storage, files, log);
    removed += files.length;
    if (files.length < batchSize) return { removed };
  }
}

/** Runs the sweep every `intervalMs` (ten minutes by default) until stopped. */
export function startUploadSweeper(input: {
  db: Database;
  storage: FileStorage;
  log: FastifyBaseLogger;
  intervalMs?: number;
}): { stop: () => Promise<void> } {
  const { db, storage, log, intervalMs = 10 * 60_000 } = input;
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= sweepUnattachedUploads(db, storage, log)
      .then(({ removed }) => {
        if (removed > 0) log.info({ removed }, "removed uploads never attached to a message");
      })
      .catch((error) => log.error({ err: error }, "sweeping unattached uploads failed"))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
