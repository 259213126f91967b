import { eq } from "drizzle-orm";
import type { StaffAccount } from "../../shared/api/account.js";
import type { StaffPrincipal } from "../auth/principal.js";
import { announcePrincipalChanged } from "../auth/principal-cache.js";
import type { Queryable } from "../db/connect.js";
import { user } from "../db/schema.js";
import type { EventBus } from "../realtime/event-bus.js";

/** The signed-in staff member's own account: name, address, whether two-factor is on. */
export async function getStaffAccount(
  db: Queryable,
  principal: StaffPrincipal,
): Promise<StaffAccount> {
  const [row] = await db
    .select({ name: user.name, email: user.email, twoFactorEnabled: user.twoFactorEnabled })
    .from(user)
    .where(eq(user.id, principal.userId));
  if (!row) throw new Error("a signed-in staff member has no user row");
  return row;
}

/** Renames the signed-in staff member; a name is theirs alone to change. */
export async function renameStaffMember(
  db: Queryable,
  bus: EventBus,
  principal: StaffPrincipal,
  name: string,
): Promise<StaffAccount> {
  await db.update(user).set({ name, updatedAt: new Date() }).where(eq(user.id, principal.userId));
  await announcePrincipalChanged(bus, principal.userId);
  return getStaffAccount(db, principal);
}
