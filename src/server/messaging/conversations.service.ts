import { and, asc, eq, isNull, type SQL, sql } from "drizzle-orm";
import {
  type Conversation,
  type ConversationList,
  type CreateConversationBody,
  UNREAD_CAP,
} from "../../shared/api/messaging.js";
import type { StaffPrincipal } from "../auth/principal.js";
import { getClient } from "../clients/clients.service.js";
import type { Database } from "../db/connect.js";
import { contacts, conversations, readCursors } from "../db/schema.js";
import { notFound } from "../http/errors.js";
import type { EventBus } from "../realtime/event-bus.js";
import { contactTopicOf, publishEvent, topics } from "../realtime/topics.js";
import { visibleConversations } from "./visibility.js";

const staffCursor = (principal: StaffPrincipal) =>
  and(
    eq(readCursors.conversationId, conversations.id),
    eq(readCursors.readerKind, "staff"),
    eq(readCursors.readerId, principal.staffId),
  );

/**
 * Unread = messages after the reader's cursor not written by the reader, counted over the
 * (conversation_id, seq) index and capped, so its cost never grows with history.
 */
const staffUnreadCount = (principal: StaffPrincipal) => sql<number>`(
  select count(*)::int from (
    select 1 from messages m
    where m.conversation_id = ${conversations.id}
      and m.seq > coalesce(${readCursors.lastReadSeq}, 0)
      and m.author_staff_id is distinct from ${principal.staffId}
    limit ${UNREAD_CAP}
  ) as unread
)`;

const lastMessagePreview = sql<Conversation["lastMessage"]>`(
  select json_build_object(
    'preview', left(m.body_text, 160),
    'internal', m.internal,
    'authorName', coalesce(u.name, ac.name, 'Former member'),
    'createdAt', to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  )
  from messages m
  left join staff s on s.id = m.author_staff_id
  left join "user" u on u.id = s.user_id
  left join contacts ac on ac.id = m.author_contact_id
  where m.conversation_id = ${conversations.id}
  order by m.seq desc
  limit 1
)`;

/** The conversation rows of a client with counts and previews for one staff reader, in one query. */
async function selectStaffConversations(
  db: Database,
  principal: StaffPrincipal,
  where: SQL | undefined,
): Promise<Conversation[]> {
  const rows = await db
    .select({
      id: conversations.id,
      clientId: conversations.clientId,
      kind: conversations.kind,
      contactId: contacts.id,
      contactName: contacts.name,
      contactPortalStatus: contacts.portalStatus,
      lastSeq: conversations.lastSeq,
      lastReadSeq: sql<number>`coalesce(${readCursors.lastReadSeq}, 0)`,
      unreadCount: staffUnreadCount(principal),
      lastMessage: lastMessagePreview,
    })
    .from(conversations)
    .leftJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(readCursors, staffCursor(principal))
    .where(and(visibleConversations(principal), where))
    .orderBy(
      sql`case when ${conversations.kind} = 'all_contacts' then 0 else 1 end`,
      asc(contacts.name),
      asc(conversations.id),
    );
  return rows.map(({ contactId, contactName, contactPortalStatus, ...row }) => ({
    ...row,
    title: row.kind === "all_contacts" ? "All Contacts" : (contactName ?? "Former contact"),
    contact:
      contactId && contactName && contactPortalStatus
        ? { id: contactId, name: contactName, portalStatus: contactPortalStatus }
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
      .select({ id: contacts.id, name: contacts.name, portalStatus: contacts.portalStatus })
      .from(contacts)
      .leftJoin(
        conversations,
        and(eq(conversations.contactId, contacts.id), eq(conversations.kind, "direct")),
      )
      .where(
        and(
          eq(contacts.clientId, clientId),
          eq(contacts.firmId, principal.firmId),
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
      .select({ id: contacts.id })
      .from(contacts)
      .where(
        and(
          eq(contacts.id, contactId),
          eq(contacts.clientId, clientId),
          eq(contacts.firmId, principal.firmId),
        ),
      );
    if (!contact) throw notFound("Contact");
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
