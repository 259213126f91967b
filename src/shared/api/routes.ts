export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Every API endpoint's method and path, keyed by its name (the OpenAPI `operationId`). It holds
 * no schemas, so the web app can call the API without loading zod; `endpoints.ts` adds them.
 */
export const routes = {
  getStaffSession: { method: "GET", path: "/api/session" },
  getPortalSession: { method: "GET", path: "/api/portal/session" },

  getAccount: { method: "GET", path: "/api/account" },
  updateAccountName: { method: "PUT", path: "/api/account/name" },
  getFirmSecurity: { method: "GET", path: "/api/firm/security" },
  updateFirmSecurity: { method: "PUT", path: "/api/firm/security" },

  listClients: { method: "GET", path: "/api/clients" },
  createClient: { method: "POST", path: "/api/clients" },
  getClient: { method: "GET", path: "/api/clients/:clientId" },
  listContacts: { method: "GET", path: "/api/clients/:clientId/contacts" },
  createContact: { method: "POST", path: "/api/clients/:clientId/contacts" },
  updateContact: { method: "PUT", path: "/api/clients/:clientId/contacts/:contactId" },
  deleteContact: { method: "DELETE", path: "/api/clients/:clientId/contacts/:contactId" },

  inviteContact: { method: "POST", path: "/api/clients/:clientId/contacts/:contactId/invitation" },
  revokePortalAccess: {
    method: "DELETE",
    path: "/api/clients/:clientId/contacts/:contactId/portal-access",
  },
  getInvitation: { method: "GET", path: "/api/portal/invitations/:token" },
  acceptInvitation: { method: "POST", path: "/api/portal/invitations/:token/accept" },
  acceptInvitationSignedIn: {
    method: "POST",
    path: "/api/portal/invitations/:token/accept-signed-in",
  },
  requestInvitationRenewal: { method: "POST", path: "/api/portal/invitations/:token/renewal" },

  listOutbox: { method: "GET", path: "/api/outbox" },
  getMailSubscription: { method: "GET", path: "/api/mail-subscriptions/:token" },
  updateMailSubscription: { method: "PUT", path: "/api/mail-subscriptions/:token" },
  unsubscribeOneClick: { method: "POST", path: "/api/mail-subscriptions/:token/unsubscribe" },
  getPortalMailPreferences: {
    method: "GET",
    path: "/api/portal/clients/:clientId/mail-preferences",
  },
  updatePortalMailPreferences: {
    method: "PUT",
    path: "/api/portal/clients/:clientId/mail-preferences",
  },

  listStaff: { method: "GET", path: "/api/team/staff" },
  inviteStaff: { method: "POST", path: "/api/team/invitations" },
  resendStaffInvitation: { method: "POST", path: "/api/team/invitations/:invitationId/resend" },
  revokeStaffInvitation: { method: "DELETE", path: "/api/team/invitations/:invitationId" },
  changeStaffRole: { method: "PUT", path: "/api/team/staff/:staffId/role" },
  deactivateStaff: { method: "POST", path: "/api/team/staff/:staffId/deactivate" },
  reactivateStaff: { method: "POST", path: "/api/team/staff/:staffId/reactivate" },
  updateFirm: { method: "PUT", path: "/api/firm" },
  getStaffInvitation: { method: "GET", path: "/api/staff-invitations/:token" },
  acceptStaffInvitation: { method: "POST", path: "/api/staff-invitations/:token/accept" },
  getSetupState: { method: "GET", path: "/api/setup" },
  completeSetup: { method: "POST", path: "/api/setup" },

  listConversations: { method: "GET", path: "/api/clients/:clientId/conversations" },
  startConversation: { method: "POST", path: "/api/clients/:clientId/conversations" },
  listMessages: { method: "GET", path: "/api/conversations/:conversationId/messages" },
  sendMessage: { method: "POST", path: "/api/conversations/:conversationId/messages" },
  editMessage: { method: "PATCH", path: "/api/messages/:messageId" },
  deleteMessage: { method: "DELETE", path: "/api/messages/:messageId" },
  markConversationRead: { method: "POST", path: "/api/conversations/:conversationId/read" },
  listReadReceipts: { method: "GET", path: "/api/conversations/:conversationId/read-receipts" },
  listTeamMembers: { method: "GET", path: "/api/team" },

  listNotifications: { method: "GET", path: "/api/notifications" },
  getNotificationCount: { method: "GET", path: "/api/notifications/unread-count" },
  markNotificationRead: { method: "POST", path: "/api/notifications/:notificationId/read" },
  markAllNotificationsRead: { method: "POST", path: "/api/notifications/read" },
  listInbox: { method: "GET", path: "/api/inbox" },
  getInboxUnreadTotal: { method: "GET", path: "/api/inbox/unread-total" },
  getMessageAlerts: { method: "GET", path: "/api/account/message-alerts" },
  updateMessageAlerts: { method: "PUT", path: "/api/account/message-alerts" },

  listPortalConversations: { method: "GET", path: "/api/portal/clients/:clientId/conversations" },
  startPortalDirectConversation: {
    method: "POST",
    path: "/api/portal/clients/:clientId/conversations/direct",
  },
  listPortalMessages: { method: "GET", path: "/api/portal/conversations/:conversationId/messages" },
  sendPortalMessage: {
    method: "POST",
    path: "/api/portal/conversations/:conversationId/messages",
  },
  editPortalMessage: { method: "PATCH", path: "/api/portal/messages/:messageId" },
  deletePortalMessage: { method: "DELETE", path: "/api/portal/messages/:messageId" },
  markPortalConversationRead: {
    method: "POST",
    path: "/api/portal/conversations/:conversationId/read",
  },

  uploadFile: { method: "POST", path: "/api/uploads" },
  downloadAttachment: { method: "GET", path: "/api/attachments/:attachmentId" },
  downloadThumbnail: { method: "GET", path: "/api/attachments/:attachmentId/thumbnail" },
  uploadPortalFile: { method: "POST", path: "/api/portal/uploads" },
  downloadPortalAttachment: { method: "GET", path: "/api/portal/attachments/:attachmentId" },
  downloadPortalThumbnail: {
    method: "GET",
    path: "/api/portal/attachments/:attachmentId/thumbnail",
  },
  listClientFiles: { method: "GET", path: "/api/clients/:clientId/files" },
  listPortalClientFiles: { method: "GET", path: "/api/portal/clients/:clientId/files" },
} as const satisfies Record<string, { method: HttpMethod; path: string }>;

export type RouteName = keyof typeof routes;
