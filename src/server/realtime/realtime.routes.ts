import type { FastifyInstance } from "fastify";
import type { ControlMessage } from "../../shared/events.js";
import { resolvePrincipal } from "../auth/principal.js";
import { errorBody } from "../http/errors.js";
import { isTrustedOrigin } from "../http/origin.js";
import { createSocketLimit } from "./socket-limit.js";
import { topics } from "./topics.js";

const HEARTBEAT_MS = 30_000;
/** Clients send no messages (only pongs); a larger frame closes the socket with 1009. */
export const REALTIME_MAX_FRAME_BYTES = 4 * 1024;
/** Far more tabs than a person keeps open; the next socket is closed with 4429. */
export const MAX_SOCKETS_PER_PERSON = 20;
const ACCESS_REVOKED = JSON.stringify({ type: "access.revoked" } satisfies ControlMessage);

/**
 * One WebSocket per browser tab. The upgrade is authenticated by the session cookie and
 * checked for our Origin (a cross-site page could otherwise open it with the user's cookie).
 * The socket subscribes to the audiences its principal belongs to and only ever receives
 * events already serialized for that audience.
 */
export async function realtimeRoutes(app: FastifyInstance) {
  const { auth, db, bus, config } = app.deps;
  const sockets = new Set<{ close: (code: number, reason: string) => void }>();
  const socketLimit = createSocketLimit(MAX_SOCKETS_PER_PERSON);

  app.get(
    "/api/realtime",
    {
      websocket: true,
      schema: { hide: true },
      preValidation: async (request, reply) => {
        if (!isTrustedOrigin(request.headers, config.publicUrl)) {
          return reply
            .status(403)
            .send(errorBody("bad_origin", "This connection did not come from a Portico page."));
        }
        request.principal = await resolvePrincipal(auth, db, request);
        if (!request.principal) {
          return reply.status(401).send(errorBody("unauthenticated", "Sign in to continue."));
        }
      },
    },
    (socket, request) => {
      const principal = request.principal;
      if (!principal) return socket.close(1008, "unauthenticated");
      if (!socketLimit.admit(principal.userId)) return socket.close(4429, "too many connections");
      const send = (payload: string) => socket.send(payload);
      const audiences =
        principal.kind === "staff"
          ? [topics.firmStaff(principal.firmId)]
          : principal.links.flatMap((link) => [
              topics.clientContacts(link.clientId),
              topics.contactDirect(link.contactId),
            ]);
      const unsubscribe = [
        ...audiences.map((topic) => bus.subscribe(topic, send)),
        bus.subscribe(topics.user(principal.userId), (payload) => {
          send(payload);
          if (payload === ACCESS_REVOKED) socket.close(4403, "access revoked");
        }),
      ];
      sockets.add(socket);
      let alive = true;
      socket.on("pong", () => {
        alive = true;
      });
      const heartbeat = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
      }, HEARTBEAT_MS);
      socket.on("close", () => {
        socketLimit.release(principal.userId);
        clearInterval(heartbeat);
        sockets.delete(socket);
        for (const stop of unsubscribe) stop();
      });
      // "ready" tells the client to refetch; only once subscribed can that refetch miss nothing.
      void bus.settled().then(() => socket.send(JSON.stringify({ type: "ready" })));
    },
  );

  // Open sockets would otherwise keep a stopping server waiting.
  app.addHook("preClose", async () => {
    for (const socket of sockets) socket.close(1001, "server stopping");
  });
}
