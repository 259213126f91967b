import { eq, type SQL, sql } from "drizzle-orm";
import type { Principal } from "../auth/principal.js";
import { conversations, messages } from "../db/schema.js";

/**
 * The one place that decides what a principal may see. Every exit (REST reads, counts, realtime
 * fan-out, e-mail) builds on these conditions rather than writing its own.
 */
export function visibleConversations(principal: Principal): SQL {
  if (principal.kind === "staff") return eq(conversations.firmId, principal.firmId) as SQL;
  // Contacts get no staff conversation view; their portal reads have their own rules.
  return sql`false`;
}

export function visibleMessages(principal: Principal): SQL {
  if (principal.kind === "staff") return eq(messages.firmId, principal.firmId) as SQL;
  return sql`false`;
}
