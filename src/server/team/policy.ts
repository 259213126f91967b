import type { StaffRole } from "../../shared/api/session.js";
import type { ContactPrincipal, PortalLink, StaffPrincipal } from "../auth/principal-types.js";
import { forbidden, notFound } from "../http/errors.js";

/**
 * The one place that says what a staff member may do beyond working with messages. Routes and
 * services ask `authorize`; responses carry `permissionsOf` so the UI hides what would be refused.
 */
export type StaffAction =
  | "read_outbox"
  | "remove_contact"
  | "manage_team"
  | "manage_firm"
  | "manage_owners"
  | "manage_firm_security";

const rolesAllowed: Record<StaffAction, readonly StaffRole[]> = {
  // The outbox holds links people sign in with: only those who run the firm read it.
  read_outbox: ["owner", "admin"],
  remove_contact: ["owner", "admin"],
  manage_team: ["owner", "admin"],
  manage_firm: ["owner", "admin"],
  manage_owners: ["owner"],
  manage_firm_security: ["owner"],
};

const refusals: Record<StaffAction, string> = {
  read_outbox: "Only the firm's owners and admins can read its outbox.",
  remove_contact: "Only the firm's owners and admins can remove contacts.",
  manage_team: "Only the firm's owners and admins can manage the team.",
  manage_firm: "Only the firm's owners and admins can change the firm's settings.",
  manage_owners: "Only an owner can make or unmake owners.",
  manage_firm_security: "Only the firm's owners can change its sign-in requirements.",
};

export function can(principal: StaffPrincipal, action: StaffAction): boolean {
  return rolesAllowed[action].includes(principal.role);
}

/** Throws 403 with a message saying who may do it, unless the principal may. */
export function authorize(principal: StaffPrincipal, action: StaffAction): void {
  if (!can(principal, action)) throw forbidden(refusals[action]);
}

/** A change to one teammate: giving a role (invite, change) or deactivating/reactivating. */
export type TeamChange =
  | { kind: "invite"; role: StaffRole }
  | { kind: "change_role"; target: { id: string; role: StaffRole }; role: StaffRole }
  | { kind: "deactivate" | "reactivate"; target: { id: string; role: StaffRole } };

/**
 * Who may change whom: owners and admins manage the team; only an owner touches an owner or makes
 * one; nobody deactivates themselves. (That a firm keeps an active owner is checked against the
 * data, in the team service.)
 */
export function authorizeTeamChange(principal: StaffPrincipal, change: TeamChange): void {
  authorize(principal, "manage_team");
  const touchesOwner =
    ("role" in change && change.role === "owner") ||
    ("target" in change && change.target.role === "owner");
  if (touchesOwner) authorize(principal, "manage_owners");
  if (change.kind === "deactivate" && change.target.id === principal.staffId) {
    throw forbidden("You cannot deactivate yourself. Ask another owner or admin.");
  }
}

export function permissionsOf(principal: StaffPrincipal) {
  return {
    readOutbox: can(principal, "read_outbox"),
    removeContacts: can(principal, "remove_contact"),
    manageTeam: can(principal, "manage_team"),
    manageFirm: can(principal, "manage_firm"),
    manageOwners: can(principal, "manage_owners"),
    manageFirmSecurity: can(principal, "manage_firm_security"),
  };
}

/**
 * What a contact may start: only their own direct thread with the firm, at a client where their
 * portal access is active. The contact record comes from their session, never from the request,
 * and any other client (of this firm or another) is "not found", so ids reveal nothing.
 */
export function authorizeOwnDirectThread(
  principal: ContactPrincipal,
  clientId: string,
): PortalLink {
  const link = principal.links.find((candidate) => candidate.clientId === clientId);
  if (!link) throw notFound("Client");
  return link;
}
