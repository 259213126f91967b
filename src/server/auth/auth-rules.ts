import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { z } from "zod";
import { newPasswordSchema } from "../../shared/api/session.js";
import type { BackgroundTasks } from "../background-tasks.js";
import type { Queryable } from "../db/connect.js";
import { claimTotpCode } from "./two-factor.js";

/** Better Auth routes that set a password, with the body field that carries it. */
const passwordFields: Record<string, string> = {
  "/reset-password": "newPassword",
  "/change-password": "newPassword",
};

type HookContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

const RESET_ANSWER = {
  status: true,
  message: "If this email exists in our system, check your email for the reset link",
};

const invalidInput = (field: string, message: string) =>
  new APIError("BAD_REQUEST", {
    code: "INVALID_INPUT",
    message: "Some of the values are not valid.",
    fields: { [field]: message },
  });

/** The person a pending two-factor sign-in belongs to (the password was right, the code is due). */
async function pendingSignInUserId(ctx: HookContext): Promise<string | null> {
  const cookie = ctx.context.createAuthCookie("two_factor");
  const identifier = await ctx.getSignedCookie(cookie.name, ctx.context.secret);
  if (!identifier) return null;
  const pending = await ctx.context.internalAdapter.findVerificationValue(identifier);
  return pending?.value ?? null;
}

/**
 * Two-factor sign-in is for staff: a contact cannot turn it on (the portal has no place to enter
 * a code, so it would only lock them out). No device is ever trusted to skip the code, a TOTP
 * code is accepted once only, and turning two-factor off needs a current code.
 */
async function twoFactorRules(ctx: HookContext, db: Queryable) {
  const session = await getSessionFromCtx(ctx);
  if (session && (session.user as { kind?: string }).kind !== "staff") {
    throw new APIError("FORBIDDEN", {
      code: "STAFF_ONLY",
      message: "Two-factor sign-in is for firm staff.",
    });
  }
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const code = typeof body.code === "string" ? body.code : "";
  if (ctx.path === "/two-factor/verify-totp") {
    const userId = session?.user.id ?? (await pendingSignInUserId(ctx));
    if (userId) {
      const claim = await claimTotpCode(db, ctx.context.secretConfig, userId, code);
      if (claim === "replayed") {
        throw new APIError("UNAUTHORIZED", {
          code: "CODE_ALREADY_USED",
          message: "That code was already used. Enter the next code your app shows.",
        });
      }
    }
    return { context: { body: { ...body, trustDevice: false } } };
  }
  if (ctx.path === "/two-factor/verify-backup-code") {
    return { context: { body: { ...body, trustDevice: false, disableSession: false } } };
  }
  if (ctx.path === "/two-factor/disable" && session) {
    // The password first, so a mistyped password does not use up the code.
    await ctx.context.password.checkPassword(session.user.id, ctx);
    const claim = await claimTotpCode(db, ctx.context.secretConfig, session.user.id, code);
    if (claim !== "accepted") {
      throw invalidInput(
        "code",
        claim === "replayed"
          ? "That code was already used. Enter the next code your app shows."
          : "That code is not right. Enter the 6-digit code your app shows now.",
      );
    }
  }
}

/**
 * Our rules on Better Auth's own routes, run before each: every password is held to the one
 * shared rule, changing a password signs the person out everywhere else, two-factor is for staff
 * and its codes are single-use, and a reset request is answered before anything is looked up.
 */
export function accountRules({
  db,
  tasks,
  requestResetInBackground,
}: {
  db: Queryable;
  tasks: BackgroundTasks;
  /** The library's own reset request, run as a server call (without a request, so not re-routed here). */
  requestResetInBackground: (email: string) => Promise<unknown>;
}) {
  return createAuthMiddleware(async (ctx) => {
    if (ctx.path.startsWith("/two-factor/")) return twoFactorRules(ctx, db);
    if (ctx.path === "/request-password-reset" && ctx.request) {
      // The lookup, the token and the mail all happen after the answer, so neither the answer
      // nor its timing says whether the address has an account.
      const email = z.email().safeParse((ctx.body as { email?: unknown } | undefined)?.email);
      if (!email.success) throw invalidInput("email", "Enter an e-mail address.");
      tasks.run("password reset request", () => requestResetInBackground(email.data));
      return ctx.json(RESET_ANSWER);
    }
    const field = passwordFields[ctx.path];
    if (!field) return;
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    const checked = newPasswordSchema.safeParse(body[field]);
    if (!checked.success) {
      throw invalidInput(field, checked.error.issues[0]?.message ?? "Choose another password.");
    }
    // Whoever knew the old password is signed out with it.
    if (ctx.path === "/change-password") {
      return { context: { body: { ...body, revokeOtherSessions: true } } };
    }
  });
}
