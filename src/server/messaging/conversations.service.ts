import { and, asc, eq, isNull, type SQL, sql } from "drizzle-orm";
import type {
  Conversation,
  ConversationList,
  CreateConversationBody,
} from "../../shared/api/messaging.js";
import type { ContactPrincipal, StaffPrincipal } from "../auth/principal-types.js";
import { getClient } from "../clients/clients.service.js";
import { formerContact } from "../clients/contacts.service.js";
import type { Database, Queryable } from "../db/connect.js";
import { contacts, conversations, readCursors } from "../db/schema.js";
import { notFound } from "../http/errors.js";
import type { EventBus } from "../realtime/event-bus.js";
import { publishEvent } from "../realtime/topics.js";
import { authorizeOwnDirectThread } from "../team/policy.js";
import { type Actor, actorFor } from "./actor.js";
import { lastMessagePreview, readerCursor, unreadCount } from "./read-state.js";
import { audiencesOf } from "./visibility.js";

/**
 * The conversation rows of one client with counts and previews for the actor, in one query,
 * each in the actor's numbering and shape.
 */
async function selectConversations(
  db: Database,
  actor: Actor,
  clientId: string,
  where?: SQL,
): Promise<Conversation[]> {
  const reader = actor.identityAt({ clientId });
  const shape = await actor.conversationShape(db, clientId);
  const rows = await db
    .select({
      id: conversations.id,
      clientId: conversations.clientId,
      kind: conversations.kind,
      contactId: contacts.id,
      contactName: contacts.name,
      contactPortalStatus: contacts.portalStatus,
      contactRemovedAt: contacts.removedAt,
      lastSeq: sql<number>`${actor.numbering.last}`,
      lastReadSeq: sql<number>`coalesce(${readCursors.lastReadSeq}, 0)`,
      unreadCount: unreadCount(reader),
      lastMessage: lastMessagePreview(actor.principal, reader),
      waitingOn: conversations.waitingOn,
    })
    .from(conversations)
    .leftJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(readCursors, readerCursor(reader))
    .where(and(actor.visibleConversations, eq(conversations.clientId, clientId), where))
    .orderBy(
      sql`case when ${conversations.kind} = 'all_contacts' then 0 else 1 end`,
      asc(contacts.name),
      asc(conversations.id),
    );
  return rows.map(shape);
}

/** A client's contacts who have no direct thread yet: what "New Direct Message" offers staff. */
function contactsWithoutDirect(db: Database, firmId: string, clientId: string) {
  return db
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
        eq(contacts.firmId, firmId),
        isNull(contacts.removedAt),
        isNull(conversations.id),
      ),
    )
    .orderBy(asc(contacts.name), asc(contacts.id));
}

/** The client's threads the actor sees, with unread counts in their numbering. */
export async function listConversations(
  db: Database,
  actor: Actor,
  clientId: string,
): Promise<ConversationList> {
  const { firmId } = await actor.reachClient(db, clientId);
  const [list, withoutDirect] = await Promise.all([
    selectConversations(db, actor, clientId),
    actor.startsConversations ? contactsWithoutDirect(db, firmId, clientId) : [],
  ]);
  return {
    conversations: list,
    contactsWithoutDirect: withoutDirect,
    unreadTotal: list.reduce((total, conversation) => total + conversation.unreadCount, 0),
  };
}

/** One thread to open: a client's All Contacts thread, or one contact's direct thread. */
type ThreadKey = {
  firmId: string;
  clientId: string;
  kind: Conversation["kind"];
  contactId: string | null;
};

/**
 * Creates the thread unless it exists and answers it as the actor sees it. Two people starting
 * the same thread at once both get the one thread the database kept; only a new one is announced.
 */
async function openThread(
  db: Database,
  bus: EventBus,
  actor: Actor,
  thread: ThreadKey,
): Promise<{ conversation: Conversation; created: boolean }> {
  const { firmId, clientId, kind, contactId } = thread;
  const inserted = await db
    .insert(conversations)
    .values({ firmId, clientId, kind, contactId })
    .onConflictDoNothing()
    .returning({ id: conversations.id });
  const kindMatch =
    kind === "direct" && contactId
      ? and(eq(conversations.kind, "direct"), eq(conversations.contactId, contactId))
      : eq(conversations.kind, "all_contacts");
  const [conversation] = await selectConversations(db, actor, clientId, kindMatch);
  if (!conversation) throw new Error("conversation vanished after insert");
  const created = inserted.length > 0;
  if (created) {
    const event = {
      type: "conversation.created" as const,
      data: { clientId, conversation: { id: conversation.id, kind: conversation.kind } },
    };
    // A new thread is news to staff and to the contacts who will see it in the portal.
    for (const audience of audiencesOf(thread)) await publishEvent(bus, audience.topic, event);
  }
  return { conversation, created };
}

/** Staff open the client's All Contacts thread or a contact's direct thread, creating it if needed. */
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
  return openThread(db, bus, actorFor(principal), {
    firmId: principal.firmId,
    clientId,
    kind: body.kind,
    contactId,
  });
}

/**
 * A contact opens their own direct thread with the firm at one client, creating it if needed
 * (so they can write first); staff see it appear in the client's list.
 */
export async function startOwnDirectConversation(
  db: Database,
  bus: EventBus,
  principal: ContactPrincipal,
  clientId: string,
): Promise<{ conversation: Conversation; created: boolean }> {
  const link = authorizeOwnDirectThread(principal, clientId);
  return openThread(db, bus, actorFor(principal), {
    firmId: link.firmId,
    clientId: link.clientId,
    kind: "direct",
    contactId: link.contactId,
  });
}

/**
 * A conversation the actor may see, with its newest number in their numbering; otherwise 404
 * (another firm's ids, and a contact's view of a thread not theirs, are never revealed).
 */
export async function findConversation(db: Queryable, actor: Actor, conversationId: string) {
  const [conversation] = await db
    .select({
      id: conversations.id,
      firmId: conversations.firmId,
      clientId: conversations.clientId,
      kind: conversations.kind,
      contactId: conversations.contactId,
      lastSeq: sql<number>`${actor.numbering.last}`,
    })
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), actor.visibleConversations));
  if (!conversation) throw notFound("Conversation");
  return conversation;
}
