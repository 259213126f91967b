import { fromNodeHeaders } from "better-auth/node";
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Database } from "../db/connect.js";
import { clients, contacts, firms, session, staff, user } from "../db/schema.js";
import { AppError, forbidden, unauthenticated } from "../http/errors.js";
import { hasPortalAccess } from "../messaging/visibility.js";
import { type Auth, SESSION_DAYS, SESSION_UPDATE_AGE_SECONDS } from "./auth.js";
import type { PrincipalCache } from "./principal-cache.js";
import type { ContactPrincipal, PortalLink, Principal, StaffPrincipal } from "./principal-types.js";
import { signedSessionToken } from "./session-cookie.js";

export type { ContactPrincipal, PortalLink, Principal, StaffPrincipal } from "./principal-types.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/**
 * Reads the session cookie and resolves it to a principal, or null when there is no valid session.
 * With a cache, a principal the database gave for this token moments ago may answer instead.
 */
export async function resolvePrincipal(
  auth: Auth,
  db: Database,
  request: FastifyRequest,
  cache?: PrincipalCache,
): Promise<Principal | null> {
  const token = signedSessionToken(request.headers, auth.options.secret ?? "");
  if (token) {
    const remembered = await cache?.get(token);
    if (remembered) return remembered;
    const since = cache?.generation() ?? 0;
    const found = await principalOfLiveSession(db, token);
    if (found !== undefined) {
      if (found.principal) cache?.remember(token, { ...found, principal: found.principal }, since);
      return found.principal;
    }
  }
  return resolveThroughBetterAuth(auth, db, request);
}

const SESSION_SECONDS = 60 * 60 * 24 * SESSION_DAYS;

/** A contact's active portal links as one JSON array, in the order `activePortalLinks` gives. */
const portalLinksJson = sql<PortalLink[]>`(
  select coalesce(json_agg(json_build_object(
    'contactId', ${contacts.id}, 'contactName', ${contacts.name},
    'clientId', ${clients.id}, 'clientName', ${clients.name},
    'firmId', ${firms.id}, 'firmName', ${firms.name}
  ) order by ${clients.name}, ${contacts.id}), '[]'::json)
  from ${contacts}
  inner join ${clients} on ${clients.id} = ${contacts.clientId}
  inner join ${firms} on ${firms.id} = ${contacts.firmId}
  where ${contacts.userId} = ${user.id} and ${hasPortalAccess(contacts)}
)`;

const livePrincipalQuery = (db: Database) =>
  db
    .select({
      sessionId: session.id,
      expiresAt: session.expiresAt,
      userId: user.id,
      kind: user.kind,
      name: user.name,
      email: user.email,
      twoFactorEnabled: user.twoFactorEnabled,
      staffId: staff.id,
      firmId: staff.firmId,
      role: staff.role,
      firmName: firms.name,
      requireTwoFactor: firms.requireTwoFactor,
      links: sql<
        PortalLink[] | null
      >`case when ${user.kind} = 'contact' then ${portalLinksJson} end`,
    })
    .from(session)
    .innerJoin(user, eq(user.id, session.userId))
    // A deactivated member's sessions are deleted; this also refuses one that slipped through.
    .leftJoin(staff, and(eq(staff.userId, user.id), isNull(staff.deactivatedAt)))
    .leftJoin(firms, eq(firms.id, staff.firmId))
    .where(and(eq(session.token, sql.placeholder("token")), gt(session.expiresAt, sql`now()`)))
    .prepare("principal_of_live_session");

/** Prepared once per database: PostgreSQL plans it once per connection, not on every request. */
const livePrincipalQueries = new WeakMap<Database, ReturnType<typeof livePrincipalQuery>>();

/**
 * The principal of a live session in one query (session, user, and their staff row or portal
 * links), answering what Better Auth's session lookup followed by ours would. Undefined when Better
 * Auth must decide: no such live session, or one due to have its expiry extended.
 */
async function principalOfLiveSession(
  db: Database,
  token: string,
): Promise<{ principal: Principal | null; freshUntil: number } | undefined> {
  let query = livePrincipalQueries.get(db);
  if (!query) {
    query = livePrincipalQuery(db);
    livePrincipalQueries.set(db, query);
  }
  const [row] = await query.execute({ token });
  if (!row) return undefined;
  // Better Auth extends a session a day after its last extension; that write stays its own.
  const dueForExtensionAt =
    row.expiresAt.getTime() - (SESSION_SECONDS - SESSION_UPDATE_AGE_SECONDS) * 1000;
  if (dueForExtensionAt <= Date.now()) return undefined;
  // A remembered answer must not outlive the moment this lookup would stop giving it.
  return { principal: principalOfRow(row), freshUntil: dueForExtensionAt };
}

