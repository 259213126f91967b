import type { Conversation, Message, ReadReceipt } from "./api/messaging.js";

/**
 * Every realtime event the server sends, with its payload: one map for server and web.
 * `seq` numbers are in the receiver's numbering, so a client can tell when it missed one.
 */
export type ServerEvents = {
  "message.created": { clientId: string; conversationId: string; message: Message };
  "message.updated": { clientId: string; conversationId: string; message: Message };
  "message.deleted": { clientId: string; conversationId: string; messageId: string };
  "conversation.created": { clientId: string; conversation: Pick<Conversation, "id" | "kind"> };
  /** Staff only: a contact's portal access changed (invited, accepted, revoked). */
  "contact.changed": { clientId: string; contactId: string };
  /** Sent to the reader's own sockets, so badges agree across their tabs. */
  "conversation.read": { clientId: string; conversationId: string; lastReadSeq: number };
  /** Staff only: a contact read further; where their receipt now sits. */
  "conversation.receipt": { clientId: string; conversationId: string; receipt: ReadReceipt };
  /** Staff only: someone joined, left or changed role, or the firm was renamed. */
  "team.changed": { firmId: string };
  /** Staff only, to the person's own sockets: their notifications changed (added, read, removed). */
  "notification.changed": { unreadCount: number };
};

export type ServerEventName = keyof ServerEvents;
export type ServerEvent = {
  [Name in ServerEventName]: { type: Name; data: ServerEvents[Name] };
}[ServerEventName];

/** Messages about the connection itself rather than about data. */
export type ControlMessage =
  /** Sent once the socket is subscribed; a client refetches what it shows, to catch up. */
  | { type: "ready" }
  /** Portal access was revoked: the server closes the socket right after. */
  | { type: "access.revoked" }
  /** Sent just before `access.revoked` when a firm ended this contact's portal access. */
  | { type: "access.ended"; firmName: string };
