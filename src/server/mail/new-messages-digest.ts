/**
 * The new-messages e-mail (DESIGN §2): a contact is e-mailed about new messages only if they have
 * not read them in the portal within the delay (`EMAIL_DELAY_SECONDS`, 5 minutes by default), and
 * one e-mail covers everything from that time. Internal notes are never e-mailed to contacts, and a
 * contact who unsubscribed gets none.
 *
 * "New" for a contact is, in each thread they see, every public message after both their read
 * cursor and what they were already told about (`notified_seq`, in the same public numbering),
 * not written by them. Once the oldest of these has waited `delaySeconds` unread, one e-mail
 * covers all of them, and `notified_seq` moves past them in the same transaction. The next e-mail
 * waits for the next message to wait that long, so a busy thread sends at most one e-mail per
 * delay, never one per run.
 */
import { and, asc, eq, gt, inArray, isNotNull, lte, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { FastifyBaseLogger } from "fastify";
import type { RichTextDoc } from "../../shared/rich-text/document.js";
import type { Database } from "../db/connect.js";
import {
  clients,
  contacts,
  conversations,
  firms,
  messages,
  readCursors,
  staff,
  user,
} from "../db/schema.js";
import { listAttachmentsOfMessages } from "../files/attachments.service.js";
import { contactConversationTitle } from "../messaging/message-shapes.js";
import { messageViewColumns } from "../messaging/message-sql.js";
import { contactConversations, hasPortalAccess, publicMessages } from "../messaging/visibility.js";
import { sendClientMessageAlerts } from "../notifications/client-message-alerts.js";
import { sendMentionAlerts } from "../notifications/mention-alerts.js";
import { enqueueMail } from "./outbox.js";
import { renderRichTextForMail } from "./rich-text-mail.js";
import { type DigestConversation, newMessagesMail } from "./templates.js";
import { unsubscribeLinks } from "./unsubscribe.js";

export type DigestOptions = {
  /** The app's public address, for the links in the e-mail. */
  publicUrl: string;
  /** Signs the unsubscribe link each e-mail carries. */
  secret: string;
  /** The moment the delay is counted back from; the database's clock when absent. */
  now?: Date;
  /** How long a message waits unread before it is e-mailed (`EMAIL_DELAY_SECONDS`). */
  delaySeconds: number;
  /** Only these firms' contacts (every firm when absent). */
  firmIds?: string[];
};

const PREVIEWS_PER_CONVERSATION = 3;
const PREVIEW_CHARS = 120;

/** The contact being told; the plain `contacts` table names the authors of messages. */
const recipient = alias(contacts, "recipient");

/** Writes one new-messages e-mail to the outbox for every contact who is due one. */
export async function sendNewMessageDigests(
  db: Database,
  options: DigestOptions,
): Promise<{ mailed: number }> {
  let mailed = 0;
  for (const digest of await dueDigests(db, options)) {
    if (await claimAndEnqueue(db, digest, options)) mailed += 1;
  }
  return { mailed };
}

/**
 * Every contact's new messages, at most a few per thread (the newest), for the contacts whose
 * oldest new message is at least `delayMinutes` old. One query for all contacts.
 */
async function dueRows(db: Database, options: DigestOptions) {
  const now = options.now ? sql`${options.now.toISOString()}::timestamptz` : sql`now()`;
  const cutoff = sql`${now} - make_interval(secs => ${options.delaySeconds})`;
  const toldOrRead = sql`greatest(coalesce(${readCursors.lastReadSeq}, 0), coalesce(${readCursors.notifiedSeq}, 0))`;
  const perThread = sql`partition by ${recipient.id}, ${conversations.id}`;

  const pending = db
    .select({
      contactId: sql<string>`${recipient.id}`.as("contact_id"),
      contactName: sql<string>`${recipient.name}`.as("contact_name"),
      email: sql<string>`${recipient.email}`.as("email"),
      firmId: sql<string>`${recipient.firmId}`.as("firm_id"),
      firmName: sql<string>`${firms.name}`.as("firm_name"),
      clientId: sql<string>`${recipient.clientId}`.as("client_id"),
      clientName: sql<string>`${clients.name}`.as("client_name"),
      conversationId: sql<string>`${conversations.id}`.as("conversation_id"),
      conversationKind: sql<"all_contacts" | "direct">`${conversations.kind}`.as(
        "conversation_kind",
      ),
      lastReadSeq: sql<number>`coalesce(${readCursors.lastReadSeq}, 0)`.as("last_read_seq"),
      notifiedSeq: sql<number>`coalesce(${readCursors.notifiedSeq}, 0)`.as("notified_seq"),
      publicSeq: sql<number>`${messages.publicSeq}`.as("public_seq"),
      messageId: sql<string>`${messages.id}`.as("message_id"),
      authorName: messageViewColumns.authorName.as("author_name"),
      body: sql<RichTextDoc>`${messages.body}`.as("body"),
      newestFirst:
        sql<number>`(row_number() over (${perThread} order by ${messages.publicSeq} desc))::int`.as(
          "newest_first",
        ),
      count: sql<number>`(count(*) over (${perThread}))::int`.as("count"),
      newestSeq: sql<number>`max(${messages.publicSeq}) over (${perThread})`.as("newest_seq"),
      oldestAt: sql`min(${messages.createdAt}) over (partition by ${recipient.id})`.as("oldest_at"),
    })
    .from(recipient)
    .innerJoin(firms, eq(firms.id, recipient.firmId))
    .innerJoin(clients, eq(clients.id, recipient.clientId))
    .innerJoin(
      conversations,
      and(
        eq(conversations.firmId, recipient.firmId),
        contactConversations({ clientId: recipient.clientId, contactId: recipient.id }),
      ),
    )
    .leftJoin(
      readCursors,
      and(
        eq(readCursors.conversationId, conversations.id),
        eq(readCursors.readerKind, "contact"),
        eq(readCursors.readerId, recipient.id),
      ),
    )
    .innerJoin(
      messages,
      and(
        eq(messages.conversationId, conversations.id),
        publicMessages(),
        gt(messages.publicSeq, toldOrRead),
        sql`${messages.authorContactId} is distinct from ${recipient.id}`,
      ),
    )
    .leftJoin(staff, eq(staff.id, messages.authorStaffId))
    .leftJoin(user, eq(user.id, staff.userId))
    .leftJoin(contacts, eq(contacts.id, messages.authorContactId))
    .where(
      and(
        hasPortalAccess(recipient),
        isNotNull(recipient.email),
        eq(recipient.messageEmails, true),
        options.firmIds ? inArray(recipient.firmId, options.firmIds) : undefined,
        // Threads with nothing new are skipped before their messages are looked at.
        gt(conversations.lastPublicSeq, toldOrRead),
      ),
    )
    .as("pending");

  return db
    .select({
      contactId: pending.contactId,
      contactName: pending.contactName,
      email: pending.email,
      firmId: pending.firmId,
      firmName: pending.firmName,
      clientId: pending.clientId,
      clientName: pending.clientName,
      conversationId: pending.conversationId,
      conversationKind: pending.conversationKind,
      lastReadSeq: pending.lastReadSeq,
      notifiedSeq: pending.notifiedSeq,
      authorName: pending.authorName,
      messageId: pending.messageId,
      body: pending.body,
      count: pending.count,
      newestSeq: pending.newestSeq,
    })
    .from(pending)
    .where(
      and(
        lte(pending.newestFirst, PREVIEWS_PER_CONVERSATION),
        lte(pending.oldestAt, cutoff) as SQL,
      ),
    )
    .orderBy(
      asc(pending.contactId),
      sql`case when ${pending.conversationKind} = 'all_contacts' then 0 else 1 end`,
      asc(pending.conversationId),
      asc(pending.publicSeq),
    );
}

type ThreadDigest = DigestConversation & {
  conversationId: string;
  /** The cursor as it was read: the claim succeeds only if nobody moved it since. */
  lastReadSeq: number;
  notifiedSeq: number;
  newestSeq: number;
};

type ContactDigest = {
  contactId: string;
  contactName: string;
  email: string;
  firmId: string;
  firmName: string;
  clientName: string;
  threads: ThreadDigest[];
};

async function dueDigests(db: Database, options: DigestOptions): Promise<ContactDigest[]> {
  const digests = new Map<string, ContactDigest>();
  const rows = await dueRows(db, options);
  // Only public messages are due, so the files named are the ones the contact may download.
  const filesByMessage = new Map<string, string[]>();
  for (const firmId of new Set(rows.map((row) => row.firmId))) {
    const listed = await listAttachmentsOfMessages(db, {
      firmId,
      messageIds: rows.filter((row) => row.firmId === firmId).map((row) => row.messageId),
    });
    for (const [messageId, files] of listed) {
      filesByMessage.set(
        messageId,
        files.map((file) => file.name),
      );
    }
  }
  for (const row of rows) {
    let digest = digests.get(row.contactId);
    if (!digest) {
      digest = { ...row, threads: [] };
      digests.set(row.contactId, digest);
    }
    let thread = digest.threads.find((entry) => entry.conversationId === row.conversationId);
    if (!thread) {
      thread = {
        conversationId: row.conversationId,
        title: contactConversationTitle(row.conversationKind, row.firmName),
        url: `${options.publicUrl}/portal/clients/${row.clientId}/${row.conversationId}`,
        count: row.count,
        previews: [],
        lastReadSeq: row.lastReadSeq,
        notifiedSeq: row.notifiedSeq,
        newestSeq: row.newestSeq,
      };
      digest.threads.push(thread);
    }
    thread.previews.push({
      authorName: row.authorName,
      body: renderRichTextForMail(row.body, { maxChars: PREVIEW_CHARS }),
      files: filesByMessage.get(row.messageId) ?? [],
    });
  }
  return [...digests.values()];
}

class AlreadyClaimed extends Error {}

/**
 * In one transaction: moves the contact's `notified_seq` past the messages in the e-mail, in each
 * thread, but only where the cursor is still what the e-mail was built from; then writes the
 * e-mail. A second process running at the same moment finds a cursor that moved, and writes
 * nothing; so does a contact who read the thread meanwhile (the next run looks again).
 */
async function claimAndEnqueue(
  db: Database,
  digest: ContactDigest,
  options: DigestOptions,
): Promise<boolean> {
  // The same lock order in every process, so two claims for one contact cannot deadlock.
  const threads = [...digest.threads].sort((a, b) =>
    a.conversationId.localeCompare(b.conversationId),
  );
  try {
    await db.transaction(async (tx) => {
      for (const thread of threads) {
        const [claimed] = await tx
          .insert(readCursors)
          .values({
            firmId: digest.firmId,
            conversationId: thread.conversationId,
            readerKind: "contact",
            readerId: digest.contactId,
            notifiedSeq: thread.newestSeq,
          })
          .onConflictDoUpdate({
            target: [readCursors.conversationId, readCursors.readerKind, readCursors.readerId],
            set: { notifiedSeq: thread.newestSeq },
            setWhere: and(
              eq(readCursors.lastReadSeq, thread.lastReadSeq),
              eq(readCursors.notifiedSeq, thread.notifiedSeq),
            ),
          })
          .returning({ notifiedSeq: readCursors.notifiedSeq });
        if (!claimed) throw new AlreadyClaimed();
      }
      await enqueueMail(tx, {
        firmId: digest.firmId,
        kind: "new_messages",
        to: digest.email,
        content: newMessagesMail({
          contactName: digest.contactName,
          firmName: digest.firmName,
          clientName: digest.clientName,
          conversations: digest.threads,
          unsubscribe: unsubscribeLinks({
            publicUrl: options.publicUrl,
            secret: options.secret,
            contactId: digest.contactId,
          }),
        }),
      });
    });
    return true;
  } catch (error) {
    if (error instanceof AlreadyClaimed) return false;
    throw error;
  }
}

/**
 * Runs the digest every `intervalMs` (one minute by default) until stopped. It only writes to the
 * outbox; the mail worker sends. Several processes may run it: the claim makes each e-mail once.
 */
export function startDigestScheduler(
  input: { db: Database; log: FastifyBaseLogger; intervalMs?: number } & Omit<DigestOptions, "now">,
): { stop: () => Promise<void> } {
  const { db, log, intervalMs = 60_000, ...options } = input;
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= sendNewMessageDigests(db, options)
      .then(({ mailed }) => {
        if (mailed > 0) log.info({ mailed }, "new-messages e-mails written to the outbox");
      })
      .then(async () => {
        const mentions = await sendMentionAlerts(db, options);
        const clientMessages = await sendClientMessageAlerts(db, options);
        const mailed = mentions.mailed + clientMessages.mailed;
        if (mailed > 0) log.info({ mailed }, "staff alert e-mails written to the outbox");
      })
      .catch((error) => log.error({ err: error }, "new-messages digest failed"))
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
