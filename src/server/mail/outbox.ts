import { and, desc, eq, isNull, lte, sql } from "drizzle-orm";
import type { Queryable } from "../db/connect.js";
import { mailOutbox } from "../db/schema.js";
import type { MailContent } from "./templates.js";

export type MailKind = (typeof mailOutbox.$inferInsert)["kind"];

/** Writes an e-mail to the outbox, inside the caller's transaction when given one. */
export async function enqueueMail(
  db: Queryable,
  mail: { firmId: string | null; kind: MailKind; to: string; content: MailContent },
) {
  await db.insert(mailOutbox).values({
    firmId: mail.firmId,
    kind: mail.kind,
    toAddress: mail.to,
    subject: mail.content.subject,
    textBody: mail.content.text,
    htmlBody: mail.content.html,
  });
}

/** The firm's outgoing mail, newest first: what an owner reads when no SMTP server is set up. */
export async function listFirmOutbox(db: Queryable, firmId: string, limit = 100) {
  return db
    .select({
      id: mailOutbox.id,
      kind: mailOutbox.kind,
      to: mailOutbox.toAddress,
      subject: mailOutbox.subject,
      text: mailOutbox.textBody,
      createdAt: mailOutbox.createdAt,
      sentAt: mailOutbox.sentAt,
      attempts: mailOutbox.attempts,
      lastError: mailOutbox.lastError,
    })
    .from(mailOutbox)
    .where(eq(mailOutbox.firmId, firmId))
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(limit);
}

/** Mails due for a (re)try. */
export async function dueMail(db: Queryable, limit: number) {
  return db
    .select()
    .from(mailOutbox)
    .where(and(isNull(mailOutbox.sentAt), lte(mailOutbox.nextAttemptAt, sql`now()`)))
    .orderBy(mailOutbox.nextAttemptAt)
    .limit(limit);
}

export async function markMailSent(db: Queryable, id: string) {
  await db
    .update(mailOutbox)
    .set({ sentAt: sql`now()`, attempts: sql`${mailOutbox.attempts} + 1`, lastError: null })
    .where(eq(mailOutbox.id, id));
}

/** Schedules another try with exponential backoff (1 min, 2, 4 … capped at 6 h). */
export async function markMailFailed(db: Queryable, id: string, attempts: number, error: string) {
  const delaySeconds = Math.min(60 * 2 ** attempts, 6 * 60 * 60);
  await db
    .update(mailOutbox)
    .set({
      attempts: attempts + 1,
      lastError: error.slice(0, 500),
      nextAttemptAt: sql`now() + make_interval(secs => ${delaySeconds})`,
    })
    .where(eq(mailOutbox.id, id));
}
