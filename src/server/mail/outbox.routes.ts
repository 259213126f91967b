import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { outboxMailSchema } from "../../shared/api/outbox.js";
import { requireStaff, staffOf } from "../auth/principal.js";
import { authorize } from "../team/policy.js";
import { listFirmOutbox } from "./outbox.js";

export async function outboxRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db, config } = app.deps;

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
  );
}
