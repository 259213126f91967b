import type { FastifyInstance } from "fastify";
import { requireStaff, staffOf } from "../auth/principal.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { deliveryOf, inviteContact, revokePortalAccess } from "./portal-access.service.js";

export async function portalAccessRoutes(app: FastifyInstance) {
  const { db, bus, config } = app.deps;
  app.addHook("onRequest", requireStaff);

  addEndpointRoute(app, "inviteContact", {
    handler: async (request) => {
      const mail = { publicUrl: config.publicUrl, smtpConfigured: config.smtpUrl !== undefined };
      const contact = await inviteContact(db, bus, {
        principal: staffOf(request),
        mail,
        ...request.params,
      });
      return { ...contact, delivery: deliveryOf(mail) };
    },
  });

  addEndpointRoute(app, "revokePortalAccess", {
    handler: async (request) =>
      revokePortalAccess(db, bus, { principal: staffOf(request), ...request.params }),
  });
}
