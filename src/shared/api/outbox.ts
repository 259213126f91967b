import { z } from "zod";
import type { Endpoint } from "./endpoint.js";
import { type RouteName, routes } from "./routes.js";

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
