import { z } from "zod";
import type { Endpoint } from "./endpoint.js";
import { textInput } from "./fields.js";
import { type RouteName, routes } from "./routes.js";

export const staffRoleSchema = z.enum(["owner", "admin", "member"]);
export type StaffRole = z.infer<typeof staffRoleSchema>;

export const staffSessionSchema = z.object({
  kind: z.literal("staff"),
  staffId: z.uuid(),
  name: z.string(),
  email: z.string(),
  role: staffRoleSchema,
  firm: z.object({ id: z.uuid(), name: z.string() }),
  /** What the firm's policy lets this member do, so the UI offers only what the server allows. */
  can: z.object({
    readOutbox: z.boolean(),
    removeContacts: z.boolean(),
    manageTeam: z.boolean(),
    manageFirm: z.boolean(),
    manageOwners: z.boolean(),
    manageFirmSecurity: z.boolean(),
  }),
});

export type StaffSession = z.infer<typeof staffSessionSchema>;

export const signInBodySchema = z.object({
  email: textInput().trim().min(1, "Enter your e-mail address."),
  password: textInput().min(1, "Enter your password."),
});

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;

/** The rules a new password must meet, as shown to the person choosing it. */
export const newPasswordSchema = textInput({ error: "Choose a password." })
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`)
  .refine((password) => new Set(password).size >= 4, "Use more varied characters.");

export const portalClientSchema = z.object({
  clientId: z.uuid(),
  clientName: z.string(),
  contactId: z.uuid(),
  firmName: z.string(),
});
export type PortalClient = z.infer<typeof portalClientSchema>;

export const contactSessionSchema = z.object({
  kind: z.literal("contact"),
  name: z.string(),
  email: z.string(),
  /** The clients this person has portal access to (one per contact record). */
  clients: z.array(portalClientSchema),
});
export type ContactSession = z.infer<typeof contactSessionSchema>;

export const sessionEndpoints = {
  getStaffSession: {
    ...routes.getStaffSession,
    access: "staff",
    tags: ["session"],
    summary: "The signed-in staff member and their firm",
    responses: { 200: staffSessionSchema },
    errors: [401, 403],
  },
  getPortalSession: {
    ...routes.getPortalSession,
    access: "contact",
    tags: ["portal"],
    summary: "The signed-in contact and the clients they can see",
    responses: { 200: contactSessionSchema },
    errors: [401, 403],
  },
} satisfies Partial<Record<RouteName, Endpoint>>;
