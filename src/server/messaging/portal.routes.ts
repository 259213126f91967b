import type { FastifyInstance } from "fastify";
import { contactOf, requireContact } from "../auth/principal.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { messageRateLimits } from "../http/rate-limits.js";
import { actorFor } from "./actor.js";
import { listConversations, startOwnDirectConversation } from "./conversations.service.js";
import {
  deleteMessage,
  editMessage,
  listMessages,
  markConversationRead,
  sendMessage,
} from "./messages.service.js";

/** The contact's side of Messages: same shapes as staff get, in the contact's own numbering. */
export async function portalMessagingRoutes(app: FastifyInstance) {
  const { db, bus, config, storage } = app.deps;
  const limits = messageRateLimits(config);
  app.addHook("onRequest", requireContact);
  const contact = (request: Parameters<typeof contactOf>[0]) => actorFor(contactOf(request));

  addEndpointRoute(app, "listPortalConversations", {
    handler: async (request) => listConversations(db, contact(request), request.params.clientId),
  });

  addEndpointRoute(app, "startPortalDirectConversation", {
    config: limits.send,
    handler: async (request, reply) => {
      const { conversation, created } = await startOwnDirectConversation(
        db,
        bus,
        contactOf(request),
        request.params.clientId,
      );
      return reply.status(created ? 201 : 200).send(conversation);
    },
  });

  addEndpointRoute(app, "listPortalMessages", {
    handler: async (request) =>
      listMessages(db, contact(request), request.params.conversationId, request.query),
  });

  addEndpointRoute(app, "sendPortalMessage", {
    config: limits.send,
    handler: async (request, reply) => {
      const { message, created } = await sendMessage(
        db,
        bus,
        contact(request),
        request.params.conversationId,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(message);
    },
  });

  addEndpointRoute(app, "editPortalMessage", {
    config: limits.edit,
    handler: async (request) =>
      editMessage(
        db,
        bus,
        { storage, log: request.log },
        contact(request),
        request.params.messageId,
        request.body,
      ),
  });

  addEndpointRoute(app, "deletePortalMessage", {
    handler: async (request, reply) => {
      await deleteMessage(
        db,
        bus,
        { storage, log: request.log },
        contact(request),
        request.params.messageId,
      );
      return reply.status(204).send(null);
    },
  });

  addEndpointRoute(app, "markPortalConversationRead", {
    handler: async (request, reply) => {
      await markConversationRead(
        db,
        bus,
        contact(request),
        request.params.conversationId,
        request.body.seq,
      );
      return reply.status(204).send(null);
    },
  });
}
