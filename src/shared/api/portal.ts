import { z } from "zod";
import type { Endpoint } from "./endpoint.js";
import { textInput } from "./fields.js";
import { type RouteName, routes } from "./routes.js";
import { newPasswordSchema } from "./session.js";

export const invitationTokenParamsSchema = z.object({
  token: textInput().min(20, "Not an invitation link.").max(100, "Not an invitation link."),
});

/** What an invitation link shows before it is accepted. */
export const invitationStateSchema = z.discriminatedUnion("state", [
  z.object({
    state: z.literal("valid"),
    contactName: z.string(),
    email: z.string(),
    firmName: z.string(),
  }),
  z.object({ state: z.enum(["used", "expired", "invalid"]), firmName: z.string().nullable() }),
]);
export type InvitationState = z.infer<typeof invitationStateSchema>;

export const acceptInvitationBodySchema = z.object({ password: newPasswordSchema });

/** After accepting: the client the person now sees in the portal. */
export const acceptedInvitationSchema = z.object({ clientId: z.uuid() });
export type AcceptedInvitation = z.infer<typeof acceptedInvitationSchema>;

export const invitationEndpoints = {
  getInvitation: {
    ...routes.getInvitation,
    tags: ["portal"],
    access: "anyone",
    summary: "Who an invitation link is for, or why it no longer works",
    params: invitationTokenParamsSchema,
    responses: { 200: invitationStateSchema },
    errors: [400],
  },
  acceptInvitation: {
    ...routes.acceptInvitation,
    tags: ["portal"],
    access: "anyone",
    summary: "Accept an invitation with a new password, and sign in",
    params: invitationTokenParamsSchema,
    body: acceptInvitationBodySchema,
    responses: { 200: z.object({ signedIn: z.literal(true) }) },
    errors: [400, 403, 409, 410, 429],
  },
  acceptInvitationSignedIn: {
    ...routes.acceptInvitationSignedIn,
    tags: ["portal"],
    access: "contact",
    summary: "Accept an invitation with the sign-in of this session",
    params: invitationTokenParamsSchema,
    responses: { 200: acceptedInvitationSchema },
    errors: [400, 401, 403, 409, 410, 429],
  },
  requestInvitationRenewal: {
    ...routes.requestInvitationRenewal,
    tags: ["portal"],
    access: "anyone",
    summary: "Ask for a new invitation when this one expired (sent to the invited address)",
    params: invitationTokenParamsSchema,
    responses: { 202: z.object({ requested: z.literal(true) }) },
    errors: [400, 403],
  },
} satisfies Partial<Record<RouteName, Endpoint>>;
