import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { clientParamsSchema } from "../../shared/api/clients.js";
import {
  conversationListSchema,
  conversationParamsSchema,
  conversationSchema,
  createConversationBodySchema,
  editMessageBodySchema,
  markReadBodySchema,
  messagePageQuerySchema,
  messagePageSchema,
  messageParamsSchema,
  messageSchema,
  sendMessageBodySchema,
  teamMemberSchema,
} from "../../shared/api/messaging.js";
import { requireStaff, staffOf } from "../auth/principal.js";
import { messageRateLimits } from "../http/rate-limits.js";
import { listConversations, startConversation } from "./conversations.service.js";
import {
  deleteMessage,
  editMessage,
  listMessages,
  listTeamMembers,
  markConversationRead,
  sendMessage,
} from "./messages.service.js";

export async function messagingRoutes(app: FastifyInstance) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db, bus, config } = app.deps;
  const limits = messageRateLimits(config);
  // onRequest, not preHandler: without a session the answer is 401 before any input is validated.
  app.addHook("onRequest", requireStaff);

  routes.get(
    "/api/clients/:clientId/conversations",
    {
      schema: {
        tags: ["messaging"],
        summary: "The client's conversations with unread counts, and contacts without a direct one",
        params: clientParamsSchema,
        response: { 200: conversationListSchema },
      },
    },
    async (request) => listConversations(db, staffOf(request), request.params.clientId),
  );

  routes.post(
    "/api/clients/:clientId/conversations",
    {
      schema: {
        tags: ["messaging"],
        summary: "Start (or open) the All Contacts thread or a contact's direct thread",
        params: clientParamsSchema,
        body: createConversationBodySchema,
        response: { 200: conversationSchema, 201: conversationSchema },
      },
    },
    async (request, reply) => {
      const { conversation, created } = await startConversation(
        db,
        bus,
        staffOf(request),
        request.params.clientId,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(conversation);
    },
  );

  routes.get(
    "/api/conversations/:conversationId/messages",
    {
      schema: {
        tags: ["messaging"],
        summary: "A page of messages, oldest first; `before` pages back through history",
        params: conversationParamsSchema,
        querystring: messagePageQuerySchema,
        response: { 200: messagePageSchema },
      },
    },
    async (request) =>
      listMessages(db, staffOf(request), request.params.conversationId, request.query),
  );

  routes.post(
    "/api/conversations/:conversationId/messages",
    {
      schema: {
        tags: ["messaging"],
        summary: "Send a message or internal note (idempotent by message id)",
        params: conversationParamsSchema,
        body: sendMessageBodySchema,
        response: { 200: messageSchema, 201: messageSchema },
      },
      config: limits.send,
    },
    async (request, reply) => {
      const { message, created } = await sendMessage(
        db,
        bus,
        staffOf(request),
        request.params.conversationId,
        request.body,
      );
      return reply.status(created ? 201 : 200).send(message);
    },
  );

  routes.patch(
    "/api/messages/:messageId",
    {
      schema: {
        tags: ["messaging"],
        summary: "Edit one's own message",
        params: messageParamsSchema,
        body: editMessageBodySchema,
        response: { 200: messageSchema },
      },
      config: limits.edit,
    },
    async (request) =>
      editMessage(db, bus, staffOf(request), request.params.messageId, request.body),
  );

  routes.delete(
    "/api/messages/:messageId",
    {
      schema: {
        tags: ["messaging"],
        summary: "Delete one's own message for everyone",
        params: messageParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteMessage(db, bus, staffOf(request), request.params.messageId);
      return reply.status(204).send(null);
    },
  );

  routes.post(
    "/api/conversations/:conversationId/read",
    {
      schema: {
        tags: ["messaging"],
        summary: "Mark the conversation read up to a sequence number",
        params: conversationParamsSchema,
        body: markReadBodySchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await markConversationRead(
        db,
        bus,
        staffOf(request),
        request.params.conversationId,
        request.body.seq,
      );
      return reply.status(204).send(null);
    },
  );

  routes.get(
    "/api/team",
    {
      schema: {
        tags: ["messaging"],
        summary: "The firm's staff, for @mentions",
        response: { 200: z.object({ members: z.array(teamMemberSchema) }) },
      },
    },
    async (request) => ({ members: await listTeamMembers(db, staffOf(request)) }),
  );
}
