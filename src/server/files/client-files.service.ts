import { and, desc, eq, isNotNull, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { ClientFile, ClientFilePage } from "../../shared/api/files.js";
import type { Database } from "../db/connect.js";
import { attachments, contacts, conversations, messages, staff, user } from "../db/schema.js";
import { AppError } from "../http/errors.js";
import type { Actor } from "../messaging/actor.js";
import { contactConversationTitle } from "../messaging/message-shapes.js";

const authorContact = alias(contacts, "author_contact");
const threadContact = alias(contacts, "thread_contact");

type Cursor = { sentAt: string; id: string };

const badCursor = () =>
  new AppError("invalid_cursor", 400, "Not a position in this list.", {
    cursor: "Not a position in this list.",
  });

/** Page positions are opaque to clients: the last row's exact timestamp (as text) and id. */
function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(value: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Cursor;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (typeof parsed.sentAt !== "string" || Number.isNaN(Date.parse(parsed.sentAt))) {
      throw badCursor();
    }
    if (typeof parsed.id !== "string" || !uuid.test(parsed.id)) throw badCursor();
    return parsed;
  } catch {
    throw badCursor();
  }
}

/** The thread's title as each side names it, without loading the conversation list. */
function threadTitle(
  actor: Actor,
  clientId: string,
  row: { kind: "all_contacts" | "direct"; contactName: string | null },
) {
  if (actor.principal.kind === "contact") {
    const link = actor.principal.links.find((candidate) => candidate.clientId === clientId);
    return contactConversationTitle(row.kind, link?.firmName ?? "");
  }
  if (row.kind === "all_contacts") return "All Contacts";
  return row.contactName ?? "Former contact";
}

/**
 * A keyset page of the files sent in one client's conversations, newest first, limited to the
 * messages the actor may see (`visibility.ts`): staff get every file, notes' included; a contact
 * gets the files of public messages in their All Contacts and own direct thread. A client the
 * actor cannot reach answers 404.
 */
export async function listClientFiles(
  db: Database,
  actor: Actor,
  clientId: string,
  page: { limit: number; cursor?: string },
): Promise<ClientFilePage> {
  const { firmId } = await actor.reachClient(db, clientId);
  const after = page.cursor ? decodeCursor(page.cursor) : undefined;
  const sentAtText = sql<string>`${messages.createdAt}::text`;
  const rows = await db
    .select({
      id: attachments.id,
      name: attachments.name,
      contentType: attachments.contentType,
      size: attachments.size,
      thumbnailKey: attachments.thumbnailKey,
      messageId: messages.id,
      internal: messages.internal,
      sentAt: messages.createdAt,
      sentAtText,
      conversationId: conversations.id,
      kind: conversations.kind,
      contactName: threadContact.name,
      authorKind: messages.authorKind,
      authorName: sql<string>`coalesce(${user.name}, ${authorContact.name}, 'Former member')`,
    })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.messageId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .leftJoin(threadContact, eq(threadContact.id, conversations.contactId))
    .leftJoin(staff, eq(staff.id, messages.authorStaffId))
    .leftJoin(user, eq(user.id, staff.userId))
    .leftJoin(authorContact, eq(authorContact.id, messages.authorContactId))
    .where(
      and(
        eq(attachments.firmId, firmId),
        eq(messages.firmId, firmId),
        eq(conversations.clientId, clientId),
        isNotNull(attachments.size),
        actor.visibleMessages,
        actor.visibleConversations,
        after
          ? (sql`(${messages.createdAt}, ${attachments.id}) < (${after.sentAt}::timestamptz, ${after.id}::uuid)` as SQL)
          : undefined,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(attachments.id))
    .limit(page.limit + 1);

  const shown = rows.slice(0, page.limit);
  const files: ClientFile[] = shown.map((row) => ({
    attachment: {
      id: row.id,
      name: row.name,
      contentType: row.contentType,
      size: row.size ?? 0,
      hasThumbnail: row.thumbnailKey !== null,
    },
    messageId: row.messageId,
    conversationId: row.conversationId,
    conversationTitle: threadTitle(actor, clientId, row),
    conversationKind: row.kind,
    internal: actor.side === "staff" && row.internal,
    sentBy: { kind: row.authorKind, name: row.authorName },
    sentAt: row.sentAt.toISOString(),
  }));
  const last = shown.at(-1);
  return {
    files,
    nextCursor:
      rows.length > page.limit && last
        ? encodeCursor({ sentAt: last.sentAtText, id: last.id })
        : null,
  };
}
