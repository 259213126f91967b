import { and, asc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { StaffRole } from "../../shared/api/session.js";
import type { StaffMember } from "../../shared/api/team.js";
import { announcePrincipalChanged, EVERYONE } from "../auth/principal-cache.js";
import type { StaffPrincipal } from "../auth/principal-types.js";
import { endSessionsOf } from "../auth/sessions.js";
import type { Database, Queryable } from "../db/connect.js";
import { firms, portalInvitations, staff, user } from "../db/schema.js";
import { AppError, notFound } from "../http/errors.js";
import { announceAccessEnded } from "../realtime/access.js";
import type { EventBus } from "../realtime/event-bus.js";
import { publishEvent, topics } from "../realtime/topics.js";
import { authorize, authorizeTeamChange } from "./policy.js";

const memberColumns = {
  id: staff.id,
  userId: staff.userId,
  name: user.name,
  email: user.email,
  role: staff.role,
  deactivatedAt: staff.deactivatedAt,
  twoFactorEnabled: user.twoFactorEnabled,
};

type MemberRow = {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: StaffRole;
  deactivatedAt: Date | null;
  twoFactorEnabled: boolean;
};

function toMember(row: MemberRow, principal: StaffPrincipal): StaffMember {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    status: row.deactivatedAt ? "deactivated" : "active",
    twoFactorEnabled: row.twoFactorEnabled,
    isYou: row.id === principal.staffId,
  };
}

/** Tells the firm's open pages that the team changed (mention suggestions, the Team page). */
export function publishTeamChanged(bus: EventBus, firmId: string) {
  return publishEvent(bus, topics.firmStaff(firmId), {
    type: "team.changed",
    data: { firmId },
  });
}

/** Pending (not used, not withdrawn) teammate invitations of the firm. */
export const pendingStaffInvitations = (firmId: string) =>
  and(
    eq(portalInvitations.firmId, firmId),
    isNotNull(portalInvitations.staffEmail),
    isNull(portalInvitations.usedAt),
    isNull(portalInvitations.retiredAt),
  );

export function toPendingInvitation(row: {
  id: string;
  staffName: string | null;
  staffEmail: string | null;
  staffRole: StaffRole | null;
  expiresAt: Date;
}) {
  return {
    id: row.id,
    name: row.staffName ?? "",
    email: row.staffEmail ?? "",
    role: row.staffRole ?? "member",
    expiresAt: row.expiresAt.toISOString(),
    expired: row.expiresAt.getTime() <= Date.now(),
  };
}

/** The firm's staff (active and deactivated) and pending invitations: the Team page. */
export async function listTeam(db: Database, principal: StaffPrincipal) {
  authorize(principal, "manage_team");
  const members = await db
    .select(memberColumns)
    .from(staff)
    .innerJoin(user, eq(user.id, staff.userId))
    .where(eq(staff.firmId, principal.firmId))
    .orderBy(asc(user.name), asc(staff.id));
  const invitations = await db
    .select()
    .from(portalInvitations)
    .where(pendingStaffInvitations(principal.firmId))
    .orderBy(asc(portalInvitations.staffName), asc(portalInvitations.id));
  return {
    members: members.map((row) => toMember(row, principal)),
    invitations: invitations.map(toPendingInvitation),
  };
}

/**
 * A teammate of the principal's firm, locked with every other staff row of the firm so that
 * concurrent changes cannot both leave the firm without an active owner. Another firm's id: 404.
 */
async function lockTeamMember(tx: Queryable, principal: StaffPrincipal, staffId: string) {
  const team = await tx
    .select(memberColumns)
    .from(staff)
    .innerJoin(user, eq(user.id, staff.userId))
    .where(eq(staff.firmId, principal.firmId))
    .for("update", { of: staff });
  const target = team.find((member) => member.id === staffId);
  if (!target) throw notFound("Team member");
  const otherActiveOwners = team.filter(
    (member) => member.id !== staffId && member.role === "owner" && !member.deactivatedAt,
  ).length;
  return { target, otherActiveOwners };
}

const lastOwner = () =>
  new AppError(
    "last_owner",
    409,
    "A firm always keeps at least one active owner. Make someone else an owner first.",
  );

export async function changeStaffRole(
  db: Database,
  bus: EventBus,
  input: { principal: StaffPrincipal; staffId: string; role: StaffRole },
): Promise<StaffMember> {
  const { principal, role } = input;
  const member = await db.transaction(async (tx) => {
    const { target, otherActiveOwners } = await lockTeamMember(tx, principal, input.staffId);
    authorizeTeamChange(principal, { kind: "change_role", target, role });
    if (target.role === role) return target;
    if (target.role === "owner" && !target.deactivatedAt && otherActiveOwners === 0) {
      throw lastOwner();
    }
    await tx.update(staff).set({ role }).where(eq(staff.id, target.id));
    return { ...target, role };
  });
  await announcePrincipalChanged(bus, member.userId);
  await publishTeamChanged(bus, principal.firmId);
  return toMember(member, principal);
}

/**
 * Deactivates a teammate: they cannot sign in, their sessions end and their open sockets close
 * at once; their messages keep their name.
 */
export async function deactivateStaff(
  db: Database,
  bus: EventBus,
  input: { principal: StaffPrincipal; staffId: string },
): Promise<StaffMember> {
  const { principal } = input;
  const member = await db.transaction(async (tx) => {
    const { target, otherActiveOwners } = await lockTeamMember(tx, principal, input.staffId);
    authorizeTeamChange(principal, { kind: "deactivate", target });
    if (target.deactivatedAt) return target;
    if (target.role === "owner" && otherActiveOwners === 0) throw lastOwner();
    const [updated] = await tx
      .update(staff)
      .set({ deactivatedAt: sql`now()` })
      .where(eq(staff.id, target.id))
      .returning({ deactivatedAt: staff.deactivatedAt });
    await endSessionsOf(tx, target.userId);
    return { ...target, deactivatedAt: updated?.deactivatedAt ?? new Date() };
  });
  await announceAccessEnded(bus, member.userId);
  await publishTeamChanged(bus, principal.firmId);
  return toMember(member, principal);
}

export async function reactivateStaff(
  db: Database,
  bus: EventBus,
  input: { principal: StaffPrincipal; staffId: string },
): Promise<StaffMember> {
  const { principal } = input;
  const member = await db.transaction(async (tx) => {
    const { target } = await lockTeamMember(tx, principal, input.staffId);
    authorizeTeamChange(principal, { kind: "reactivate", target });
    await tx.update(staff).set({ deactivatedAt: null }).where(eq(staff.id, target.id));
    return { ...target, deactivatedAt: null };
  });
  await announcePrincipalChanged(bus, member.userId);
  await publishTeamChanged(bus, principal.firmId);
  return toMember(member, principal);
}

/** Renames the firm, as its portal and its e-mails show it. */
export async function renameFirm(
  db: Database,
  bus: EventBus,
  input: { principal: StaffPrincipal; name: string },
) {
  authorize(input.principal, "manage_firm");
  const [firm] = await db
    .update(firms)
    .set({ name: input.name })
    .where(eq(firms.id, input.principal.firmId))
    .returning({ id: firms.id, name: firms.name });
  if (!firm) throw notFound("Firm");
  // Its staff and the contacts of its clients all carry the firm's name.
  await announcePrincipalChanged(bus, EVERYONE);
  await publishTeamChanged(bus, firm.id);
  return firm;
}
