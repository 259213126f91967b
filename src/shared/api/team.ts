import { z } from "zod";
import type { Endpoint } from "./endpoint.js";
import { textInput } from "./fields.js";
import { invitationDeliverySchema } from "./outbox.js";
import { type RouteName, routes } from "./routes.js";
import { newPasswordSchema, staffRoleSchema } from "./session.js";

const personName = (what: string) =>
  textInput({ error: `Enter ${what}.` })
    .trim()
    .min(1, `Enter ${what}.`)
    .max(200, "Use at most 200 characters.");

const emailInput = textInput({ error: "Enter an e-mail address." })
  .trim()
  .toLowerCase()
  .pipe(z.email("Enter a valid e-mail address, like name@example.com."));

export const firmNameSchema = textInput({ error: "Enter the firm's name." })
  .trim()
  .min(1, "Enter the firm's name.")
  .max(200, "Use at most 200 characters.");

export const teamMemberStatusSchema = z.enum(["active", "deactivated"]);

export const staffMemberSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  role: staffRoleSchema,
  status: teamMemberStatusSchema,
  /** Whether the member signs in with two-factor. */
  twoFactorEnabled: z.boolean(),
  /** The signed-in member's own row. */
  isYou: z.boolean(),
});
export type StaffMember = z.infer<typeof staffMemberSchema>;

export const pendingStaffInvitationSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  role: staffRoleSchema,
  expiresAt: z.iso.datetime(),
  expired: z.boolean(),
});
export type PendingStaffInvitation = z.infer<typeof pendingStaffInvitationSchema>;
/** A fresh invitation, with where it went. */
const sentStaffInvitationSchema = pendingStaffInvitationSchema.extend({
  delivery: invitationDeliverySchema,
});

export const teamSchema = z.object({
  members: z.array(staffMemberSchema),
  invitations: z.array(pendingStaffInvitationSchema),
});

/** Roles an invitation may give from the Team page; owners are made by changing a role. */
export const invitableRoleSchema = z.enum(["admin", "member"], "Choose Admin or Member.");

export const inviteStaffBodySchema = z.object({
  name: personName("their name"),
  email: emailInput,
  role: invitableRoleSchema,
});
export type InviteStaffBody = z.input<typeof inviteStaffBodySchema>;

const staffIdParams = z.object({ staffId: z.uuid() });
const invitationIdParams = z.object({ invitationId: z.uuid() });
const tokenParams = z.object({
  token: textInput().min(20, "Not an invitation link.").max(100, "Not an invitation link."),
});

/** What a teammate's invitation link shows before it is accepted. */
export const staffInvitationStateSchema = z.discriminatedUnion("state", [
  z.object({
    state: z.literal("valid"),
    name: z.string(),
    email: z.string(),
    role: staffRoleSchema,
    firmName: z.string(),
  }),
  z.object({ state: z.enum(["used", "expired", "invalid"]), firmName: z.string().nullable() }),
]);
export type StaffInvitationState = z.infer<typeof staffInvitationStateSchema>;

export const firmSchema = z.object({ id: z.uuid(), name: z.string() });

export const setupStateSchema = z.object({
  state: z.enum(["ready", "invalid_link", "done"]),
});
export type SetupState = z.infer<typeof setupStateSchema>;

export const setupBodySchema = z.object({
  token: textInput().min(20, "Not a setup link.").max(100, "Not a setup link."),
  firmName: firmNameSchema,
  name: personName("your name"),
  email: emailInput,
  password: newPasswordSchema,
});
export type SetupBody = z.input<typeof setupBodySchema>;

export const teamEndpoints = {
  listStaff: {
    ...routes.listStaff,
    access: "staff",
    tags: ["team"],
    summary: "The firm's staff and pending invitations (owners and admins)",
    responses: { 200: teamSchema },
    errors: [401, 403],
  },
  inviteStaff: {
    ...routes.inviteStaff,
    access: "staff",
    tags: ["team"],
    summary: "Invite a teammate by e-mail (the link goes through the outbox)",
    body: inviteStaffBodySchema,
    responses: { 201: sentStaffInvitationSchema },
    errors: [400, 401, 403, 409, 429],
  },
  resendStaffInvitation: {
    ...routes.resendStaffInvitation,
    access: "staff",
    tags: ["team"],
    summary: "Send a fresh invitation link; the earlier one stops working",
    params: invitationIdParams,
    responses: { 200: sentStaffInvitationSchema },
    errors: [400, 401, 403, 404, 409, 429],
  },
  revokeStaffInvitation: {
    ...routes.revokeStaffInvitation,
    access: "staff",
    tags: ["team"],
    summary: "Withdraw a pending invitation: its link stops working",
    params: invitationIdParams,
    responses: { 204: z.null() },
    errors: [400, 401, 403, 404],
  },
  changeStaffRole: {
    ...routes.changeStaffRole,
    access: "staff",
    tags: ["team"],
    summary: "Change a teammate's role (only owners make or unmake owners)",
    params: staffIdParams,
    body: z.object({ role: staffRoleSchema }),
    responses: { 200: staffMemberSchema },
    errors: [400, 401, 403, 404, 409],
  },
  deactivateStaff: {
    ...routes.deactivateStaff,
    access: "staff",
    tags: ["team"],
    summary: "Deactivate a teammate: their sessions end and open connections close at once",
    params: staffIdParams,
    responses: { 200: staffMemberSchema },
    errors: [400, 401, 403, 404, 409],
  },
  reactivateStaff: {
    ...routes.reactivateStaff,
    access: "staff",
    tags: ["team"],
    summary: "Let a deactivated teammate sign in again",
    params: staffIdParams,
    responses: { 200: staffMemberSchema },
    errors: [400, 401, 403, 404],
  },
  updateFirm: {
    ...routes.updateFirm,
    access: "staff",
    tags: ["team"],
    summary: "Rename the firm, as the portal and e-mails show it (owners and admins)",
    body: z.object({ name: firmNameSchema }),
    responses: { 200: firmSchema },
    errors: [400, 401, 403],
  },
  getStaffInvitation: {
    ...routes.getStaffInvitation,
    access: "anyone",
    tags: ["team"],
    summary: "Who a teammate's invitation link is for, or why it no longer works",
    params: tokenParams,
    responses: { 200: staffInvitationStateSchema },
    errors: [400],
  },
  acceptStaffInvitation: {
    ...routes.acceptStaffInvitation,
    access: "anyone",
    tags: ["team"],
    summary: "Join the firm with a new password, and sign in",
    params: tokenParams,
    body: z.object({ password: newPasswordSchema }),
    responses: { 200: z.object({ signedIn: z.literal(true) }) },
    errors: [400, 403, 409, 410, 429],
  },
  getSetupState: {
    ...routes.getSetupState,
    access: "anyone",
    tags: ["setup"],
    summary: "Whether a first-run setup link still creates the firm",
    query: z.object({ token: textInput().max(100).optional() }),
    responses: { 200: setupStateSchema },
    errors: [400],
  },
  completeSetup: {
    ...routes.completeSetup,
    access: "anyone",
    tags: ["setup"],
    summary: "Create the install's first firm and its owner with the setup link, and sign in",
    body: setupBodySchema,
    responses: { 201: z.object({ signedIn: z.literal(true) }) },
    errors: [400, 403, 409, 410, 429],
  },
} satisfies Partial<Record<RouteName, Endpoint>>;
