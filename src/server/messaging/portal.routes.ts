import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { clientParamsSchema } from "../../shared/api/clients.js";
import {
  conversationListSchema,
  conversationParamsSchema,
  editMessageBodySchema,
  markReadBodySchema,
  messagePageQuerySchema,
  messagePageSchema,
  messageParamsSchema,
  messageSchema,
  portalSendMessageBodySchema,
} from "../../shared/api/messaging.js";
import { contactOf, requireContact } from "../auth/principal.js";
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
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db, bus, config } = app.deps;
  const limits = messageRateLimits(config);
  app.addHook("onRequest", requireContact);

  routes.get(
    "/api/portal/clients/:clientId/conversations",
    {
      schema: {
        tags: ["portal"],
        summary: "The client's All Contacts thread and the contact's own direct thread",
        params: clientParamsSchema,
        response: { 200: conversationListSchema },
      },
    },
    async (request) => listPortalConversations(db, contactOf(request), request.params.clientId),
  );

  routes.get(
    "/api/portal/conversations/:conversationId/messages",
    {
      schema: {
        tags: ["portal"],
        summary: "A page of the messages the contact may see, oldest first",
        params: conversationParamsSchema,
        querystring: messagePageQuerySchema,
        response: { 200: messagePageSchema },
      },
    },
    async (request) =>
      listPortalMessages(db, contactOf(request), request.params.conversationId, request.query),
  );

  routes.post(
    "/api/portal/conversations/:conversationId/messages",
    {
      schema: {
        tags: ["portal"],
        summary: "Send a message (idempotent by message id)",
        params: conversationParamsSchema,
        body: portalSendMessageBodySchema,
        response: { 200: messageSchema, 201: messageSchema },
      },
      config: limits.send,
    },
    async (request, reply) => {
      const { message, created } = await sendPortalMessage(
        db,
        bus,
        contactOf(request),
        request.params.conversationId,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(message);
    },
  );

  routes.patch(
    "/api/portal/messages/:messageId",
    {
      schema: {
        tags: ["portal"],
        summary: "Edit one's own message",
        params: messageParamsSchema,
        body: editMessageBodySchema,
        response: { 200: messageSchema },
      },
      config: limits.edit,
    },
    async (request) =>
      editPortalMessage(db, bus, contactOf(request), request.params.messageId, request.body),
  );

  routes.delete(
    "/api/portal/messages/:messageId",
    {
      schema: {
        tags: ["portal"],
        summary: "Delete one's own message for everyone",
        params: messageParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deletePortalMessage(db, bus, contactOf(request), request.params.messageId);
      return reply.status(204).send(null);
    },
  );

  routes.post(
    "/api/portal/conversations/:conversationId/read",
    {
      schema: {
        tags: ["portal"],
        summary: "Mark the conversation read up to a number in the contact's numbering",
        params: conversationParamsSchema,
        body: markReadBodySchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await markPortalConversationRead(
        db,
        bus,
        contactOf(request),
        request.params.conversationId,
        request.body.seq,
      );
      return reply.status(204).send(null);
    },
  );
}
