import { and, desc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Queryable } from "../db/connect.js";
import { mailOutbox } from "../db/schema.js";
import type { MailContent } from "./templates.js";

export type MailKind = (typeof mailOutbox.$inferInsert)["kind"];

/** Mail a firm sends; anything else (a person's own sign-in links and resets) has no firm. */
const firmMailKinds: MailKind[] = ["invitation", "new_messages"];

/**
 * Writes an e-mail to the outbox, inside the caller's transaction when given one. Mail about a
 * person's own account is written with `firmId: null`: it never shows on any firm's outbox.
 */
export async function enqueueMail(
  db: Queryable,
  mail: {
    firmId: string | null;
    kind: MailKind;
    to: string;
    content: MailContent;
    /** The firm's outbox may show the link (only for invitations written without SMTP). */
    firmCanReadLink?: boolean;
  },
) {
  await db.insert(mailOutbox).values({
    firmId: mail.firmId,
    firmCanReadLink: mail.firmCanReadLink ?? false,
    kind: mail.kind,
    toAddress: mail.to,
    subject: mail.content.subject,
    textBody: mail.content.text,
    htmlBody: mail.content.html,
    headers: mail.content.headers ?? {},
  });
}

/** Links that sign someone in, reset a password, accept an invitation or unsubscribe a contact. */
const credentialLink =
  /https?:\/\/\S*?(?:\/invitation\/|\/api\/auth\/|\/unsubscribe\/|[?&]token=)\S*/g;

/** The mail's text with every link that carries a token replaced by a note. */
export const hideCredentialLinks = (text: string) =>
  text.replace(credentialLink, "[link hidden: it was sent to the recipient by e-mail]");

/**
 * The firm's outgoing mail, newest first: what an owner reads. An invitation's link shows only
 * where no SMTP server is configured and the link was written for the firm to pass on; every
 * other token is hidden, and nobody's own sign-in links or resets are ever listed.
 */
export async function listFirmOutbox(
  db: Queryable,
  firmId: string,
  options: { smtpConfigured: boolean; limit?: number },
) {
  const rows = await db
    .select({
      id: mailOutbox.id,
      kind: mailOutbox.kind,
      to: mailOutbox.toAddress,
      subject: mailOutbox.subject,
      text: mailOutbox.textBody,
      firmCanReadLink: mailOutbox.firmCanReadLink,
      createdAt: mailOutbox.createdAt,
      sentAt: mailOutbox.sentAt,
      attempts: mailOutbox.attempts,
      lastError: mailOutbox.lastError,
    })
    .from(mailOutbox)
    .where(and(eq(mailOutbox.firmId, firmId), inArray(mailOutbox.kind, firmMailKinds)))
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(options.limit ?? 100);
  return rows.map(({ firmCanReadLink, text, ...mail }) => ({
    ...mail,
    text:
      mail.kind === "invitation" && firmCanReadLink && !options.smtpConfigured && !mail.sentAt
        ? text
        : hideCredentialLinks(text),
  }));
}

/** How long a claimed mail stays with the process sending it before another may try it. */
const CLAIM_MINUTES = 10;

/**
 * Claims mails due for a (re)try for this process: rows another process is claiming at the same
 * moment are skipped, and claimed rows are not due again until the claim lapses, so with several
 * server processes each mail is sent by one of them.
 */
export async function claimDueMail(db: Queryable, limit: number) {
  const due = db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(and(isNull(mailOutbox.sentAt), lte(mailOutbox.nextAttemptAt, sql`now()`)))
    .orderBy(mailOutbox.nextAttemptAt)
    .limit(limit)
    .for("update", { skipLocked: true });
  const claimed = await db
    .update(mailOutbox)
    .set({ nextAttemptAt: sql`now() + make_interval(mins => ${CLAIM_MINUTES})` })
    .where(inArray(mailOutbox.id, due))
    .returning();
  return claimed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
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
