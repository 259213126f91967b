import { and, eq, gt, sql } from "drizzle-orm";
import type { Queryable } from "../db/connect.js";
import { session } from "../db/schema.js";

/** Whether a session still exists and has not expired: what an open socket re-checks. */
export async function isSessionLive(db: Queryable, sessionId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: session.id })
    .from(session)
    .where(and(eq(session.id, sessionId), gt(session.expiresAt, sql`now()`)));
  return row !== undefined;
}

/** Signs a person out everywhere; call `announceAccessEnded` after the transaction commits. */
export async function endSessionsOf(db: Queryable, userId: string): Promise<void> {
  await db.delete(session).where(eq(session.userId, userId));
}
