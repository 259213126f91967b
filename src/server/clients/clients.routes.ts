import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  clientInputSchema,
  clientListQuerySchema,
  clientParamsSchema,
  clientSchema,
  clientSummarySchema,
  contactInputSchema,
  contactParamsSchema,
  contactSchema,
} from "../../shared/api/clients.js";
import { requireStaff, staffOf } from "../auth/principal.js";
import { createClient, getClient, listClients } from "./clients.service.js";
import { createContact, listContacts, removeContact, updateContact } from "./contacts.service.js";

export async function clientRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db, bus } = app.deps;
  // onRequest, not preHandler: without a session the answer is 401 before any input is validated.
  app.addHook("onRequest", requireStaff);

  routes.get(
    "/api/clients",
    {
      schema: {
        tags: ["clients"],
        summary: "The firm's clients with their number of contacts, filtered by name",
        querystring: clientListQuerySchema,
        response: { 200: z.object({ clients: z.array(clientSummarySchema) }) },
      },
    },
    async (request) => ({ clients: await listClients(db, staffOf(request), request.query.q) }),
  );

  routes.post(
    "/api/clients",
    {
      schema: {
        tags: ["clients"],
        summary: "Add a client",
        body: clientInputSchema,
        response: { 201: clientSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createClient(db, staffOf(request), request.body)),
  );

  routes.get(
    "/api/clients/:clientId",
    {
      schema: {
        tags: ["clients"],
        summary: "One client of the firm",
        params: clientParamsSchema,
        response: { 200: clientSchema },
      },
    },
    async (request) => getClient(db, staffOf(request), request.params.clientId),
  );

  routes.get(
    "/api/clients/:clientId/contacts",
    {
      schema: {
        tags: ["contacts"],
        summary: "The client's contacts",
        params: clientParamsSchema,
        response: { 200: z.object({ contacts: z.array(contactSchema) }) },
      },
    },
    async (request) => ({
      contacts: await listContacts(db, staffOf(request), request.params.clientId),
    }),
  );

  routes.post(
    "/api/clients/:clientId/contacts",
    {
      schema: {
        tags: ["contacts"],
        summary: "Add a contact to the client",
        params: clientParamsSchema,
        body: contactInputSchema,
        response: { 201: contactSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createContact(db, staffOf(request), request.params.clientId, request.body)),
  );

  routes.put(
    "/api/clients/:clientId/contacts/:contactId",
    {
      schema: {
        tags: ["contacts"],
        summary: "Change a contact's name and e-mail",
        params: contactParamsSchema,
        body: contactInputSchema,
        response: { 200: contactSchema },
      },
    },
    async (request) =>
      updateContact(
        db,
        staffOf(request),
        request.params.clientId,
        request.params.contactId,
        request.body,
      ),
  );

  routes.delete(
    "/api/clients/:clientId/contacts/:contactId",
    {
      schema: {
        tags: ["contacts"],
        summary:
          "Remove a contact (owners and admins); one with message history is kept as a former contact",
        params: contactParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const { clientId, contactId } = request.params;
      await removeContact(db, bus, staffOf(request), clientId, contactId);
      return reply.status(204).send(null);
    },
  );
}
