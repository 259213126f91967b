import { z } from "zod";
import { richTextDocSchema } from "../rich-text/document.js";
import { clientParamsSchema, portalStatusSchema } from "./clients.js";
import { type Endpoint, noContentSchema } from "./endpoint.js";
import { MAX_INT32 } from "./fields.js";
import { attachmentSchema, MAX_ATTACHMENTS_PER_MESSAGE } from "./files.js";
import { type RouteName, routes } from "./routes.js";

export const conversationKindSchema = z.enum(["all_contacts", "direct"]);
export type ConversationKind = z.infer<typeof conversationKindSchema>;

/** Unread counts stop here; the UI shows "99+" past it. */
export const UNREAD_CAP = 100;
export const MESSAGE_PAGE_SIZE = 50;

export const authorSchema = z.object({
  kind: z.enum(["staff", "contact"]),
  id: z.uuid(),
  name: z.string(),
});

export const messageSchema = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  /** Position in the conversation, in the reader's own numbering (contacts never see notes). */
  seq: z.number().int(),
  author: authorSchema,
  internal: z.boolean(),
  body: richTextDocSchema,
  createdAt: z.iso.datetime(),
  editedAt: z.iso.datetime().nullable(),
  version: z.number().int(),
  /** The message's files, in the order they were attached; exactly as visible as the message. */
  attachments: z.array(attachmentSchema),
});
export type Message = z.infer<typeof messageSchema>;

export const conversationContactSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  portalStatus: portalStatusSchema,
  /** A removed contact kept for their history. */
  former: z.boolean(),
});

/** Who a conversation waits on: the newest message a contact can see was theirs ("us"), or ours. */
export const waitingOnSchema = z.enum(["us", "client"]).nullable();

export const conversationSchema = z.object({
  id: z.uuid(),
  clientId: z.uuid(),
  kind: conversationKindSchema,
  /** As the reader sees it: staff see a direct thread by its contact, a contact by the firm's name. */
  title: z.string(),
  /**
   * Contacts only: who else is in the thread, as the contact sees them: the client's other
   * contacts with portal access (in an All Contacts thread), then the firm's name.
   */
  members: z.array(z.string()).optional(),
  contact: conversationContactSchema.nullable(),
  lastSeq: z.number().int(),
  lastReadSeq: z.number().int(),
  unreadCount: z.number().int(),
  /** Staff only (null for contacts): whose turn it is to answer. */
  waitingOn: waitingOnSchema,
  lastMessage: z
    .object({
      preview: z.string(),
      internal: z.boolean(),
      authorName: z.string(),
      createdAt: z.iso.datetime(),
    })
    .nullable(),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const conversationListSchema = z.object({
  conversations: z.array(conversationSchema),
  /** Contacts that have no direct conversation yet: what "New Direct Message" offers. */
  contactsWithoutDirect: z.array(conversationContactSchema),
  unreadTotal: z.number().int(),
});
export type ConversationList = z.infer<typeof conversationListSchema>;

export const createConversationBodySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all_contacts") }),
  z.object({ kind: z.literal("direct"), contactId: z.uuid("Choose a contact.") }),
]);
export type CreateConversationBody = z.infer<typeof createConversationBodySchema>;

export const conversationParamsSchema = z.object({
  conversationId: z.uuid("Not a valid conversation id."),
});
export const messageParamsSchema = z.object({ messageId: z.uuid("Not a valid message id.") });

export const messagePageQuerySchema = z.object({
  /** Keyset paging: messages with `seq` below this, newest first from the server's side. */
  before: z.coerce
    .number<number>()
    .int()
    .positive()
    .max(MAX_INT32, "Not a position in a conversation.")
    .optional(),
  limit: z.coerce.number<number>().int().min(1).max(MESSAGE_PAGE_SIZE).default(MESSAGE_PAGE_SIZE),
});

