import { z } from "zod";
import { type Endpoint, noContentSchema } from "./endpoint.js";
import { conversationKindSchema, waitingOnSchema } from "./messaging.js";
import { type RouteName, routes } from "./routes.js";

/** Notifications are listed this many at a time, newest first. */
export const NOTIFICATION_PAGE_SIZE = 30;

/** One @mention of the signed-in staff member: who mentioned them, where, and what it said. */
export const notificationSchema = z.object({
  id: z.uuid(),
  messageId: z.uuid(),
  conversationId: z.uuid(),
  clientId: z.uuid(),
  clientName: z.string(),
  conversationTitle: z.string(),
  authorName: z.string(),
  /** The mention was in an internal note, which only staff see. */
  internal: z.boolean(),
  preview: z.string(),
  createdAt: z.iso.datetime(),
  read: z.boolean(),
});
export type Notification = z.infer<typeof notificationSchema>;

export const notificationPageSchema = z.object({
  notifications: z.array(notificationSchema),
  unreadCount: z.number().int(),
  /** Pass as `before` to get the next, older page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type NotificationPage = z.infer<typeof notificationPageSchema>;

export const notificationParamsSchema = z.object({
  notificationId: z.uuid("Not a valid notification id."),
});

/** Keyset cursors: the previous page's last row, as the server wrote it. */
const cursorSchema = z.string().max(200);

export const notificationEndpoints = {
  listNotifications: {
    ...routes.listNotifications,
    access: "staff",
    tags: ["notifications"],
    summary: "The signed-in staff member's notifications (their @mentions), newest first",
    query: z.object({ before: cursorSchema.optional() }),
    responses: { 200: notificationPageSchema },
    errors: [400, 401, 403],
  },
  getNotificationCount: {
    ...routes.getNotificationCount,
    access: "staff",
    tags: ["notifications"],
    summary: "How many of the signed-in staff member's notifications are unread",
    responses: { 200: z.object({ unreadCount: z.number().int() }) },
    errors: [401, 403],
  },
  markNotificationRead: {
    ...routes.markNotificationRead,
    access: "staff",
    tags: ["notifications"],
    summary: "Marks one of one's own notifications read",
    params: notificationParamsSchema,
    responses: { 204: noContentSchema },
    errors: [400, 401, 403, 404],
  },
  markAllNotificationsRead: {
    ...routes.markAllNotificationsRead,
    access: "staff",
    tags: ["notifications"],
    summary: "Marks all of one's own notifications read",
    responses: { 204: noContentSchema },
    errors: [401, 403],
  },
} satisfies Partial<Record<RouteName, Endpoint>>;

// --- The inbox ---

export const inboxFilterSchema = z.enum(["all", "unread", "waiting", "mentions"]);
export type InboxFilter = z.infer<typeof inboxFilterSchema>;

export const INBOX_PAGE_SIZE = 30;

export const inboxRowSchema = z.object({
  conversationId: z.uuid(),
  clientId: z.uuid(),
  clientName: z.string(),
  kind: conversationKindSchema,
  title: z.string(),
  lastMessage: z
    .object({
      preview: z.string(),
      internal: z.boolean(),
      authorName: z.string(),
      createdAt: z.iso.datetime(),
    })
    .nullable(),
  lastActivityAt: z.iso.datetime(),
  unreadCount: z.number().int(),
  waitingOn: waitingOnSchema,
  /** I am mentioned in it and have not read the mention. */
  mentioned: z.boolean(),
});
export type InboxRow = z.infer<typeof inboxRowSchema>;

export const inboxPageSchema = z.object({
  rows: z.array(inboxRowSchema),
  nextCursor: z.string().nullable(),
});
export type InboxPage = z.infer<typeof inboxPageSchema>;

export const inboxEndpoints = {
  listInbox: {
    ...routes.listInbox,
    access: "staff",
    tags: ["inbox"],
    summary:
      "The firm's conversations across clients, newest activity first, for the signed-in staff member",
    query: z.object({
      filter: inboxFilterSchema.default("all"),
      before: cursorSchema.optional(),
    }),
    responses: { 200: inboxPageSchema },
    errors: [400, 401, 403],
  },
  getInboxUnreadTotal: {
    ...routes.getInboxUnreadTotal,
    access: "staff",
    tags: ["inbox"],
    summary:
      "How many conversations of the firm have unread messages for the signed-in staff member",
    responses: { 200: z.object({ unreadConversations: z.number().int() }) },
    errors: [401, 403],
  },
} satisfies Partial<Record<RouteName, Endpoint>>;

// --- E-mail alerts for staff ---

export const messageAlertsSchema = z.object({
  alerts: z.enum(["mentions_and_client_messages", "mentions", "none"]),
});
export type MessageAlerts = z.infer<typeof messageAlertsSchema>;

export const messageAlertEndpoints = {
  getMessageAlerts: {
    ...routes.getMessageAlerts,
    access: "staff",
    tags: ["notifications"],
    summary: "Which e-mail alerts the signed-in staff member gets",
    responses: { 200: messageAlertsSchema },
    errors: [401, 403],
  },
  updateMessageAlerts: {
    ...routes.updateMessageAlerts,
    access: "staff",
    tags: ["notifications"],
    summary: "Chooses the signed-in staff member's e-mail alerts",
    body: messageAlertsSchema,
    responses: { 200: messageAlertsSchema },
    errors: [400, 401, 403],
  },
} satisfies Partial<Record<RouteName, Endpoint>>;
