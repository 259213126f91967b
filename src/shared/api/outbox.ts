import { z } from "zod";

export const outboxMailSchema = z.object({
  id: z.uuid(),
  kind: z.enum(["invitation", "sign_in_link", "password_reset", "new_messages"]),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  createdAt: z.iso.datetime(),
  sentAt: z.iso.datetime().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});
export type OutboxMail = z.infer<typeof outboxMailSchema>;