export const messagePageSchema = z.object({
  /** Oldest first. */
  messages: z.array(messageSchema),
  hasOlder: z.boolean(),
});
export type MessagePage = z.infer<typeof messagePageSchema>;

const attachmentIdsSchema = z
  .array(z.uuid("Not a valid attachment id."))
  .max(
    MAX_ATTACHMENTS_PER_MESSAGE,
    `A message can carry at most ${MAX_ATTACHMENTS_PER_MESSAGE} files.`,
  );

export const sendMessageBodySchema = z.object({
  /**
   * Chosen by the sender, so a retried send stores one message. The message is stored under an
   * id derived from this one and the sender: use the id in the answer from then on.
   */
  id: z.uuid("A message id must be a UUID."),
  body: richTextDocSchema,
  internal: z.boolean().default(false),
  /** The sender's own uploads to attach (each can be attached once); the body may then be empty. */
  attachmentIds: attachmentIdsSchema.default([]),
});
export type SendMessageBody = z.input<typeof sendMessageBodySchema>;

/** Contacts send without the internal flag: a note is a staff-only idea. */
export const portalSendMessageBodySchema = sendMessageBodySchema.omit({ internal: true }).strict();
export type SendMessageInput = z.infer<typeof sendMessageBodySchema>;

export const editMessageBodySchema = z.object({
  body: richTextDocSchema,
  /** The version the editor started from; a newer one on the server answers 409. */
  version: z.number().int().positive().max(MAX_INT32, "Not a version of this message."),
  /** Files to take off the message (an edit can remove files, never add them). */
  removeAttachmentIds: attachmentIdsSchema.default([]),
});
export type EditMessageBody = z.infer<typeof editMessageBodySchema>;

export const markReadBodySchema = z.object({
  seq: z.number().int().min(0).max(MAX_INT32, "Not a position in a conversation."),
});

/**
 * One contact's read position as staff see it: the newest staff message (never a note) the
 * contact has read, and when their read position last moved. Contacts never receive these.
 */
export const readReceiptSchema = z.object({
  contactId: z.uuid(),
  name: z.string(),
  messageId: z.uuid(),
  readAt: z.iso.datetime(),
});
export type ReadReceipt = z.infer<typeof readReceiptSchema>;

export const teamMemberSchema = z.object({ id: z.uuid(), name: z.string() });
export type TeamMember = z.infer<typeof teamMemberSchema>;

const sendResponses = { 200: messageSchema, 201: messageSchema };

export const messagingEndpoints = {
  listConversations: {
    ...routes.listConversations,
    access: "staff",
    tags: ["messaging"],
    summary: "The client's conversations with unread counts, and contacts without a direct one",
    params: clientParamsSchema,
    responses: { 200: conversationListSchema },
    errors: [400, 401, 403, 404],
  },
  startConversation: {
    ...routes.startConversation,
    access: "staff",
    tags: ["messaging"],
    summary: "Start (or open) the All Contacts thread or a contact's direct thread",
    params: clientParamsSchema,
    body: createConversationBodySchema,
    responses: { 200: conversationSchema, 201: conversationSchema },
    errors: [400, 401, 403, 404, 409],
  },
  listMessages: {
    ...routes.listMessages,
    access: "staff",
    tags: ["messaging"],
    summary: "A page of messages, oldest first; `before` pages back through history",
    params: conversationParamsSchema,
    query: messagePageQuerySchema,
    responses: { 200: messagePageSchema },
    errors: [400, 401, 403, 404],
  },
  sendMessage: {
    ...routes.sendMessage,
    access: "staff",
    tags: ["messaging"],
    summary: "Send a message or internal note (idempotent by message id)",
    params: conversationParamsSchema,
    body: sendMessageBodySchema,
    responses: sendResponses,
    errors: [400, 401, 403, 404, 409, 429],
  },
  editMessage: {
    ...routes.editMessage,
    access: "staff",
    tags: ["messaging"],
    summary: "Edit one's own message",
    params: messageParamsSchema,
    body: editMessageBodySchema,
    responses: { 200: messageSchema },
    errors: [400, 401, 403, 404, 409, 429],
  },
  deleteMessage: {
    ...routes.deleteMessage,
    access: "staff",
    tags: ["messaging"],
    summary: "Delete one's own message for everyone",
    params: messageParamsSchema,
    responses: { 204: noContentSchema },
    errors: [400, 401, 403, 404],
  },
  markConversationRead: {
    ...routes.markConversationRead,
    access: "staff",
    tags: ["messaging"],
    summary: "Mark the conversation read up to a sequence number",
    params: conversationParamsSchema,
    body: markReadBodySchema,
    responses: { 204: noContentSchema },
    errors: [400, 401, 403, 404],
  },
  listReadReceipts: {
    ...routes.listReadReceipts,
    access: "staff",
    tags: ["messaging"],
    summary: "Which staff message each contact has read up to, and when (staff only)",
    params: conversationParamsSchema,
    responses: { 200: z.object({ receipts: z.array(readReceiptSchema) }) },
    errors: [400, 401, 403, 404],
  },
  listTeamMembers: {
    ...routes.listTeamMembers,
    access: "staff",
    tags: ["messaging"],
    summary: "The firm's staff, for @mentions",
    responses: { 200: z.object({ members: z.array(teamMemberSchema) }) },
    errors: [401, 403],
  },
} satisfies Partial<Record<RouteName, Endpoint>>;

