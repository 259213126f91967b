import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError } from "better-auth/api";
import { magicLink } from "better-auth/plugins";
import type { FastifyBaseLogger } from "fastify";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../../shared/api/session.js";
import type { BackgroundTasks } from "../background-tasks.js";
import type { Config } from "../config.js";
import type { Database } from "../db/connect.js";
import { account, rateLimit, session, twoFactor, user, verification } from "../db/schema.js";
import { requestOrigin } from "../http/origin.js";
import { announceAccessEnded } from "../realtime/access.js";
import type { EventBus } from "../realtime/event-bus.js";
import { markAddressProven } from "./accounts.js";
import { accountRules } from "./auth-rules.js";
import { resetPageOf, sendPasswordReset, sendPortalSignInLink } from "./portal-mail.js";
import { announcePrincipalChanged, EVERYONE } from "./principal-cache.js";
import { isDeactivatedStaff } from "./staff-status.js";
import { twoFactorSignIn } from "./two-factor.js";

/** Header the server sets from Fastify's resolved `req.ip`; a value sent by a client is overwritten. */
export const CLIENT_IP_HEADER = "x-portico-client-ip";

export const SESSION_DAYS = 14;
/** How long after its last extension a session is extended again on use. */
export const SESSION_UPDATE_AGE_SECONDS = 60 * 60 * 24;

/**
 * Better Auth logs through our logger, so its lines pass the same redaction as ours. Its own
 * handling of unexpected errors prints them whole (a failed query's parameters: tokens, e-mail
 * addresses) to the console; thrown instead, they reach our error handler and its logging.
 */
function authLogging(log: FastifyBaseLogger | undefined, disabled: boolean) {
  const logger = log
    ? {
        disabled,
        level: "warn" as const,
        log: (level: "debug" | "info" | "warn" | "error", message: string, ...args: unknown[]) =>
          log[level]({ err: args.find((arg) => arg instanceof Error) }, `Better Auth: ${message}`),
      }
    : { disabled, level: "error" as const };
  return { logger, onAPIError: { throw: true } };
}

export function createAuth({
  db,
  config,
  bus,
  tasks,
  log,
}: {
  db: Database;
  config: Config;
  bus: EventBus;
  tasks: BackgroundTasks;
  log?: FastifyBaseLogger;
}) {
  // The reset hook calls back into this instance, so it is reached through a late-bound reference.
  let requestReset: (email: string) => Promise<unknown> = async () => undefined;
  const auth = betterAuth({
    appName: "Portico",
    baseURL: config.publicUrl,
    basePath: "/api/auth",
    secret: config.authSecret,
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: { user, session, account, verification, rateLimit, twoFactor },
    }),
    emailAndPassword: {
      enabled: true,
      // Accounts are created by a firm (staff) or by an invitation (contacts), never by self sign-up.
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
      resetPasswordTokenExpiresIn: 60 * 60,
      revokeSessionsOnPasswordReset: true,
      // Runs after the answer (see auth-rules.ts); the link leads to the person's own side's page.
      sendResetPassword: async ({ user, token }) => {
        const kind = (user as { kind?: string }).kind ?? "contact";
        const url = `${config.publicUrl}/api/auth/reset-password/${token}?callbackURL=${encodeURIComponent(resetPageOf(kind))}`;
        await sendPasswordReset(db, { id: user.id, email: user.email, kind }, url);
      },
      // The link went to the address itself (never to a firm's outbox): the address is proven.
      onPasswordReset: ({ user }) => markAddressProven(db, user.id),
    },
    plugins: [
      magicLink({
        expiresIn: 15 * 60,
        disableSignUp: true,
        storeToken: "hashed",
        sendMagicLink: async ({ email, url }) =>
          tasks.run("sign-in link mail", () => sendPortalSignInLink(db, email, url)),
      }),
      twoFactorSignIn(),
    ],
    user: {
      additionalFields: {
        kind: { type: "string", required: true, input: false },
      },
    },
    session: {
      expiresIn: 60 * 60 * 24 * SESSION_DAYS,
      updateAge: SESSION_UPDATE_AGE_SECONDS,
    },
    hooks: {
      before: accountRules({
        db,
        tasks,
        requestResetInBackground: (email) => requestReset(email),
      }),
    },
    databaseHooks: {
      // Every way Better Auth ends a session (sign-out, password change or reset, proving an
      // address) closes that session's open sockets on every process.
      session: {
        // A deactivated teammate gets no session, whichever way they sign in.
        create: {
          before: async (started) => {
            if (await isDeactivatedStaff(db, started.userId)) {
              throw new APIError("FORBIDDEN", {
                code: "ACCOUNT_DEACTIVATED",
                message: "Your firm has deactivated this sign-in. Ask an owner or admin.",
              });
            }
          },
        },
        delete: { after: (ended) => announceAccessEnded(bus, ended.userId) },
      },
      // Two-factor turned on or off, a new name or address: no process keeps the old principal.
      user: {
        update: { after: (updated) => announcePrincipalChanged(bus, updated.id ?? EVERYONE) },
      },
    },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 100,
      customRules: {
        "/sign-in/email": { window: 60, max: config.signInRateLimit },
        "/sign-in/magic-link": { window: 60, max: 5 },
        "/request-password-reset": { window: 60, max: 5 },
        // Per address; each pending sign-in also allows 5 tries and an account locks after 10.
        "/two-factor/*": { window: 60, max: 10 },
      },
    },
    trustedOrigins: (request) => {
      const origin = request ? requestOrigin(request.headers) : undefined;
      return origin ? [origin] : [];
    },
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      useSecureCookies: config.publicUrl.startsWith("https://"),
      database: { generateId: () => crypto.randomUUID() },
    },
    telemetry: { enabled: false },
    ...authLogging(log, config.logLevel === "silent"),
  });
  requestReset = (email) => auth.api.requestPasswordReset({ body: { email } });
  return auth;
}

export type Auth = ReturnType<typeof createAuth>;
