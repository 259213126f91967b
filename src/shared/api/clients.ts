import { z } from "zod";
import { type Endpoint, noContentSchema } from "./endpoint.js";
import { textInput } from "./fields.js";
import { invitationDeliverySchema } from "./outbox.js";
import { type RouteName, routes } from "./routes.js";

export const portalStatusSchema = z.enum(["none", "invited", "active", "revoked"]);
export type PortalStatus = z.infer<typeof portalStatusSchema>;

export const clientSummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  contactCount: z.number().int(),
  /** Unread messages for the signed-in staff member across the client's conversations (each capped). */
  unreadCount: z.number().int(),
});
export type ClientSummary = z.infer<typeof clientSummarySchema>;

export const clientSchema = z.object({ id: z.uuid(), name: z.string() }).meta({ id: "Client" });
export type Client = z.infer<typeof clientSchema>;

export const clientListQuerySchema = z.object({
  q: textInput().trim().max(200, "Search text is too long.").optional(),
  /** By name (the default), or those with the most unread for me first. */
  sort: z.enum(["name", "unread"]).default("name"),
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

export const clientEndpoints = {
  listClients: {
    ...routes.listClients,
    access: "staff",
    tags: ["clients"],
    summary: "The firm's clients with their number of contacts, filtered by name",
    query: clientListQuerySchema,
    responses: { 200: z.object({ clients: z.array(clientSummarySchema) }) },
    errors: [400, 401, 403],
  },
  createClient: {
    ...routes.createClient,
    access: "staff",
    tags: ["clients"],
    summary: "Add a client",
    body: clientInputSchema,
    responses: { 201: clientSchema },
    errors: [400, 401, 403],
  },
  getClient: {
    ...routes.getClient,
    access: "staff",
    tags: ["clients"],
    summary: "One client of the firm",
    params: clientParamsSchema,
    responses: { 200: clientSchema },
    errors: [400, 401, 403, 404],
  },
  listContacts: {
    ...routes.listContacts,
    access: "staff",
    tags: ["contacts"],
    summary: "The client's contacts",
    params: clientParamsSchema,
    responses: { 200: z.object({ contacts: z.array(contactSchema) }) },
    errors: [400, 401, 403, 404],
  },
  createContact: {
    ...routes.createContact,
    access: "staff",
    tags: ["contacts"],
    summary: "Add a contact to the client",
    params: clientParamsSchema,
    body: contactInputSchema,
    responses: { 201: contactSchema },
    errors: [400, 401, 403, 404, 409],
  },
  updateContact: {
    ...routes.updateContact,
    access: "staff",
    tags: ["contacts"],
    summary: "Change a contact's name and e-mail",
    params: contactParamsSchema,
    body: contactInputSchema,
    responses: { 200: contactSchema },
    errors: [400, 401, 403, 404, 409],
  },
  deleteContact: {
    ...routes.deleteContact,
    access: "staff",
    tags: ["contacts"],
    summary: "Remove a contact",
    params: contactParamsSchema,
    responses: { 204: noContentSchema },
    errors: [400, 401, 403, 404],
  },
  inviteContact: {
    ...routes.inviteContact,
    access: "staff",
    tags: ["portal access"],
    summary: "Invite the contact to the portal, or send a fresh invitation",
    params: contactParamsSchema,
    responses: { 200: contactSchema.extend({ delivery: invitationDeliverySchema }) },
    errors: [400, 401, 403, 404, 409, 429],
  },
  revokePortalAccess: {
    ...routes.revokePortalAccess,
    access: "staff",
    tags: ["portal access"],
    summary: "Revoke the contact's portal access at once",
    params: contactParamsSchema,
    responses: { 200: contactSchema },
    errors: [400, 401, 403, 404],
  },
} satisfies Partial<Record<RouteName, Endpoint>>;
