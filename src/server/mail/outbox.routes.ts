import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { outboxMailSchema } from "../../shared/api/outbox.js";
import { requireStaff, staffOf } from "../auth/principal.js";
import { forbidden } from "../http/errors.js";
import { listFirmOutbox } from "./outbox.js";

export async function outboxRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = app.deps;

  routes.get(
    "/api/outbox",
    {
      schema: {
        tags: ["mail"],
        summary: "The firm's outgoing e-mail, newest first (firm owners only)",
        response: { 200: z.object({ mails: z.array(outboxMailSchema) }) },
      },
      onRequest: requireStaff,
    },
    async (request) => {
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
  );
}
