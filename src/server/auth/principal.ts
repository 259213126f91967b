import { fromNodeHeaders } from "better-auth/node";
import { eq } from "drizzle-orm";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Database } from "../db/connect.js";
import { firms, staff, user } from "../db/schema.js";
import { forbidden, unauthenticated } from "../http/errors.js";
import type { Auth } from "./auth.js";

export type StaffPrincipal = {
  kind: "staff";
  userId: string;
  staffId: string;
  firmId: string;
  firmName: string;
  role: "owner" | "member";
  name: string;
  email: string;
};

export type ContactPrincipal = {
  kind: "contact";
  userId: string;
  name: string;
  email: string;
};

/** Who is making a request. Every tenant query is scoped by the principal's firm. */
export type Principal = StaffPrincipal | ContactPrincipal;

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Reads the session cookie and resolves it to a principal, or null when there is no valid session. */
export async function resolvePrincipal(
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
      name: found.user.name,
      email: found.user.email,
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
    })
    .from(staff)
    .innerJoin(firms, eq(firms.id, staff.firmId))
    .innerJoin(user, eq(user.id, staff.userId))
    .where(eq(staff.userId, found.user.id));
  return member ? { kind: "staff", userId: found.user.id, ...member } : null;
}

/** Hook for staff routes (run on request, before validation): 401 without a session, 403 for a contact. */
export async function requireStaff(request: FastifyRequest, _reply: FastifyReply) {
  const { auth, db } = request.server.deps;
  request.principal = await resolvePrincipal(auth, db, request);
  if (!request.principal) throw unauthenticated();
  if (request.principal.kind !== "staff") throw forbidden("This page is for firm staff.");
}

/** The staff principal of a request that passed `requireStaff`. */
export function staffOf(request: FastifyRequest): StaffPrincipal {
  const principal = request.principal;
  if (principal?.kind !== "staff") throw unauthenticated();
  return principal;
}
