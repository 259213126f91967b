import type { FastifyInstance } from "fastify";
import { contactOf, requireContact } from "../auth/principal.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { messageRateLimits } from "../http/rate-limits.js";
import {
  deletePortalMessage,
  editPortalMessage,
  listPortalConversations,
  listPortalMessages,
  markPortalConversationRead,
  sendPortalMessage,
} from "./portal.service.js";

/** The contact's side of Messages: same shapes as staff get, in the contact's own numbering. */
export async function portalMessagingRoutes(app: FastifyInstance) {
  const { db, bus, config } = app.deps;
  const limits = messageRateLimits(config);
  app.addHook("onRequest", requireContact);

  addEndpointRoute(app, "listPortalConversations", {
    handler: async (request) =>
      listPortalConversations(db, contactOf(request), request.params.clientId),
  });

  addEndpointRoute(app, "listPortalMessages", {
    handler: async (request) =>
      listPortalMessages(db, contactOf(request), request.params.conversationId, request.query),
  });

  addEndpointRoute(app, "sendPortalMessage", {
    config: limits.send,
    handler: async (request, reply) => {
      const { message, created } = await sendPortalMessage(
        db,
        bus,
        contactOf(request),
        request.params.conversationId,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(message);
    },
  });

  addEndpointRoute(app, "editPortalMessage", {
    config: limits.edit,
    handler: async (request) =>
      editPortalMessage(db, bus, contactOf(request), request.params.messageId, request.body),
  });

  addEndpointRoute(app, "deletePortalMessage", {
    handler: async (request, reply) => {
      await deletePortalMessage(db, bus, contactOf(request), request.params.messageId);
      return reply.status(204).send(null);
    },
  });

  addEndpointRoute(app, "markPortalConversationRead", {
    handler: async (request, reply) => {
      await markPortalConversationRead(
        db,
        bus,
        contactOf(request),
        request.params.conversationId,
        request.body.seq,
      );
      return reply.status(204).send(null);
    },
  });
}
