import { symmetricDecrypt } from "better-auth/crypto";
import { twoFactor as twoFactorPlugin } from "better-auth/plugins";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import type { Queryable } from "../db/connect.js";
import { twoFactor } from "../db/schema.js";

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const BACKUP_CODE_COUNT = 10;

/** Better Auth's two-factor plugin as we use it: TOTP and backup codes, no e-mailed codes. */
export function twoFactorSignIn() {
  return twoFactorPlugin({
    issuer: "Portico",
    totpOptions: { digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS },
    backupCodeOptions: { amount: BACKUP_CODE_COUNT, storeBackupCodes: "encrypted" },
  });
}

/** The plugin's secret key material, as `ctx.context.secretConfig` hands it to its own crypto. */
type SecretConfig = Parameters<typeof symmetricDecrypt>[0]["key"];

export type CodeClaim = "accepted" | "invalid" | "replayed" | "not_set_up";

/**
 * Accepts a TOTP code at most once. The plugin checks a code against the current time step and
 * its neighbours but remembers nothing, so a code seen over someone's shoulder would work again
 * for up to 90 seconds; this records the step of each accepted code and refuses that step and
 * every earlier one (RFC 6238 §5.2). The compare-and-set makes two racing uses of one code yield
 * one acceptance.
 */
export async function claimTotpCode(
  db: Queryable,
  key: SecretConfig,
  userId: string,
  code: string,
  now = Date.now(),
): Promise<CodeClaim> {
  const [row] = await db
    .select({ secret: twoFactor.secret })
    .from(twoFactor)
    .where(eq(twoFactor.userId, userId));
  if (!row) return "not_set_up";
  const totp = new TOTP({
    secret: Secret.fromUTF8(await symmetricDecrypt({ key, data: row.secret })),
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
  const delta = totp.validate({ token: code.trim(), timestamp: now, window: 1 });
  if (delta === null) return "invalid";
  const step = totp.counter({ timestamp: now }) + delta;
  const claimed = await db
    .update(twoFactor)
    .set({ lastUsedStep: step })
    .where(
      and(
        eq(twoFactor.userId, userId),
        or(isNull(twoFactor.lastUsedStep), lt(twoFactor.lastUsedStep, step)),
      ),
    )
    .returning({ id: twoFactor.id });
  return claimed.length > 0 ? "accepted" : "replayed";
}
