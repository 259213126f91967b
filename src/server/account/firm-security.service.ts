import { and, eq, inArray } from "drizzle-orm";
import type { FirmSecurity } from "../../shared/api/account.js";
import type { StaffPrincipal } from "../auth/principal.js";
import { announcePrincipalChanged, EVERYONE } from "../auth/principal-cache.js";
import type { Database } from "../db/connect.js";
import { firms, session, staff, user } from "../db/schema.js";
import { AppError } from "../http/errors.js";
import { announceAccessEnded } from "../realtime/access.js";
import type { EventBus } from "../realtime/event-bus.js";
import { authorize } from "../team/policy.js";

export async function getFirmSecurity(
  db: Database,
  principal: StaffPrincipal,
): Promise<FirmSecurity> {
  authorize(principal, "manage_firm_security");
  const [firm] = await db
    .select({ requireTwoFactor: firms.requireTwoFactor })
    .from(firms)
    .where(eq(firms.id, principal.firmId));
  return { requireTwoFactor: firm?.requireTwoFactor ?? false };
}

/**
 * Requires (or stops requiring) two-factor sign-in for the firm's staff. Turning it on ends the
 * sessions of staff without two-factor, sockets included: their next sign-in leads to setting it
 * up. An owner without two-factor cannot turn it on, or they would shut themselves out first.
 */
export async function updateFirmSecurity(
  db: Database,
  bus: EventBus,
  principal: StaffPrincipal,
  wanted: FirmSecurity,
): Promise<FirmSecurity> {
  authorize(principal, "manage_firm_security");
  const signedOut = await db.transaction(async (tx) => {
    if (wanted.requireTwoFactor) {
      const [own] = await tx
        .select({ enabled: user.twoFactorEnabled })
        .from(user)
        .where(eq(user.id, principal.userId));
      if (!own?.enabled) {
        throw new AppError(
          "two_factor_not_set_up",
          409,
          "Set up two-factor sign-in for yourself before requiring it of everyone.",
        );
      }
    }
    await tx
      .update(firms)
      .set({ requireTwoFactor: wanted.requireTwoFactor })
      .where(eq(firms.id, principal.firmId));
    if (!wanted.requireTwoFactor) return [];
    const withoutTwoFactor = await tx
      .select({ userId: staff.userId })
      .from(staff)
      .innerJoin(user, eq(user.id, staff.userId))
      .where(and(eq(staff.firmId, principal.firmId), eq(user.twoFactorEnabled, false)));
    const userIds = withoutTwoFactor.map((row) => row.userId);
    if (userIds.length > 0) await tx.delete(session).where(inArray(session.userId, userIds));
    return userIds;
  });
  // Whether a member must set up two-factor first is part of every staff principal of the firm.
  await announcePrincipalChanged(bus, EVERYONE);
  for (const userId of signedOut) await announceAccessEnded(bus, userId);
  return { requireTwoFactor: wanted.requireTwoFactor };
}
