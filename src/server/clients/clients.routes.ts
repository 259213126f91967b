import type { FastifyInstance } from "fastify";
import { requireStaff, staffOf } from "../auth/principal.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { createClient, getClient, listClients } from "./clients.service.js";
import { createContact, listContacts, removeContact, updateContact } from "./contacts.service.js";

export async function clientRoutes(app: FastifyInstance) {
  const { db, bus } = app.deps;
  // onRequest, not preHandler: without a session the answer is 401 before any input is validated.
  app.addHook("onRequest", requireStaff);

  addEndpointRoute(app, "listClients", {
    handler: async (request) => ({
      clients: await listClients(db, staffOf(request), request.query),
    }),
  });

  addEndpointRoute(app, "createClient", {
    handler: async (request, reply) =>
      reply.status(201).send(await createClient(db, staffOf(request), request.body)),
  });

  addEndpointRoute(app, "getClient", {
    handler: async (request) => getClient(db, staffOf(request), request.params.clientId),
  });

  addEndpointRoute(app, "listContacts", {
    handler: async (request) => ({
      contacts: await listContacts(db, staffOf(request), request.params.clientId),
    }),
  });

  addEndpointRoute(app, "createContact", {
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(await createContact(db, staffOf(request), request.params.clientId, request.body)),
  });

  addEndpointRoute(app, "updateContact", {
    handler: async (request) =>
      updateContact(
        db,
        bus,
        staffOf(request),
        request.params.clientId,
        request.params.contactId,
        request.body,
      ),
  });

  addEndpointRoute(app, "deleteContact", {
    handler: async (request, reply) => {
      const { clientId, contactId } = request.params;
      await removeContact(db, bus, staffOf(request), clientId, contactId);
      return reply.status(204).send(null);
    },
  });
}
