import { and, asc, eq, inArray, ne } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Conversation, Message } from "../../shared/api/messaging.js";
import type { ContactPrincipal, Principal, StaffPrincipal } from "../auth/principal-types.js";
import { getClient } from "../clients/clients.service.js";
import type { Database } from "../db/connect.js";
import { contacts, conversations, messages, staff, user } from "../db/schema.js";
import { notFound } from "../http/errors.js";
import type { MentionDirectory } from "./message-body.js";
import {
  type ConversationRow,
  toContactConversation,
  toContactMessage,
  toStaffConversation,
  toStaffMessage,
} from "./message-shapes.js";
import type { MessageRow } from "./message-sql.js";
import type { Reader } from "./read-state.js";
import { allContactsReaders, visibleConversations, visibleMessages } from "./visibility.js";

/** The person acting, as they appear on one client's messages: reader, author and name. */
export type Identity = Reader & { name: string };

/** The identity someone writes under at one client (`clientId` null: the same at every client). */
export type AuthorAt = { clientId: string | null; identity: Identity };

/**
 * Who is acting in messaging, built once from the principal: everything the one messaging
 * service needs to know about the side they are on. Staff number messages by `seq` and see
 * notes; contacts number by `public_seq`, never see or write notes, and mention nobody.
 */
export type Actor = {
  principal: Principal;
  side: "staff" | "contact";
  /** Their numbering of a conversation's messages, and of its newest message. */
  numbering: { message: AnyPgColumn; last: AnyPgColumn };
  /** Which of a stored message's two numbers is theirs. */
  ownNumber: (numbers: { seq: number; publicSeq: number }) => number;
  shapeMessage: (row: MessageRow) => Message;
  /** How they see one client's conversation rows (a contact's view names who is in each). */
  conversationShape: (
    db: Database,
    clientId: string,
  ) => Promise<(row: ConversationRow) => Conversation>;
  mayWriteNotes: boolean;
  /** Whether they start conversations (and are offered contacts without a direct thread). */
  startsConversations: boolean;
  /** Whom their messages may mention: a lookup of ids to names; unknown ids are refused. */
  mentionDirectory: (db: Database) => MentionDirectory;
  /** Who they are at a client's conversations; 404 when they have no access to that client. */
  identityAt: (client: { clientId: string }) => Identity;
  /** Every identity they write under, by client (`clientId` null: the same at every client). */
  authors: readonly AuthorAt[];
  /** 404 unless they may see this client's messages; answers the client's firm. */
  reachClient: (db: Database, clientId: string) => Promise<{ firmId: string }>;
  visibleConversations: ReturnType<typeof visibleConversations>;
  visibleMessages: ReturnType<typeof visibleMessages>;
};

/** Contacts cannot mention anyone: every mention in their messages is refused. */
const noMentions: MentionDirectory = async () => new Map();

/** Mentions may name only staff of the sender's own firm. */
const firmMentions =
  (firmId: string) =>
  (db: Database): MentionDirectory =>
  async (staffIds) => {
    if (staffIds.length === 0) return new Map();
    const rows = await db
      .select({ id: staff.id, name: user.name })
      .from(staff)
      .innerJoin(user, eq(user.id, staff.userId))
      .where(and(eq(staff.firmId, firmId), inArray(staff.id, staffIds)));
    return new Map(rows.map((row) => [row.id, row.name]));
  };

function staffActor(principal: StaffPrincipal): Actor {
  const identity: Identity = { kind: "staff", staffId: principal.staffId, name: principal.name };
  return {
    principal,
    side: "staff",
    numbering: { message: messages.seq, last: conversations.lastSeq },
    ownNumber: (numbers) => numbers.seq,
    shapeMessage: toStaffMessage,
    conversationShape: async () => toStaffConversation,
    mayWriteNotes: true,
    startsConversations: true,
    mentionDirectory: firmMentions(principal.firmId),
    identityAt: () => identity,
    authors: [{ clientId: null, identity }],
    reachClient: async (db, clientId) => {
      await getClient(db, principal, clientId);
      return { firmId: principal.firmId };
    },
    visibleConversations: visibleConversations(principal),
    visibleMessages: visibleMessages(principal),
  };
}

function contactActor(principal: ContactPrincipal): Actor {
  const linkAt = (clientId: string) => {
    const link = principal.links.find((candidate) => candidate.clientId === clientId);
    if (!link) throw notFound("Client");
    return link;
  };
  return {
    principal,
    side: "contact",
    numbering: { message: messages.publicSeq, last: conversations.lastPublicSeq },
    ownNumber: (numbers) => numbers.publicSeq,
    shapeMessage: toContactMessage,
    conversationShape: async (db, clientId) => {
      const link = linkAt(clientId);
      const fellows = await db
        .select({ name: contacts.name })
        .from(contacts)
        .where(and(allContactsReaders(link), ne(contacts.id, link.contactId)))
        .orderBy(asc(contacts.name), asc(contacts.id));
      const names = { firmName: link.firmName, fellowContacts: fellows.map((row) => row.name) };
      return (row) => toContactConversation(row, names);
    },
    mayWriteNotes: false,
    startsConversations: false,
    mentionDirectory: () => noMentions,
    identityAt: ({ clientId }) => {
      const link = linkAt(clientId);
      return { kind: "contact", contactId: link.contactId, name: link.contactName };
    },
    authors: principal.links.map((link) => ({
      clientId: link.clientId,
      identity: { kind: "contact", contactId: link.contactId, name: link.contactName },
    })),
    reachClient: async (_db, clientId) => ({ firmId: linkAt(clientId).firmId }),
    visibleConversations: visibleConversations(principal),
    visibleMessages: visibleMessages(principal),
  };
}

/** The one place a principal becomes a messaging actor. */
export function actorFor(principal: Principal): Actor {
  return principal.kind === "staff" ? staffActor(principal) : contactActor(principal);
}
