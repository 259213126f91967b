import { z } from "zod";
import type { Endpoint } from "./endpoint.js";
import { textInput } from "./fields.js";
import { type RouteName, routes } from "./routes.js";

const unsubscribeTokenParamsSchema = z.object({
  token: textInput().min(20, "Not an unsubscribe link.").max(120, "Not an unsubscribe link."),
});

/** Whether a contact gets e-mails about new messages, as the unsubscribe page shows it. */
export const mailSubscriptionSchema = z.object({
  firmName: z.string(),
  clientName: z.string(),
  messageEmails: z.boolean(),
});
export type MailSubscription = z.infer<typeof mailSubscriptionSchema>;

export const messageEmailsSchema = z.object({ messageEmails: z.boolean() });
export type MessageEmails = z.infer<typeof messageEmailsSchema>;

const portalClientParamsSchema = z.object({ clientId: z.uuid("Not a client id.") });

export const mailPreferenceEndpoints = {
  getMailSubscription: {
    ...routes.getMailSubscription,
    tags: ["mail"],
    access: "anyone",
    summary: "Whether the contact of an unsubscribe link gets e-mails about new messages",
    params: unsubscribeTokenParamsSchema,
    responses: { 200: mailSubscriptionSchema },
    errors: [400, 404],
  },
  updateMailSubscription: {
    ...routes.updateMailSubscription,
    tags: ["mail"],
    access: "anyone",
    summary: "Turn e-mails about new messages off or back on, from an unsubscribe link",
    params: unsubscribeTokenParamsSchema,
    body: messageEmailsSchema,
    responses: { 200: mailSubscriptionSchema },
    errors: [400, 403, 404],
  },
  unsubscribeOneClick: {
    ...routes.unsubscribeOneClick,
    tags: ["mail"],
    access: "anyone",
    crossSite: true,
    summary:
      "One-click unsubscribe (RFC 8058): mail clients post `List-Unsubscribe=One-Click` here",
    params: unsubscribeTokenParamsSchema,
    responses: { 204: z.null() },
    errors: [400, 404],
  },
  getPortalMailPreferences: {
    ...routes.getPortalMailPreferences,
    tags: ["portal"],
    access: "contact",
    summary: "Whether the signed-in contact gets e-mails about new messages from this client",
    params: portalClientParamsSchema,
    responses: { 200: messageEmailsSchema },
    errors: [400, 401, 403, 404],
  },
  updatePortalMailPreferences: {
    ...routes.updatePortalMailPreferences,
    tags: ["portal"],
    access: "contact",
    summary: "Turn e-mails about new messages from this client off or on",
    params: portalClientParamsSchema,
    body: messageEmailsSchema,
    responses: { 200: messageEmailsSchema },
    errors: [400, 401, 403, 404],
  },
} satisfies Partial<Record<RouteName, Endpoint>>;
