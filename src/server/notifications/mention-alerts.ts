/**
 * The mention e-mail for staff: a mentioned member who has not read a mention within the delay
 * (`EMAIL_DELAY_SECONDS`) gets one e-mail covering every mention still unread and not yet
 * e-mailed, unless they chose no e-mail alerts. Each mention is claimed (`emailed_at`) in the
 * transaction that writes the e-mail, so several processes send it once.
 */
import { sql } from "drizzle-orm";
import type { RichTextDoc } from "../../shared/rich-text/document.js";
import type { Database } from "../db/connect.js";
import { escapeHtml } from "../mail/escape-html.js";
import { enqueueMail } from "../mail/outbox.js";
import { renderRichTextForMail } from "../mail/rich-text-mail.js";
import { staffConversationTitle } from "../messaging/message-shapes.js";

export type MentionAlertOptions = {
  publicUrl: string;
  delaySeconds: number;
  /** The moment the delay is counted back from; the database's clock when absent. */
  now?: Date;
  /** Only these firms' staff (every firm when absent), so a run touches no one else's mail. */
  firmIds?: string[];
};

/** `and <column> in (firmIds)`, or nothing when every firm is meant. */
export const inFirms = (column: string, firmIds: string[] | undefined) =>
  firmIds
    ? sql`and ${sql.raw(column)} in (${sql.join(
        firmIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql``;

type DueMention = {
  id: string;
  staffId: string;
  firmId: string;
  email: string;
  messageId: string;
  conversationId: string;
  clientId: string;
  clientName: string;
  kind: "all_contacts" | "direct";
  contactName: string | null;
  contactRemoved: boolean;
  authorName: string;
  body: RichTextDoc | string;
};

/** Writes one mention e-mail to the outbox for each staff member who is due one. */
export async function sendMentionAlerts(
  db: Database,
  options: MentionAlertOptions,
): Promise<{ mailed: number }> {
  const now = options.now ? sql`${options.now.toISOString()}::timestamptz` : sql`now()`;
  const due = await db.execute<DueMention>(sql`
    select n.id, n.staff_id as "staffId", n.firm_id as "firmId", u.email,
      n.message_id as "messageId", n.conversation_id as "conversationId",
      c.client_id as "clientId", cl.name as "clientName", c.kind,
      ct.name as "contactName", ct.removed_at is not null as "contactRemoved",
      coalesce(au.name, ac.name, 'Former member') as "authorName", m.body
    from notifications n
    join staff s on s.id = n.staff_id
    join "user" u on u.id = s.user_id
    join messages m on m.id = n.message_id
    join conversations c on c.id = n.conversation_id
    join clients cl on cl.id = c.client_id
    left join contacts ct on ct.id = c.contact_id
    left join staff aus on aus.id = m.author_staff_id
    left join "user" au on au.id = aus.user_id
    left join contacts ac on ac.id = m.author_contact_id
    where n.read_at is null and n.emailed_at is null and s.message_alerts <> 'none'
      and s.deactivated_at is null ${inFirms("n.firm_id", options.firmIds)}
      and n.staff_id in (
        select staff_id from notifications
        where read_at is null and emailed_at is null ${inFirms("firm_id", options.firmIds)}
        group by staff_id
        having min(created_at) <= ${now} - make_interval(secs => ${options.delaySeconds})
      )
    order by n.staff_id, n.created_at, n.id
  `);
  const byStaff = new Map<string, DueMention[]>();
  for (const row of due.rows) byStaff.set(row.staffId, [...(byStaff.get(row.staffId) ?? []), row]);
  let mailed = 0;
  for (const mentions of byStaff.values()) {
    if (await claimAndEnqueue(db, mentions, options.publicUrl)) mailed += 1;
  }
  return { mailed };
}

async function claimAndEnqueue(db: Database, due: DueMention[], publicUrl: string) {
  const first = due[0];
  if (!first) return false;
  return db.transaction(async (tx) => {
    const claimed = await tx.execute<{ id: string }>(sql`
      update notifications set emailed_at = now()
      where id in (${sql.join(
        due.map((row) => sql`${row.id}::uuid`),
        sql`, `,
      )}) and emailed_at is null and read_at is null
      returning id
    `);
    const ids = new Set(claimed.rows.map((row) => row.id));
    const mentions = due.filter((row) => ids.has(row.id));
    if (mentions.length === 0) return false;
    await enqueueMail(tx, {
      firmId: first.firmId,
      kind: "staff_alert",
      to: first.email,
      content: mentionMail(mentions, publicUrl),
    });
    return true;
  });
}

function mentionMail(mentions: DueMention[], publicUrl: string) {
  const parts = mentions.map((mention) => {
    const where = `${mention.clientName} · ${staffConversationTitle({
      kind: mention.kind,
      contactName: mention.contactName,
      former: mention.contactRemoved,
    })}`;
    const url = `${publicUrl}/clients/${mention.clientId}/messages/${mention.conversationId}?message=${mention.messageId}`;
    const doc = typeof mention.body === "string" ? JSON.parse(mention.body) : mention.body;
    const body = renderRichTextForMail(doc, { maxChars: 600 });
    return {
      text: `${mention.authorName} mentioned you in ${where}:\n${body.text}\nOpen it: ${url}`,
      html: `<h3 style="margin:24px 0 8px">${escapeHtml(`${mention.authorName} mentioned you in ${where}`)}</h3>
<div style="padding-left:12px;border-left:3px solid #e2e8f0">${body.html}</div>
<p><a href="${escapeHtml(url)}">Open the message</a></p>`,
    };
  });
  const subject =
    mentions.length === 1
      ? "You were mentioned in Portico"
      : `You were mentioned ${mentions.length} times in Portico`;
  return {
    subject,
    text: parts.map((part) => part.text).join("\n\n"),
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#0f172a">
${parts.map((part) => part.html).join("\n")}
</body></html>`,
  };
}
