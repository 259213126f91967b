import WebSocket from "ws";
import type { Conversation, Message, MessagePage } from "../src/shared/api/messaging.js";
import { type RouteName, routes } from "../src/shared/api/routes.js";

/**
 * A client of a running server process over real HTTP and WebSocket, as a browser would be: used
 * by the several-process tests, the benchmarks and the soak run. `origin` is the app's public URL
 * (what a browser sends as Origin), `base` the process it talks to.
 */

export type Frame = { type: string; data?: Record<string, unknown> };

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: ${status} ${body.slice(0, 300)}`);
  }
}

const pathOf = (name: RouteName, params: Record<string, string> = {}) =>
  routes[name].path.replace(/:(\w+)\??/g, (_match, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`${name} needs ${key}`);
    return encodeURIComponent(value);
  });

export type Session = { cookie: string; origin: string };

/** Calls one API route on `base`; rejects with HttpError unless the answer is 2xx. */
export async function callRoute<T = unknown>(
  base: string,
  session: Session | { origin: string; cookie?: string },
  name: RouteName,
  options: { params?: Record<string, string>; body?: unknown; query?: Record<string, string> } = {},
): Promise<T> {
  const query = options.query ? `?${new URLSearchParams(options.query)}` : "";
  const response = await fetch(`${base}${pathOf(name, options.params)}${query}`, {
    method: routes[name].method,
    headers: {
      origin: session.origin,
      ...(session.cookie ? { cookie: session.cookie } : {}),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  if (!response.ok) throw new HttpError(response.status, text, name);
  return (text ? JSON.parse(text) : undefined) as T;
}

const cookieOf = (response: Response) => {
  const cookies = response.headers.getSetCookie();
  const session = cookies.find((cookie) => cookie.startsWith("better-auth.session_token="));
  if (!session) throw new Error("no session cookie in the answer");
  return session.split(";")[0] ?? "";
};

export async function signIn(
  base: string,
  origin: string,
  email: string,
  password: string,
): Promise<Session> {
  const response = await fetch(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new HttpError(response.status, await response.text(), "sign-in");
  return { cookie: cookieOf(response), origin };
}

export async function signOut(base: string, session: Session) {
  const response = await fetch(`${base}/api/auth/sign-out`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: session.origin, cookie: session.cookie },
    body: "{}",
  });
  if (!response.ok) throw new HttpError(response.status, await response.text(), "sign-out");
}

/**
 * Accepts a portal invitation with a new password and returns the contact's session.
 * `clientAddress` (sent as X-Forwarded-For, for a server started with TRUST_PROXY=1) gives each
 * simulated person their own address, as real people have, so seeding many contacts does not
 * meet the per-address limit on accepting invitations.
 */
export async function acceptInvitation(
  base: string,
  origin: string,
  token: string,
  password: string,
  clientAddress?: string,
): Promise<Session> {
  const response = await fetch(`${base}${pathOf("acceptInvitation", { token })}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin,
      ...(clientAddress ? { "x-forwarded-for": clientAddress } : {}),
    },
    body: JSON.stringify({ password }),
  });
  if (!response.ok) throw new HttpError(response.status, await response.text(), "accept");
  return { cookie: cookieOf(response), origin };
}

export const textBody = (text: string) => ({
  type: "doc",
  content: [{ type: "paragraph", content: [{ type: "text", text }] }],
});

/** The messaging calls a staff member or a contact makes; each side has its own routes. */
export function messagingCalls(base: string, session: Session, side: "staff" | "contact") {
  const staff = side === "staff";
  return {
    send: (conversationId: string, text: string, options: { internal?: boolean } = {}) =>
      callRoute<Message>(base, session, staff ? "sendMessage" : "sendPortalMessage", {
        params: { conversationId },
        body: {
          id: crypto.randomUUID(),
          body: textBody(text),
          ...(staff && options.internal ? { internal: true } : {}),
        },
      }),
    edit: (message: Message, text: string) =>
      callRoute<Message>(base, session, staff ? "editMessage" : "editPortalMessage", {
        params: { messageId: message.id },
        body: { body: textBody(text), version: message.version },
      }),
    remove: (messageId: string) =>
      callRoute(base, session, staff ? "deleteMessage" : "deletePortalMessage", {
        params: { messageId },
      }),
    page: (conversationId: string, query?: Record<string, string>) =>
      callRoute<MessagePage>(base, session, staff ? "listMessages" : "listPortalMessages", {
        params: { conversationId },
        query,
      }),
    conversations: (clientId: string) =>
      callRoute<{ conversations: Conversation[] }>(
        base,
        session,
        staff ? "listConversations" : "listPortalConversations",
        { params: { clientId } },
      ),
    markRead: (conversationId: string, seq: number) =>
      callRoute(base, session, staff ? "markConversationRead" : "markPortalConversationRead", {
        params: { conversationId },
        body: { seq },
      }),
  };
}

/** One realtime socket: keeps every frame and can wait for one. */
export type RealtimeSocket = {
  socket: WebSocket;
  frames: Frame[];
  raw: string[];
  waitFor: (
    predicate: (frame: Frame) => boolean,
    what: string,
    timeoutMs?: number,
  ) => Promise<Frame>;
  closed: Promise<{ code: number; reason: string }>;
  close: () => void;
};

/** Opens the realtime socket on `base` and resolves once its first `ready` frame came. */
export function openRealtime(
  base: string,
  session: Session,
  onFrame?: (frame: Frame, raw: string) => void,
): Promise<RealtimeSocket> {
  const socket = new WebSocket(`${base.replace(/^http/, "ws")}/api/realtime`, {
    headers: { cookie: session.cookie, origin: session.origin },
    perMessageDeflate: false,
  });
  const frames: Frame[] = [];
  const raw: string[] = [];
  const waiters = new Set<() => void>();
  let closedWith: { code: number; reason: string } | undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on("close", (code, reason) => {
      closedWith = { code, reason: String(reason) };
      resolve(closedWith);
      for (const check of waiters) check();
    });
  });
  socket.on("message", (data) => {
    const text = String(data);
    const frame = JSON.parse(text) as Frame;
    raw.push(text);
    frames.push(frame);
    onFrame?.(frame, text);
    for (const check of waiters) check();
  });
  const waitFor: RealtimeSocket["waitFor"] = (predicate, what, timeoutMs = 10_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = frames.find(predicate);
        if (found || closedWith) {
          waiters.delete(check);
          clearTimeout(timer);
          if (found) resolve(found);
          else reject(new Error(`no ${what} before the socket closed (${closedWith?.code})`));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const listener: RealtimeSocket = {
    socket,
    frames,
    raw,
    waitFor,
    closed,
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.once("open", () => {
      listener
        .waitFor((frame) => frame.type === "ready", "ready frame")
        .then(() => resolve(listener), reject);
    });
    socket.once("unexpected-response", (_request, response) =>
      reject(new Error(`the upgrade was refused with ${response.statusCode}`)),
    );
    socket.once("error", reject);
  });
}

/** Whether a frame is about the message with this id (created, updated or deleted). */
export const frameMessageId = (frame: Frame): string | undefined =>
  (frame.data?.message as { id?: string } | undefined)?.id ??
  (frame.data?.messageId as string | undefined);
