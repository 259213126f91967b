import { and, asc, eq, sql } from "drizzle-orm";
import type {
  ConversationList,
  EditMessageBody,
  Message,
  MessagePage,
} from "../../shared/api/messaging.js";
import type { ContactPrincipal, PortalLink } from "../auth/principal.js";
import type { Database, Queryable } from "../db/connect.js";
import { conversations, messages, readCursors } from "../db/schema.js";
import { AppError, forbidden, notFound } from "../http/errors.js";
import type { EventBus } from "../realtime/event-bus.js";
import { publishEvent, topics } from "../realtime/topics.js";
import { parseMessageBody } from "./message-body.js";
import { publishMessageDeleted, publishMessageSaved } from "./message-events.js";
import { selectMessagePage, selectMessageViews, toContactMessage } from "./messages.queries.js";
import { advanceReadCursor, lastMessagePreview, readerCursor, unreadCount } from "./read-state.js";
import { messageIdFor, replaceMessageBody, storeNumberedMessage } from "./store-message.js";
import { visibleConversations, visibleMessages } from "./visibility.js";

/** Contacts cannot mention anyone: every mention in their messages is refused. */
const noMentions = async () => new Map<string, string>();

function linkForClient(principal: ContactPrincipal, clientId: string): PortalLink {
  const link = principal.links.find((candidate) => candidate.clientId === clientId);
  if (!link) throw notFound("Client");
  return link;
}

/** The client's threads this contact sees (All Contacts, their own direct), numbered publicly. */
export async function listPortalConversations(
  db: Database,
  principal: ContactPrincipal,
  clientId: string,
): Promise<ConversationList> {
  const link = linkForClient(principal, clientId);
  const reader = { kind: "contact" as const, contactId: link.contactId };
  const rows = await db
    .select({
      id: conversations.id,
      clientId: conversations.clientId,
      kind: conversations.kind,
      lastSeq: conversations.lastPublicSeq,
      lastReadSeq: sql<number>`coalesce(${readCursors.lastReadSeq}, 0)`,
      unreadCount: unreadCount(reader),
      lastMessage: lastMessagePreview(reader),
    })
    .from(conversations)
    .leftJoin(readCursors, readerCursor(reader))
    .where(
      and(
        visibleConversations(principal),
        eq(conversations.clientId, clientId),
        eq(conversations.firmId, link.firmId),
      ),
    )
    .orderBy(
      sql`case when ${conversations.kind} = 'all_contacts' then 0 else 1 end`,
      asc(conversations.id),
    );
  const list = rows.map((row) => ({
    ...row,
    title: row.kind === "all_contacts" ? "All Contacts" : "Direct Message",
    contact: null,
  }));
  return {
    conversations: list,
    // Only staff start conversations: a contact has no "new direct message" to offer.
    contactsWithoutDirect: [],
    unreadTotal: list.reduce((sum, c) => sum + c.unreadCount, 0),
  };
}

/** A conversation the contact may see, with the contact record they see it through; else 404. */
async function findPortalConversation(
  db: Queryable,
  principal: ContactPrincipal,
  conversationId: string,
) {
  const [conversation] = await db
    .select({
      id: conversations.id,
      firmId: conversations.firmId,
      clientId: conversations.clientId,
      kind: conversations.kind,
      contactId: conversations.contactId,
      lastPublicSeq: conversations.lastPublicSeq,
    })
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), visibleConversations(principal)));
  if (!conversation) throw notFound("Conversation");
  return { conversation, link: linkForClient(principal, conversation.clientId) };
}

export async function listPortalMessages(
  db: Database,
  principal: ContactPrincipal,
  conversationId: string,
  page: { before?: number; limit: number },
): Promise<MessagePage> {
  await findPortalConversation(db, principal, conversationId);
  const { rows, hasOlder } = await selectMessagePage(db, {
    conversationId,
    visible: visibleMessages(principal),
    numbering: messages.publicSeq,
    before: page.before,
    limit: page.limit,
  });
  return { messages: rows.map(toContactMessage), hasOlder };
}

async function findPortalMessage(db: Queryable, principal: ContactPrincipal, messageId: string) {
  const [row] = await selectMessageViews(db)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(
      and(eq(messages.id, messageId), visibleMessages(principal), visibleConversations(principal)),
    );
  return row;
}

/** A contact's message: always public; stored under its derived id (`messageIdFor`) like staff's. */
export async function sendPortalMessage(
  db: Database,
  bus: EventBus,
  principal: ContactPrincipal,
  conversationId: string,
  input: { id: string; body: unknown },
): Promise<{ message: Message; created: boolean }> {
  const { conversation, link } = await findPortalConversation(db, principal, conversationId);
  const author = { kind: "contact" as const, contactId: link.contactId, name: link.contactName };
  const id = messageIdFor(input.id, author);
  const replay = async () => {
    const existing = await findPortalMessage(db, principal, id);
    if (
      !existing ||
      existing.conversationId !== conversationId ||
      existing.authorContactId !== link.contactId
    ) {
      throw new AppError("id_conflict", 409, "This message id is already used.");
    }
    return { message: toContactMessage(existing), created: false };
  };
  const body = await parseMessageBody(input.body, noMentions);
  const stored = await storeNumberedMessage(db, {
    id,
    conversationId: conversation.id,
    visibleConversation: visibleConversations(principal),
    author,
    internal: false,
    body,
  });
  if (stored === "duplicate") return replay();
  const { row } = stored;
  await publishMessageSaved(bus, conversation, "message.created", row);
  return { message: toContactMessage(row), created: true };
}

async function findOwnPortalMessage(db: Database, principal: ContactPrincipal, messageId: string) {
  const row = await findPortalMessage(db, principal, messageId);
  if (!row) throw notFound("Message");
  const { conversation, link } = await findPortalConversation(db, principal, row.conversationId);
  if (row.authorKind !== "contact" || row.authorContactId !== link.contactId) {
    throw forbidden("Only the author can change or delete a message.");
  }
  return { row, conversation, link };
}

export async function editPortalMessage(
  db: Database,
  bus: EventBus,
  principal: ContactPrincipal,
  messageId: string,
  input: EditMessageBody,
): Promise<Message> {
  const { row: current, conversation } = await findOwnPortalMessage(db, principal, messageId);
  const body = await parseMessageBody(input.body, noMentions);
  const edited = await replaceMessageBody(db, {
    messageId,
    version: input.version,
    body,
    authorName: current.authorName,
  });
  await publishMessageSaved(bus, conversation, "message.updated", edited);
  return toContactMessage(edited);
}

export async function deletePortalMessage(
  db: Database,
  bus: EventBus,
  principal: ContactPrincipal,
  messageId: string,
) {
  const { row, conversation, link } = await findOwnPortalMessage(db, principal, messageId);
  await db
    .delete(messages)
    .where(and(eq(messages.id, messageId), eq(messages.authorContactId, link.contactId)));
  await publishMessageDeleted(bus, conversation, row);
}

export async function markPortalConversationRead(
  db: Database,
  bus: EventBus,
  principal: ContactPrincipal,
  conversationId: string,
  seq: number,
) {
  const { conversation, link } = await findPortalConversation(db, principal, conversationId);
  const lastReadSeq = await advanceReadCursor(db, {
    firmId: conversation.firmId,
    conversationId,
    reader: { kind: "contact", contactId: link.contactId },
    seq: Math.min(seq, conversation.lastPublicSeq),
  });
  await publishEvent(bus, topics.user(principal.userId), {
    type: "conversation.read",
    data: { clientId: conversation.clientId, conversationId, lastReadSeq },
  });
}
