import type { FastifyInstance } from "fastify";
import { requireStaff, staffOf } from "../auth/principal.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { messageRateLimits } from "../http/rate-limits.js";
import { actorFor } from "./actor.js";
import { listConversations, startConversation } from "./conversations.service.js";
import {
  deleteMessage,
  editMessage,
  listMessages,
  listTeamMembers,
  markConversationRead,
  readReceiptsOf,
  sendMessage,
} from "./messages.service.js";

export async function messagingRoutes(app: FastifyInstance) {
  const { db, bus, config, storage } = app.deps;
  const limits = messageRateLimits(config);
  // onRequest, not preHandler: without a session the answer is 401 before any input is validated.
  app.addHook("onRequest", requireStaff);
  const staffActor = (request: Parameters<typeof staffOf>[0]) => actorFor(staffOf(request));

  addEndpointRoute(app, "listConversations", {
    handler: async (request) => listConversations(db, staffActor(request), request.params.clientId),
  });

  addEndpointRoute(app, "startConversation", {
    handler: async (request, reply) => {
      const { conversation, created } = await startConversation(
        db,
        bus,
        staffOf(request),
        request.params.clientId,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(conversation);
    },
  });

  addEndpointRoute(app, "listMessages", {
    handler: async (request) =>
      listMessages(db, staffActor(request), request.params.conversationId, request.query),
  });

  addEndpointRoute(app, "sendMessage", {
    config: limits.send,
    handler: async (request, reply) => {
      const { message, created } = await sendMessage(
        db,
        bus,
        staffActor(request),
        request.params.conversationId,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(message);
    },
  });

  addEndpointRoute(app, "editMessage", {
    config: limits.edit,
    handler: async (request) =>
      editMessage(
        db,
        bus,
        { storage, log: request.log },
        staffActor(request),
        request.params.messageId,
        request.body,
      ),
  });

  addEndpointRoute(app, "deleteMessage", {
    handler: async (request, reply) => {
      await deleteMessage(
        db,
        bus,
        { storage, log: request.log },
        staffActor(request),
        request.params.messageId,
      );
      return reply.status(204).send(null);
    },
  });

  addEndpointRoute(app, "listReadReceipts", {
    handler: async (request) =>
      readReceiptsOf(db, staffActor(request), request.params.conversationId),
  });

  addEndpointRoute(app, "markConversationRead", {
    handler: async (request, reply) => {
      await markConversationRead(
        db,
        bus,
        staffActor(request),
        request.params.conversationId,
        request.body.seq,
      );
      return reply.status(204).send(null);
    },
  });

  addEndpointRoute(app, "listTeamMembers", {
    handler: async (request) => ({ members: await listTeamMembers(db, staffOf(request)) }),
  });
}
