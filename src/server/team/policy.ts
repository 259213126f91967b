import type { StaffRole } from "../../shared/api/session.js";
import type { StaffPrincipal } from "../auth/principal.js";
import { forbidden } from "../http/errors.js";

/**
 * The one place that says what a staff member may do beyond working with messages. Routes and
 * services ask `authorize`; responses carry `permissionsOf` so the UI hides what would be refused.
 */
export type StaffAction = "read_outbox" | "remove_contact" | "manage_firm_security";

const rolesAllowed: Record<StaffAction, readonly StaffRole[]> = {
  // The outbox holds links people sign in with: the fewest hands possible.
  read_outbox: ["owner"],
  remove_contact: ["owner", "admin"],
  manage_firm_security: ["owner"],
};

const refusals: Record<StaffAction, string> = {
  read_outbox: "Only the firm's owner can read its outbox.",
  remove_contact: "Only the firm's owners and admins can remove contacts.",
  manage_firm_security: "Only the firm's owners can change its sign-in requirements.",
};

export function can(principal: StaffPrincipal, action: StaffAction): boolean {
  return rolesAllowed[action].includes(principal.role);
}

/** Throws 403 with a message saying who may do it, unless the principal may. */
export function authorize(principal: StaffPrincipal, action: StaffAction): void {
  if (!can(principal, action)) throw forbidden(refusals[action]);
}

export function permissionsOf(principal: StaffPrincipal) {
  return {
    readOutbox: can(principal, "read_outbox"),
    removeContacts: can(principal, "remove_contact"),
    manageFirmSecurity: can(principal, "manage_firm_security"),
  };
}
