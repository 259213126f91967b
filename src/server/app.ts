import helmet from "@fastify/helmet";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { accountRoutes } from "./account/account.routes.js";
import { type Auth, createAuth } from "./auth/auth.js";
import { authRoutes } from "./auth/auth.routes.js";
import { portalAuthRoutes } from "./auth/portal-auth.routes.js";
import { createPrincipalCache, type PrincipalCache } from "./auth/principal-cache.js";
import { type BackgroundTasks, createBackgroundTasks } from "./background-tasks.js";
import { clientRoutes } from "./clients/clients.routes.js";
import { portalAccessRoutes } from "./clients/portal-access.routes.js";
import type { Config } from "./config.js";
import type { Database } from "./db/connect.js";
import { fileRoutes } from "./files/files.routes.js";
import type { FileStorage } from "./files/storage.js";
import { errorBody, registerErrorHandling } from "./http/errors.js";
import { logSerializers } from "./http/log-redaction.js";
import { serveOpenApiDocument } from "./http/openapi.js";
import { isTrustedOrigin } from "./http/origin.js";
import { servePages } from "./http/pages.js";
import { registerRateLimits } from "./http/rate-limits.js";
import { fastifyTrustProxy } from "./http/trust-proxy.js";
import { mailPreferenceRoutes } from "./mail/mail-preferences.routes.js";
import { outboxRoutes } from "./mail/outbox.routes.js";
import { messagingRoutes } from "./messaging/messaging.routes.js";
import { portalMessagingRoutes } from "./messaging/portal.routes.js";
import { notificationRoutes } from "./notifications/notifications.routes.js";
import { publishAfterAnswer } from "./realtime/deferred-bus.js";
import type { EventBus } from "./realtime/event-bus.js";
import { REALTIME_MAX_FRAME_BYTES, realtimeRoutes } from "./realtime/realtime.routes.js";
import { setupRoutes } from "./team/setup.routes.js";
import { teamRoutes } from "./team/team.routes.js";

export type AppDeps = {
  config: Config;
  db: Database;
  auth: Auth;
  bus: EventBus;
  tasks: BackgroundTasks;
  storage: FileStorage;
  /** This app's memory of signed-in principals, kept honest over `bus`. */
  principals: PrincipalCache;
};

declare module "fastify" {
  interface FastifyInstance {
    deps: AppDeps;
  }
  interface FastifyContextConfig {
    /**
     * The route takes state-changing requests from outside our pages: it needs no cookie, only a
     * token in its path, as RFC 8058's one-click unsubscribe (posted by mail clients) requires.
     */
    allowCrossSite?: true;
  }
}

const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Builds the Fastify app; the caller owns the database, the bus and the file storage, and closes
 * them after the app. `tasks` runs work answers do not wait for (tests pass their own to control
 * when it runs).
 */
export async function buildApp({
  config,
  db,
  bus,
  storage,
  logStream,
  webDir,
  tasks: givenTasks,
}: {
  config: Config;
  db: Database;
  bus: EventBus;
  storage: FileStorage;
  /** Where logs go instead of stdout (tests read them). */
  logStream?: { write: (line: string) => void };
  /** The built web app to serve; `dist/web` unless given (tests serve a stand-in). */
  webDir?: string;
  tasks?: BackgroundTasks;
}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      serializers: logSerializers,
      ...(logStream ? { stream: logStream } : {}),
    },
    trustProxy: fastifyTrustProxy(config.trustProxy),
    // A request that reaches a stopping process on an open keep-alive connection is served (and
    // answered with `connection: close`), not refused with 503: a rolling restart loses nothing.
    return503OnClosing: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const tasks = givenTasks ?? createBackgroundTasks(app.log);
  // Answers are written before the events they cause fan out to every socket.
  const events = publishAfterAnswer(bus, app.log);
  const principals = createPrincipalCache(events);
  app.decorate("deps", {
    config,
    db,
    bus: events,
    tasks,
    storage,
    principals,
    auth: createAuth({ db, config, bus: events, tasks, log: app.log }),
  });
  // Work still running (an e-mail being written, events to send) finishes before the database
  // and the bus close.
  app.addHook("onClose", async () => {
    await Promise.all([tasks.drain(), events.drain()]);
    principals.close();
  });
  app.decorateRequest("principal", null);
  registerErrorHandling(app);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: config.publicUrl.startsWith("https://") ? [] : null,
      },
    },
    strictTransportSecurity: config.publicUrl.startsWith("https://"),
  });

  // CSRF: a state-changing request must come from one of our own pages. Checked whatever the
  // path, since the router decodes it (`/%61pi/clients` reaches `/api/clients`).
  app.addHook("onRequest", async (request, reply) => {
    if (!unsafeMethods.has(request.method)) return;
    if (request.routeOptions.config.allowCrossSite) return;
    if (!isTrustedOrigin(request.headers, config.publicUrl)) {
      return reply
        .status(403)
        .send(errorBody("bad_origin", "This request did not come from a Portico page."));
    }
  });

  // While shutting down, answers in flight close their connection, so keep-alive sockets
  // do not hold the process open after the last response.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });

  await serveOpenApiDocument(app, config.publicUrl);

  await app.register(websocket, {
    options: { perMessageDeflate: false, maxPayload: REALTIME_MAX_FRAME_BYTES },
  });
  await registerRateLimits(app, config);
  await app.register(authRoutes);
  await app.register(accountRoutes);
  await app.register(clientRoutes);
  await app.register(portalAccessRoutes);
  await app.register(portalAuthRoutes);
  await app.register(outboxRoutes);
  await app.register(mailPreferenceRoutes);
  await app.register(messagingRoutes);
  await app.register(portalMessagingRoutes);
  await app.register(notificationRoutes);
  await app.register(realtimeRoutes);
  await app.register(fileRoutes);
  await app.register(teamRoutes);
  await app.register(setupRoutes);
  await servePages(app, webDir);

  app.setNotFoundHandler((request, reply) => {
    // HEAD answers like GET without the body (Node's server drops it), as for any route.
    const isPageRequest = request.method === "GET" || request.method === "HEAD";
    const isPageLoad = isPageRequest && !request.url.startsWith("/api/");
    if (isPageLoad && app.sendPage) return app.sendPage(request, reply);
    return reply
      .status(404)
      .send(errorBody("not_found", `No route for ${request.method} ${request.url.split("?")[0]}.`));
  });

  return app;
}
