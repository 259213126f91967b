import { sql } from "drizzle-orm";
import type { Queryable } from "../db/connect.js";
import { rateLimit } from "../db/schema.js";
import { AppError } from "./errors.js";

/**
 * Counts one attempt against `key` in a fixed window and answers 429 past `max`. The counts live
 * in the table Better Auth's sign-in limits use, so every server process shares them.
 */
export async function limitAttempts(
  db: Queryable,
  key: string,
  limit: { max: number; windowSeconds: number },
): Promise<void> {
  const now = Date.now();
  const windowStart = now - limit.windowSeconds * 1000;
  const expired = sql`${rateLimit.lastRequest} <= ${windowStart}`;
  // `lastRequest` holds the start of the current window for these keys.
  const [row] = await db
    .insert(rateLimit)
    .values({ id: crypto.randomUUID(), key, count: 1, lastRequest: now })
    .onConflictDoUpdate({
      target: rateLimit.key,
      set: {
        count: sql`case when ${expired} then 1 else ${rateLimit.count} + 1 end`,
        lastRequest: sql`case when ${expired} then ${now} else ${rateLimit.lastRequest} end`,
      },
    })
    .returning({ count: rateLimit.count });
  if ((row?.count ?? 0) > limit.max) {
    throw new AppError("rate_limited", 429, "Too many attempts. Wait a minute and try again.");
  }
}
