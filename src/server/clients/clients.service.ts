import { and, asc, count, desc, eq, ilike, isNull, sql } from "drizzle-orm";
import type { ClientInput } from "../../shared/api/clients.js";
import type { StaffPrincipal } from "../auth/principal.js";
import type { Database } from "../db/connect.js";
import { clients, contacts, conversations, readCursors } from "../db/schema.js";
import { notFound } from "../http/errors.js";
import { type Reader, readerCursor, unreadCount } from "../messaging/read-state.js";

/** Escapes LIKE wildcards so a search for "50%" finds "50%", not everything. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export async function listClients(
  db: Database,
  principal: StaffPrincipal,
  query: { q?: string; sort?: "name" | "unread" } = {},
) {
  const reader: Reader = { kind: "staff", staffId: principal.staffId };
  // The sum of each conversation's capped count, so its cost does not grow with history.
  const unread = sql<number>`(
    select coalesce(sum(${unreadCount(reader)}), 0)::int
    from ${conversations}
    left join ${readCursors} on ${readerCursor(reader)}
    where ${conversations.clientId} = ${clients.id}
  )`;
  const { q: search, sort = "name" } = query;
  return db
    .select({
      id: clients.id,
      name: clients.name,
      contactCount: count(contacts.id),
      unreadCount: unread,
    })
    .from(clients)
    .leftJoin(contacts, and(eq(contacts.clientId, clients.id), isNull(contacts.removedAt)))
    .where(
      and(
        eq(clients.firmId, principal.firmId),
        search ? ilike(clients.name, containsPattern(search)) : undefined,
      ),
    )
    .groupBy(clients.id)
    .orderBy(...(sort === "unread" ? [desc(unread)] : []), asc(clients.name), asc(clients.id));
}

export async function createClient(db: Database, principal: StaffPrincipal, input: ClientInput) {
  const [created] = await db
    .insert(clients)
    .values({ firmId: principal.firmId, name: input.name })
    .returning({ id: clients.id, name: clients.name });
  if (!created) throw new Error("insert returned no row");
  return created;
}

/** The client, if it belongs to the principal's firm; another firm's client is simply not found. */
export async function getClient(db: Database, principal: StaffPrincipal, clientId: string) {
  const [client] = await db
    .select({ id: clients.id, name: clients.name })
    .from(clients)
    .where(and(eq(clients.id, clientId), eq(clients.firmId, principal.firmId)));
  if (!client) throw notFound("Client");
  return client;
}
