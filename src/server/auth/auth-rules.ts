import { APIError, createAuthMiddleware } from "better-auth/api";
import { newPasswordSchema } from "../../shared/api/session.js";

/** Better Auth routes that set a password, with the body field that carries it. */
const passwordFields: Record<string, string> = {
  "/reset-password": "newPassword",
  "/change-password": "newPassword",
};

/**
 * Our rules on Better Auth's own routes, run before each: every password is held to the one
 * shared rule, and changing a password signs the person out everywhere else.
 */
export const enforceAccountRules = createAuthMiddleware(async (ctx) => {
  const field = passwordFields[ctx.path];
  if (!field) return;
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const checked = newPasswordSchema.safeParse(body[field]);
  if (!checked.success) {
    throw new APIError("BAD_REQUEST", {
      code: "INVALID_INPUT",
      message: "Some of the values are not valid.",
      fields: { [field]: checked.error.issues[0]?.message ?? "Choose another password." },
    });
  }
  // Whoever knew the old password is signed out with it.
  if (ctx.path === "/change-password") {
    return { context: { body: { ...body, revokeOtherSessions: true } } };
  }
});
