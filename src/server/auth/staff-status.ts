import { and, eq, isNotNull } from "drizzle-orm";
import type { Queryable } from "../db/connect.js";
import { staff } from "../db/schema.js";

/** Whether a deactivated staff member holds this sign-in: such a person may not sign in. */
export async function isDeactivatedStaff(db: Queryable, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: staff.id })
    .from(staff)
    .where(and(eq(staff.userId, userId), isNotNull(staff.deactivatedAt)));
  return row !== undefined;
}
