import type { FastifyInstance } from "fastify";
import { startSessionWithPassword } from "../auth/sign-in-session.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { completeSetup, setupState } from "./setup.service.js";

export async function setupRoutes(app: FastifyInstance) {
  const { db } = app.deps;

  addEndpointRoute(app, "getSetupState", {
    handler: async (request) => setupState(db, request.query.token),
  });

  addEndpointRoute(app, "completeSetup", {
    // Guessing a setup link is hopeless (256 random bits); the limit keeps it cheap to refuse.
    config: { rateLimit: { max: 10, timeWindow: 60_000 } },
    handler: async (request, reply) => {
      const { email } = await completeSetup(db, request.body);
      await startSessionWithPassword(request, reply, { email, password: request.body.password });
      return reply.status(201).send({ signedIn: true as const });
    },
  });
}
