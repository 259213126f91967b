import type { FastifyInstance } from "fastify";
import type { ControlMessage } from "../../shared/events.js";
import { resolvePrincipal, twoFactorSetupRequired } from "../auth/principal.js";
import { isSessionLive } from "../auth/sessions.js";
import { errorBody } from "../http/errors.js";
import { isTrustedOrigin } from "../http/origin.js";
import { SESSION_CHECK } from "./access.js";
import { createSocketLimit } from "./socket-limit.js";
import { topics } from "./topics.js";

const HEARTBEAT_MS = 30_000;
/** Clients send no messages (only pongs); a larger frame closes the socket with 1009. */
export const REALTIME_MAX_FRAME_BYTES = 4 * 1024;
/** Far more tabs than a person keeps open; the next socket is closed with 4429. */
export const MAX_SOCKETS_PER_PERSON = 20;
/**
 * The last event's bytes: the bus hands every socket of an audience the same string, so it is
 * encoded once per audience, not once per socket.
 */
let lastText = "";
let lastBytes = Buffer.alloc(0);
const bytesOf = (text: string) => {
  if (text !== lastText) {
    lastText = text;
    lastBytes = Buffer.from(text);
  }
  return lastBytes;
};
const TEXT_FRAME = { binary: false };

const READY = JSON.stringify({ type: "ready" } satisfies ControlMessage);
const ACCESS_REVOKED = JSON.stringify({ type: "access.revoked" } satisfies ControlMessage);

/**
 * One WebSocket per browser tab. The upgrade is authenticated by the session cookie and
 * checked for our Origin (a cross-site page could otherwise open it with the user's cookie).
 * The socket subscribes to the audiences its principal belongs to and only ever receives
 * events already serialized for that audience. When told that the person's access ended, it
 * checks its own session and closes if that session is gone.
 */
export async function realtimeRoutes(app: FastifyInstance) {
  const { auth, db, bus, config } = app.deps;
  const sockets = new Set<{ close: (code: number, reason: string) => void }>();
  /** Each open socket's way to make its client refetch and its session be checked again. */
  const resynchronisers = new Set<() => void>();
  const stopResync = bus.onResync(() => {
    for (const resynchronise of resynchronisers) resynchronise();
  });
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
        // A socket keeps the audiences it is given now for hours: they come from the database.
        request.principal = await resolvePrincipal(auth, db, request);
        if (!request.principal) {
          return reply.status(401).send(errorBody("unauthenticated", "Sign in to continue."));
        }
        if (request.principal.kind === "staff" && request.principal.twoFactorSetupRequired) {
          const refusal = twoFactorSetupRequired();
          return reply.status(403).send(errorBody(refusal.code, refusal.message));
        }
      },
    },
    (socket, request) => {
      const principal = request.principal;
      if (!principal) return socket.close(1008, "unauthenticated");
      if (!socketLimit.admit(principal.userId)) return socket.close(4429, "too many connections");
      let closed = false;
      let subscribed = false;
      // Until the socket is subscribed and its session checked, and again while a later check
      // runs, events wait here: none reaches a socket whose access has just ended.
      let held: string[] | null = [];
      const deliver = (payload: string) => {
        if (closed) return;
        if (held) held.push(payload);
        else socket.send(bytesOf(payload), TEXT_FRAME);
      };
      const release = () => {
        if (!subscribed || closed || held === null) return;
        const waiting = held;
        held = null;
        for (const payload of waiting) socket.send(payload);
      };
      const shut = (code: number, reason: string, frame?: string) => {
        held = null;
        if (closed) return;
        closed = true;
        if (frame) socket.send(frame);
        socket.close(code, reason);
      };

      let checking = false;
      let checkAgain = false;
      /** Checks the session (again if asked meanwhile), then releases held events or closes. */
      const checkSession = async (): Promise<boolean> => {
        held ??= [];
        if (checking) {
          checkAgain = true;
          return true;
        }
        checking = true;
        try {
          do {
            checkAgain = false;
            if (!(await isSessionLive(db, principal.sessionId))) {
              shut(4403, "access revoked", ACCESS_REVOKED);
              return false;
            }
          } while (checkAgain);
          release();
          return true;
        } catch (error) {
          request.log.error({ err: error }, "socket session check failed");
          shut(1011, "try again");
          return false;
        } finally {
          checking = false;
        }
      };

      const audiences =
        principal.kind === "staff"
          ? [topics.firmStaff(principal.firmId)]
          : principal.links.flatMap((link) => [
              topics.clientContacts(link.clientId),
              topics.contactDirect(link.contactId),
            ]);
      const unsubscribe = [
        ...audiences.map((topic) => bus.subscribe(topic, deliver)),
        bus.subscribe(topics.user(principal.userId), (payload) => {
          if (payload === SESSION_CHECK) void checkSession();
          else deliver(payload);
        }),
      ];
      sockets.add(socket);
      // Events may have been lost while the bus was away: the client refetches (after "ready")
      // and the session is checked again, since an "access ended" may have been lost too.
      const resynchronise = () => {
        if (closed || !subscribed) return;
        held = [READY, ...(held ?? [])];
        void checkSession();
      };
      resynchronisers.add(resynchronise);
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
        closed = true;
        clearInterval(heartbeat);
        sockets.delete(socket);
        resynchronisers.delete(resynchronise);
        for (const stop of unsubscribe) stop();
      });
      // "ready" tells the client to refetch; only once subscribed can that refetch miss nothing.
      // The session is checked then too, in case access ended while the socket was opening.
      void bus.settled().then(() => {
        if (closed) return;
        held = [READY, ...(held ?? [])];
        subscribed = true;
        return checkSession();
      });
    },
  );

  // Open sockets would otherwise keep a stopping server waiting.
  app.addHook("preClose", async () => {
    stopResync();
    for (const socket of sockets) socket.close(1001, "server stopping");
  });
}
