import { z } from "zod";
import { textInput } from "./fields.js";

export const portalStatusSchema = z.enum(["none", "invited", "active", "revoked"]);
export type PortalStatus = z.infer<typeof portalStatusSchema>;

export const clientSummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  contactCount: z.number().int(),
});
export type ClientSummary = z.infer<typeof clientSummarySchema>;

export const clientSchema = z.object({ id: z.uuid(), name: z.string() });
export type Client = z.infer<typeof clientSchema>;

export const clientListQuerySchema = z.object({
  q: textInput().trim().max(200, "Search text is too long.").optional(),
});

export const clientInputSchema = z.object({
  name: textInput({ error: "Enter the client's name." })
    .trim()
    .min(1, "Enter the client's name.")
    .max(200, "Use at most 200 characters."),
});
export type ClientInput = z.infer<typeof clientInputSchema>;

export const contactSchema = z.object({
  id: z.uuid(),
  clientId: z.uuid(),
  name: z.string(),
  email: z.string().nullable(),
  portalStatus: portalStatusSchema,
  /** Removed, but kept because of their message history: no portal access, no new threads. */
  former: z.boolean(),
});
export type Contact = z.infer<typeof contactSchema>;

export const contactInputSchema = z.object({
  name: textInput({ error: "Enter the contact's name." })
    .trim()
    .min(1, "Enter the contact's name.")
    .max(200, "Use at most 200 characters."),
  // An empty e-mail means "none yet": portal access needs one, a contact record does not.
  email: z
    .union([
      z.literal("").transform(() => null),
      z.null(),
      textInput()
        .trim()
        .toLowerCase()
        .pipe(z.email("Enter a valid e-mail address, like name@example.com.")),
    ])
    .optional()
    .transform((email) => email ?? null),
});
export type ContactInput = z.input<typeof contactInputSchema>;

export const clientParamsSchema = z.object({ clientId: z.uuid("Not a valid client id.") });
export const contactParamsSchema = clientParamsSchema.extend({
  contactId: z.uuid("Not a valid contact id."),
});
