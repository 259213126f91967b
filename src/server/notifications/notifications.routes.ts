import type { FastifyInstance } from "fastify";
import { requireStaff, staffOf } from "../auth/principal.js";
import { addEndpointRoute } from "../http/endpoint-route.js";
import { inboxUnreadTotal, listInbox } from "./inbox.service.js";
import { unreadNotificationCount } from "./mention-notifications.js";
import { getMessageAlerts, setMessageAlerts } from "./message-alerts.js";
import {
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from "./notifications.service.js";

export async function notificationRoutes(app: FastifyInstance) {
  const { db, bus } = app.deps;
  // onRequest, not preHandler: without a session the answer is 401 before any input is validated.
  app.addHook("onRequest", requireStaff);

  addEndpointRoute(app, "listNotifications", {
    handler: async (request) => listNotifications(db, staffOf(request), request.query.before),
  });

  addEndpointRoute(app, "getNotificationCount", {
    handler: async (request) => ({
      unreadCount: await unreadNotificationCount(db, staffOf(request).staffId),
    }),
  });

  addEndpointRoute(app, "markNotificationRead", {
    handler: async (request, reply) => {
      await markNotificationRead(db, bus, staffOf(request), request.params.notificationId);
      return reply.status(204).send(null);
    },
  });

  addEndpointRoute(app, "markAllNotificationsRead", {
    handler: async (request, reply) => {
      await markAllNotificationsRead(db, bus, staffOf(request));
      return reply.status(204).send(null);
    },
  });

  addEndpointRoute(app, "listInbox", {
    handler: async (request) => listInbox(db, staffOf(request), request.query),
  });

  addEndpointRoute(app, "getInboxUnreadTotal", {
    handler: async (request) => ({
      unreadConversations: await inboxUnreadTotal(db, staffOf(request)),
    }),
  });

  addEndpointRoute(app, "getMessageAlerts", {
    handler: async (request) => ({ alerts: await getMessageAlerts(db, staffOf(request)) }),
  });

  addEndpointRoute(app, "updateMessageAlerts", {
    handler: async (request) => ({
      alerts: await setMessageAlerts(db, staffOf(request), request.body.alerts),
    }),
  });
}
