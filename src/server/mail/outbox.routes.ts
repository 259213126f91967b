import type { FastifyInstance } from "fastify";
import { requireStaff, staffOf } from "../auth/principal.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { authorize } from "../team/policy.js";
import { listFirmOutbox } from "./outbox.js";

export async function outboxRoutes(app: FastifyInstance) {
  const { db, config } = app.deps;

  addEndpointRoute(app, "listOutbox", {
    onRequest: requireStaff,
    handler: async (request) => {
      const principal = staffOf(request);
      authorize(principal, "read_outbox");
      const mails = await listFirmOutbox(db, principal.firmId, {
        smtpConfigured: config.smtpUrl !== undefined,
      });
      return {
        mails: mails.map((mail) => ({
          ...mail,
          createdAt: mail.createdAt.toISOString(),
          sentAt: mail.sentAt?.toISOString() ?? null,
        })),
      };
    },
  });
}
