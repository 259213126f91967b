/**
 * The client-message e-mail for staff: a member who has written in a conversation, and chose
 * "mentions and client messages", is e-mailed when a contact writes there and the member has not
 * read it within the delay. One e-mail covers every such conversation; the staff read cursor's
 * `notified_seq` records what they were told, moved in the transaction that writes the e-mail,
 * only if nobody moved it since (so several processes send it once).
 */
import { sql } from "drizzle-orm";
import type { RichTextDoc } from "../../shared/rich-text/document.js";
import type { Database } from "../db/connect.js";
import { escapeHtml } from "../mail/escape-html.js";
import { enqueueMail } from "../mail/outbox.js";
import { renderRichTextForMail } from "../mail/rich-text-mail.js";
import { inFirms, type MentionAlertOptions } from "./mention-alerts.js";

type DueMessage = {
  staffId: string;
  firmId: string;
  email: string;
  conversationId: string;
  clientId: string;
  clientName: string;
  notifiedSeq: number;
  seq: number;
  authorName: string;
  body: RichTextDoc | string;
};

/** Writes one client-message e-mail to the outbox for each staff member who is due one. */
export async function sendClientMessageAlerts(
  db: Database,
  options: MentionAlertOptions,
): Promise<{ mailed: number }> {
  const now = options.now ? sql`${options.now.toISOString()}::timestamptz` : sql`now()`;
  // Only contacts' messages: a contact never writes a note, so nothing here is internal.
  const due = await db.execute<DueMessage>(sql`
    select s.id as "staffId", s.firm_id as "firmId", u.email,
      rc.conversation_id as "conversationId", c.client_id as "clientId", cl.name as "clientName",
      rc.notified_seq as "notifiedSeq", m.seq, ac.name as "authorName", m.body
    from read_cursors rc
    join staff s on s.id = rc.reader_id and rc.reader_kind = 'staff'
    join "user" u on u.id = s.user_id
    join conversations c on c.id = rc.conversation_id
    join clients cl on cl.id = c.client_id
    join messages m on m.conversation_id = rc.conversation_id
      and m.seq > greatest(rc.last_read_seq, rc.notified_seq)
      and m.author_kind = 'contact' and m.internal = false
    left join contacts ac on ac.id = m.author_contact_id
    where s.message_alerts = 'mentions_and_client_messages' and s.deactivated_at is null
      ${inFirms("s.firm_id", options.firmIds)}
      and c.last_seq > greatest(rc.last_read_seq, rc.notified_seq)
      and exists (
        select 1 from messages own
        where own.conversation_id = rc.conversation_id and own.author_staff_id = s.id
      )
      and s.id in (
        select rc2.reader_id from read_cursors rc2
        join messages m2 on m2.conversation_id = rc2.conversation_id
          and m2.seq > greatest(rc2.last_read_seq, rc2.notified_seq)
          and m2.author_kind = 'contact'
        where rc2.reader_kind = 'staff' ${inFirms("rc2.firm_id", options.firmIds)}
        group by rc2.reader_id
        having min(m2.created_at) <= ${now} - make_interval(secs => ${options.delaySeconds})
      )
    order by s.id, rc.conversation_id, m.seq
  `);
  const byStaff = new Map<string, DueMessage[]>();
  for (const row of due.rows) byStaff.set(row.staffId, [...(byStaff.get(row.staffId) ?? []), row]);
  let mailed = 0;
  for (const rows of byStaff.values()) {
    if (await claimAndEnqueue(db, rows, options.publicUrl)) mailed += 1;
  }
  return { mailed };
}

async function claimAndEnqueue(db: Database, rows: DueMessage[], publicUrl: string) {
  const first = rows[0];
  if (!first) return false;
  const threads = new Map<string, DueMessage[]>();
  for (const row of rows)
    threads.set(row.conversationId, [...(threads.get(row.conversationId) ?? []), row]);
  return db
    .transaction(async (tx) => {
      for (const [conversationId, messages] of threads) {
        const newest = Math.max(...messages.map((message) => message.seq));
        const claimed = await tx.execute(sql`
        update read_cursors set notified_seq = ${newest}
        where conversation_id = ${conversationId} and reader_kind = 'staff'
          and reader_id = ${first.staffId} and notified_seq = ${messages[0]?.notifiedSeq ?? 0}
        returning 1
      `);
        if (claimed.rows.length === 0) throw new AlreadyClaimed();
      }
      const parts = [...threads.values()].map((messages) => {
        const head = messages[0] as DueMessage;
        const url = `${publicUrl}/clients/${head.clientId}/messages/${head.conversationId}`;
        const bodies = messages.map((message) => ({
          author: message.authorName ?? "A former contact",
          body: renderRichTextForMail(
            typeof message.body === "string" ? JSON.parse(message.body) : message.body,
            { maxChars: 600 },
          ),
        }));
        return {
          text: `${head.clientName}:\n${bodies.map((b) => `${b.author}: ${b.body.text}`).join("\n")}\nOpen it: ${url}`,
          html: `<h3 style="margin:24px 0 8px">${escapeHtml(head.clientName)}</h3>
${bodies.map((b) => `<div><strong>${escapeHtml(b.author)}</strong><div style="padding-left:12px;border-left:3px solid #e2e8f0">${b.body.html}</div></div>`).join("\n")}
<p><a href="${escapeHtml(url)}">Open the conversation</a></p>`,
        };
      });
      await enqueueMail(tx, {
        firmId: first.firmId,
        kind: "staff_alert",
        to: first.email,
        content: {
          subject: "New messages from your clients in Portico",
          text: parts.map((part) => part.text).join("\n\n"),
          html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#0f172a">
${parts.map((part) => part.html).join("\n")}
</body></html>`,
        },
      });
      return true;
    })
    .catch((error) => {
      if (error instanceof AlreadyClaimed) return false;
      throw error;
    });
}

class AlreadyClaimed extends Error {}