/** The contact's side of Messages: the staff side's shapes, in the contact's own numbering. */
export const portalMessagingEndpoints = {
  listPortalConversations: {
    ...routes.listPortalConversations,
    access: "contact",
    tags: ["portal"],
    summary: "The client's All Contacts thread and the contact's own direct thread",
    params: clientParamsSchema,
    responses: { 200: conversationListSchema },
    errors: [400, 401, 403, 404],
  },
  startPortalDirectConversation: {
    ...routes.startPortalDirectConversation,
    access: "contact",
    tags: ["portal"],
    summary: "Start (or open) the contact's own direct thread with the firm",
    params: clientParamsSchema,
    responses: { 200: conversationSchema, 201: conversationSchema },
    errors: [400, 401, 403, 404, 429],
  },
  listPortalMessages: {
    ...routes.listPortalMessages,
    access: "contact",
    tags: ["portal"],
    summary: "A page of the messages the contact may see, oldest first",
    params: conversationParamsSchema,
    query: messagePageQuerySchema,
    responses: { 200: messagePageSchema },
    errors: [400, 401, 403, 404],
  },
  sendPortalMessage: {
    ...routes.sendPortalMessage,
    access: "contact",
    tags: ["portal"],
    summary: "Send a message (idempotent by message id)",
    params: conversationParamsSchema,
    body: portalSendMessageBodySchema,
    responses: sendResponses,
    errors: [400, 401, 403, 404, 409, 429],
  },
  editPortalMessage: {
    ...routes.editPortalMessage,
    access: "contact",
    tags: ["portal"],
    summary: "Edit one's own message",
    params: messageParamsSchema,
    body: editMessageBodySchema,
    responses: { 200: messageSchema },
    errors: [400, 401, 403, 404, 409, 429],
  },
  deletePortalMessage: {
    ...routes.deletePortalMessage,
    access: "contact",
    tags: ["portal"],
    summary: "Delete one's own message for everyone",
    params: messageParamsSchema,
    responses: { 204: noContentSchema },
    errors: [400, 401, 403, 404],
  },
  markPortalConversationRead: {
    ...routes.markPortalConversationRead,
    access: "contact",
    tags: ["portal"],
    summary: "Mark the conversation read up to a number in the contact's numbering",
    params: conversationParamsSchema,
    body: markReadBodySchema,
    responses: { 204: noContentSchema },
    errors: [400, 401, 403, 404],
  },
} satisfies Partial<Record<RouteName, Endpoint>>;
