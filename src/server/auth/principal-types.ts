// The principal types live apart from the code that resolves them, so the visibility rules can
// name them without importing the resolver (which itself asks visibility who has access).

import type { StaffRole } from "../../shared/api/session.js";

export type StaffPrincipal = {
  kind: "staff";
  userId: string;
  /** The session this request (or socket) runs on. */
  sessionId: string;
  staffId: string;
  firmId: string;
  firmName: string;
  role: StaffRole;
  name: string;
  email: string;
  /** The firm requires two-factor sign-in and this member has not set it up yet. */
  twoFactorSetupRequired: boolean;
};

/** One client a portal user may see, through their contact record at that client. */
export type PortalLink = {
  contactId: string;
  /** The name the firm keeps for this contact at this client: what their messages show. */
  contactName: string;
  clientId: string;
  clientName: string;
  firmId: string;
  firmName: string;
};

export type ContactPrincipal = {
  kind: "contact";
  userId: string;
  sessionId: string;
  name: string;
  email: string;
  /** Only contact records with active portal access. */
  links: PortalLink[];
};

/** Who is making a request. Every tenant query is scoped by the principal's firm. */
export type Principal = StaffPrincipal | ContactPrincipal;
