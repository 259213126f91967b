import type { FastifyInstance } from "fastify";
import { requireStaff, staffOf } from "../auth/principal.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { forbidden } from "../http/errors.js";
import { listFirmOutbox } from "./outbox.js";

export async function outboxRoutes(app: FastifyInstance) {
  const { db } = app.deps;

  addEndpointRoute(app, "listOutbox", {
    onRequest: requireStaff,
    handler: async (request) => {
      const principal = staffOf(request);
      if (principal.role !== "owner") throw forbidden("Only the firm's owner can read its outbox.");
      const mails = await listFirmOutbox(db, principal.firmId);
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
