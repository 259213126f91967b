import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { contactParamsSchema, contactSchema } from "../../shared/api/clients.js";
import { requireStaff, staffOf } from "../auth/principal.js";
import { inviteContact, revokePortalAccess } from "./portal-access.service.js";

export async function portalAccessRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db, bus, config } = app.deps;
  app.addHook("onRequest", requireStaff);

  routes.post(
    "/api/clients/:clientId/contacts/:contactId/invitation",
    {
      schema: {
        tags: ["portal access"],
        summary: "Invite the contact to the portal, or send a fresh invitation",
        params: contactParamsSchema,
        response: { 200: contactSchema },
      },
    },
    async (request) =>
      inviteContact(db, bus, {
        principal: staffOf(request),
        mail: { publicUrl: config.publicUrl, smtpConfigured: config.smtpUrl !== undefined },
        ...request.params,
      }),
  );

  routes.delete(
    "/api/clients/:clientId/contacts/:contactId/portal-access",
    {
      schema: {
        tags: ["portal access"],
        summary: "Revoke the contact's portal access at once",
        params: contactParamsSchema,
        response: { 200: contactSchema },
      },
    },
    async (request) =>
      revokePortalAccess(db, bus, { principal: staffOf(request), ...request.params }),
  );
}
