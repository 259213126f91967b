import { and, asc, eq, isNull, type SQL, sql } from "drizzle-orm";
import type {
  Conversation,
  ConversationList,
  CreateConversationBody,
} from "../../shared/api/messaging.js";
import type { StaffPrincipal } from "../auth/principal.js";
import { getClient } from "../clients/clients.service.js";
import { formerContact } from "../clients/contacts.service.js";
import type { Database } from "../db/connect.js";
import { contacts, conversations, readCursors } from "../db/schema.js";
import { notFound } from "../http/errors.js";
import type { EventBus } from "../realtime/event-bus.js";
import { contactTopicOf, publishEvent, topics } from "../realtime/topics.js";
import { lastMessagePreview, readerCursor, unreadCount } from "./read-state.js";
import { visibleConversations } from "./visibility.js";

/** The conversation rows of a client with counts and previews for one staff reader, in one query. */
async function selectStaffConversations(
  db: Database,
  principal: StaffPrincipal,
  where: SQL | undefined,
): Promise<Conversation[]> {
  const reader = { kind: "staff" as const, staffId: principal.staffId };
  const rows = await db
    .select({
      id: conversations.id,
      clientId: conversations.clientId,
      kind: conversations.kind,
      contactId: contacts.id,
      contactName: contacts.name,
      contactPortalStatus: contacts.portalStatus,
      contactRemovedAt: contacts.removedAt,
      lastSeq: conversations.lastSeq,
      lastReadSeq: sql<number>`coalesce(${readCursors.lastReadSeq}, 0)`,
      unreadCount: unreadCount(reader),
      lastMessage: lastMessagePreview(reader),
    })
    .from(conversations)
    .leftJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(readCursors, readerCursor(reader))
    .where(and(visibleConversations(principal), where))
    .orderBy(
      sql`case when ${conversations.kind} = 'all_contacts' then 0 else 1 end`,
      asc(contacts.name),
      asc(conversations.id),
    );
  return rows.map(({ contactId, contactName, contactPortalStatus, contactRemovedAt, ...row }) => ({
    ...row,
    title:
      row.kind === "all_contacts"
        ? "All Contacts"
        : contactName && !contactRemovedAt
          ? contactName
          : `${contactName ?? "Removed contact"} (former contact)`,
    contact:
      contactId && contactName && contactPortalStatus
        ? {
            id: contactId,
            name: contactName,
            portalStatus: contactPortalStatus,
            former: contactRemovedAt !== null,
          }
        : null,
  }));
}

export async function listConversations(
  db: Database,
  principal: StaffPrincipal,
  clientId: string,
): Promise<ConversationList> {
  await getClient(db, principal, clientId);
  const [list, contactsWithoutDirect] = await Promise.all([
    selectStaffConversations(db, principal, eq(conversations.clientId, clientId)),
    db
      .select({
        id: contacts.id,
        name: contacts.name,
        portalStatus: contacts.portalStatus,
        former: sql<boolean>`false`,
      })
      .from(contacts)
      .leftJoin(
        conversations,
        and(eq(conversations.contactId, contacts.id), eq(conversations.kind, "direct")),
      )
      .where(
        and(
          eq(contacts.clientId, clientId),
          eq(contacts.firmId, principal.firmId),
          isNull(contacts.removedAt),
          isNull(conversations.id),
        ),
      )
      .orderBy(asc(contacts.name), asc(contacts.id)),
  ]);
  return {
    conversations: list,
    contactsWithoutDirect,
    unreadTotal: list.reduce((total, conversation) => total + conversation.unreadCount, 0),
  };
}

/**
 * Opens the client's All Contacts thread or a contact's direct thread, creating it if needed.
 * Two people starting the same thread at once both get the one thread the database kept.
 */
export async function startConversation(
  db: Database,
  bus: EventBus,
  principal: StaffPrincipal,
  clientId: string,
  body: CreateConversationBody,
): Promise<{ conversation: Conversation; created: boolean }> {
  await getClient(db, principal, clientId);
  const contactId = body.kind === "direct" ? body.contactId : null;
  if (contactId) {
    const [contact] = await db
      .select({ id: contacts.id, name: contacts.name, removedAt: contacts.removedAt })
      .from(contacts)
      .where(
        and(
          eq(contacts.id, contactId),
          eq(contacts.clientId, clientId),
          eq(contacts.firmId, principal.firmId),
        ),
      );
    if (!contact) throw notFound("Contact");
    if (contact.removedAt) throw formerContact(contact.name);
  }
  const inserted = await db
    .insert(conversations)
    .values({ firmId: principal.firmId, clientId, kind: body.kind, contactId })
    .onConflictDoNothing()
    .returning({ id: conversations.id });
  const kindMatch =
    body.kind === "direct" && contactId
      ? and(eq(conversations.kind, "direct"), eq(conversations.contactId, contactId))
      : eq(conversations.kind, "all_contacts");
  const [conversation] = await selectStaffConversations(
    db,
    principal,
    and(eq(conversations.clientId, clientId), kindMatch),
  );
  if (!conversation) throw new Error("conversation vanished after insert");
  const created = inserted.length > 0;
  if (created) {
    const event = {
      type: "conversation.created" as const,
      data: { clientId, conversation: { id: conversation.id, kind: conversation.kind } },
    };
    // A new thread is news to staff and to the contacts who will see it in the portal.
    await publishEvent(bus, topics.firmStaff(principal.firmId), event);
    await publishEvent(bus, contactTopicOf({ kind: body.kind, clientId, contactId }), event);
  }
  return { conversation, created };
}

/** A conversation the staff member may reach, or 404 (another firm's ids are never revealed). */
export async function getStaffConversation(
  db: Database,
  principal: StaffPrincipal,
  conversationId: string,
) {
  const [conversation] = await db
    .select({
      id: conversations.id,
      firmId: conversations.firmId,
      clientId: conversations.clientId,
      kind: conversations.kind,
      contactId: conversations.contactId,
      lastSeq: conversations.lastSeq,
    })
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), visibleConversations(principal)));
  if (!conversation) throw notFound("Conversation");
  return conversation;
}
