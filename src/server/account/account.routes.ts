import type { FastifyInstance } from "fastify";
import { requireStaff, staffOf } from "../auth/principal.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { getStaffAccount, renameStaffMember } from "./account.service.js";
import { getFirmSecurity, updateFirmSecurity } from "./firm-security.service.js";

/** A staff member's own account (name; password and sessions go through /api/auth), and the firm's sign-in requirements. */
export async function accountRoutes(app: FastifyInstance) {
  const { db, bus } = app.deps;
  app.addHook("onRequest", requireStaff);

  addEndpointRoute(app, "getAccount", {
    handler: async (request) => getStaffAccount(db, staffOf(request)),
  });

  addEndpointRoute(app, "updateAccountName", {
    handler: async (request) => renameStaffMember(db, bus, staffOf(request), request.body.name),
  });

  addEndpointRoute(app, "getFirmSecurity", {
    handler: async (request) => getFirmSecurity(db, staffOf(request)),
  });

  addEndpointRoute(app, "updateFirmSecurity", {
    handler: async (request) => updateFirmSecurity(db, bus, staffOf(request), request.body),
  });
}
