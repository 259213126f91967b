import { z } from "zod";
import { textInput } from "./fields.js";
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