function principalOfRow(
  row: Awaited<ReturnType<ReturnType<typeof livePrincipalQuery>["execute"]>>[number],
): Principal | null {
  const { sessionId, userId, name, email } = row;
  if (row.kind !== "staff") {
    return { kind: "contact", userId, sessionId, name, email, links: row.links ?? [] };
  }
  if (!row.staffId || !row.firmId || !row.role || row.firmName === null) return null;
  return {
    kind: "staff",
    userId,
    sessionId,
    staffId: row.staffId,
    firmId: row.firmId,
    firmName: row.firmName,
    role: row.role,
    name,
    email,
    twoFactorSetupRequired: Boolean(row.requireTwoFactor) && !row.twoFactorEnabled,
  };
}

/** The same answer through Better Auth's own lookup, which also extends or removes the session. */
async function resolveThroughBetterAuth(
  auth: Auth,
  db: Database,
  request: FastifyRequest,
): Promise<Principal | null> {
  const found = await auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
  if (!found) return null;
  if (found.user.kind !== "staff") {
    return {
      kind: "contact",
      userId: found.user.id,
      sessionId: found.session.id,
      name: found.user.name,
      email: found.user.email,
      links: await activePortalLinks(db, found.user.id),
    };
  }
  const [member] = await db
    .select({
      staffId: staff.id,
      firmId: staff.firmId,
      firmName: firms.name,
      role: staff.role,
      name: user.name,
      email: user.email,
      requireTwoFactor: firms.requireTwoFactor,
      twoFactorEnabled: user.twoFactorEnabled,
    })
    .from(staff)
    .innerJoin(firms, eq(firms.id, staff.firmId))
    .innerJoin(user, eq(user.id, staff.userId))
    // A deactivated member's sessions are deleted; this also refuses one that slipped through.
    .where(and(eq(staff.userId, found.user.id), isNull(staff.deactivatedAt)));
  if (!member) return null;
  const { requireTwoFactor, twoFactorEnabled, ...rest } = member;
  return {
    kind: "staff",
    userId: found.user.id,
    sessionId: found.session.id,
    ...rest,
    twoFactorSetupRequired: requireTwoFactor && !twoFactorEnabled,
  };
}

async function activePortalLinks(db: Database, userId: string): Promise<PortalLink[]> {
  return db
    .select({
      contactId: contacts.id,
      contactName: contacts.name,
      clientId: clients.id,
      clientName: clients.name,
      firmId: firms.id,
      firmName: firms.name,
    })
    .from(contacts)
    .innerJoin(clients, eq(clients.id, contacts.clientId))
    .innerJoin(firms, eq(firms.id, contacts.firmId))
    .where(and(eq(contacts.userId, userId), hasPortalAccess(contacts)))
    .orderBy(asc(clients.name), asc(contacts.id));
}

/** What a staff member whose firm requires two-factor gets until they have set it up. */
export const twoFactorSetupRequired = () =>
  new AppError(
    "two_factor_setup_required",
    403,
    "Your firm requires two-factor sign-in. Set it up to continue.",
  );

/**
 * Hook for staff routes (run on request, before validation): 401 without a session, 403 for a
 * contact, and 403 `two_factor_setup_required` while the firm requires two-factor sign-in and
 * the member has not set it up (setting it up goes through `/api/auth`, which this does not guard).
 */
export async function requireStaff(request: FastifyRequest, _reply: FastifyReply) {
  const { auth, db, principals } = request.server.deps;
  request.principal = await resolvePrincipal(auth, db, request, principals);
  if (!request.principal) throw unauthenticated();
  if (request.principal.kind !== "staff") throw forbidden("This page is for firm staff.");
  if (request.principal.twoFactorSetupRequired) throw twoFactorSetupRequired();
}

/** The staff principal of a request that passed `requireStaff`. */
export function staffOf(request: FastifyRequest): StaffPrincipal {
  const principal = request.principal;
  if (principal?.kind !== "staff") throw unauthenticated();
  return principal;
}

/** Hook for portal routes: 401 without a session, 403 for a staff session or without access. */
export async function requireContact(request: FastifyRequest, _reply: FastifyReply) {
  const { auth, db, principals } = request.server.deps;
  request.principal = await resolvePrincipal(auth, db, request, principals);
  if (!request.principal) throw unauthenticated();
  if (request.principal.kind !== "contact") throw forbidden("The portal is for clients' contacts.");
}

/** The contact principal of a request that passed `requireContact`. */
export function contactOf(request: FastifyRequest): ContactPrincipal {
  const principal = request.principal;
  if (principal?.kind !== "contact") throw unauthenticated();
  return principal;
}
