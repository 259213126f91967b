import { z } from "zod";
import type { Endpoint } from "./endpoint.js";
import { textInput } from "./fields.js";
import { type RouteName, routes } from "./routes.js";

export const MAX_NAME_LENGTH = 100;

export const staffAccountSchema = z.object({
  name: z.string(),
  email: z.string(),
  /** Sign-in asks for a code from an authenticator app after the password. */
  twoFactorEnabled: z.boolean(),
});
export type StaffAccount = z.infer<typeof staffAccountSchema>;

export const accountNameBodySchema = z.object({
  name: textInput()
    .trim()
    .min(1, "Enter your name.")
    .max(MAX_NAME_LENGTH, `Use at most ${MAX_NAME_LENGTH} characters.`),
});

export const firmSecuritySchema = z.object({
  /** Every staff member must sign in with two-factor; those without it set it up first. */
  requireTwoFactor: z.boolean(),
});
export type FirmSecurity = z.infer<typeof firmSecuritySchema>;

export const accountEndpoints = {
  getAccount: {
    ...routes.getAccount,
    access: "staff",
    tags: ["account"],
    summary: "The signed-in staff member's own account",
    responses: { 200: staffAccountSchema },
    errors: [401, 403],
  },
  updateAccountName: {
    ...routes.updateAccountName,
    access: "staff",
    tags: ["account"],
    summary: "Change the signed-in staff member's name",
    body: accountNameBodySchema,
    responses: { 200: staffAccountSchema },
    errors: [400, 401, 403],
  },
  getFirmSecurity: {
    ...routes.getFirmSecurity,
    access: "staff",
    tags: ["account"],
    summary: "The firm's sign-in requirements (firm owners only)",
    responses: { 200: firmSecuritySchema },
    errors: [401, 403],
  },
  updateFirmSecurity: {
    ...routes.updateFirmSecurity,
    access: "staff",
    tags: ["account"],
    summary:
      "Require two-factor sign-in for all staff, or stop requiring it (firm owners only). Turning it on signs out staff who have not set it up; the owner must have set it up first (409).",
    body: firmSecuritySchema,
    responses: { 200: firmSecuritySchema },
    errors: [400, 401, 403, 409],
  },
} satisfies Partial<Record<RouteName, Endpoint>>;
