import { z } from "zod";
import type { Endpoint } from "./endpoint.js";
import { type RouteName, routes } from "./routes.js";

/**
 * Where an invitation went: "email" when handed to the SMTP server for sending, "outbox" when
 * no SMTP server is set up and it waits on the Outbox page for the firm to pass its link on.
 */
export const invitationDeliverySchema = z.enum(["email", "outbox"]);
export type InvitationDelivery = z.infer<typeof invitationDeliverySchema>;

export const outboxMailSchema = z.object({
  id: z.uuid(),
  kind: z.enum(["invitation", "sign_in_link", "password_reset", "new_messages", "staff_alert"]),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  createdAt: z.iso.datetime(),
  sentAt: z.iso.datetime().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});
export type OutboxMail = z.infer<typeof outboxMailSchema>;

export const outboxEndpoints = {
  listOutbox: {
    ...routes.listOutbox,
    access: "staff",
    tags: ["mail"],
    summary: "The firm's outgoing e-mail, newest first (owners and admins)",
    responses: { 200: z.object({ mails: z.array(outboxMailSchema) }) },
    errors: [401, 403],
  },
} satisfies Partial<Record<RouteName, Endpoint>>;
