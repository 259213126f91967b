import type { AddressInfo } from "node:net";
import { and, desc, eq } from "drizzle-orm";
import { expect } from "vitest";
import WebSocket from "ws";
import { mailOutbox } from "../src/server/db/schema.js";
import { nextClientIp, sessionCookieOf, type TestApp } from "./app.js";

/** A password that meets every rule, for contacts accepting an invitation. */
export const PORTAL_PASSWORD = "portal-password-456";

export const invitationUrl = (clientId: string, contactId: string) =>
  `/api/clients/${clientId}/contacts/${contactId}/invitation`;
export const portalAccessUrl = (clientId: string, contactId: string) =>
  `/api/clients/${clientId}/contacts/${contactId}/portal-access`;
/** The token of an invitation link in a mail's text, for the app's public URL. */
export function invitationTokenIn(text: string, publicUrl: string): string {
  const escaped = publicUrl.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`${escaped}/portal/invitation/([A-Za-z0-9_-]+)`).exec(text);
  if (!match?.[1]) throw new Error(`no invitation link in: ${text}`);
  return match[1];
}

export function portalApi(t: TestApp) {
  const invite = (clientId: string, contactId: string, cookie?: string) =>
    t.request({ method: "POST", url: invitationUrl(clientId, contactId), cookie });

  const revoke = (clientId: string, contactId: string, cookie?: string) =>
    t.request({ method: "DELETE", url: portalAccessUrl(clientId, contactId), cookie });

  /**
   * Every mail the outbox holds for an address, newest first, read from the table itself once
   * the mail work requests started in the background is done.
   */
  const mailsTo = async (address: string) => {
    await t.app.deps.tasks.drain();
    return t.database.db
      .select()
      .from(mailOutbox)
      .where(eq(mailOutbox.toAddress, address))
      .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id));
  };

  /** The token of the newest invitation mailed to `address`. */
  const latestInvitationToken = async (address: string) => {
    const [mail] = await t.database.db
      .select()
      .from(mailOutbox)
      .where(and(eq(mailOutbox.toAddress, address), eq(mailOutbox.kind, "invitation")))
      .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
      .limit(1);
    if (!mail) throw new Error(`no invitation mailed to ${address}`);
    return invitationTokenIn(mail.textBody, t.config.publicUrl);
  };

  const describe = (token: string) =>
    t.request({ method: "GET", url: `/api/portal/invitations/${token}` });

  /** Accepts from a fresh client address, so the sign-in it does never meets a rate limit. */
  const accept = (token: string, password: unknown = PORTAL_PASSWORD) =>
    t.request({
      method: "POST",
      url: `/api/portal/invitations/${token}/accept`,
      headers: { "x-forwarded-for": nextClientIp() },
      payload: { password },
    });

  /** Accepts with the signed-in person's own sign-in (someone who already uses the portal). */
  const acceptSignedIn = (token: string, cookie?: string) =>
    t.request({
      method: "POST",
      url: `/api/portal/invitations/${token}/accept-signed-in`,
      headers: { "x-forwarded-for": nextClientIp() },
      cookie,
    });

  /**
   * Gives a contact portal access the way a person gets it: staff invite, the contact opens the
   * mailed link and chooses a password. Returns the contact's session cookie.
   */
  const grantAccess = async (
    client: { id: string },
    contact: { id: string; email: string | null },
    staffCookie: string,
  ) => {
    if (!contact.email) throw new Error("the contact needs an e-mail address");
    const invited = await invite(client.id, contact.id, staffCookie);
    expect(invited.statusCode, invited.body).toBe(200);
    const accepted = await accept(await latestInvitationToken(contact.email));
    expect(accepted.statusCode, accepted.body).toBe(200);
    return sessionCookieOf(accepted.headers["set-cookie"]);
  };

  /**
   * Gives portal access at one more client to someone who already signs in: staff invite, the
   * person opens the link while signed in and accepts. Returns the accepted client's id.
   */
  const grantMoreAccess = async (
    client: { id: string },
    contact: { id: string; email: string | null },
    staffCookie: string,
    contactCookie: string,
  ) => {
    if (!contact.email) throw new Error("the contact needs an e-mail address");
    const invited = await invite(client.id, contact.id, staffCookie);
    expect(invited.statusCode, invited.body).toBe(200);
    const accepted = await acceptSignedIn(
      await latestInvitationToken(contact.email),
      contactCookie,
    );
    expect(accepted.statusCode, accepted.body).toBe(200);
    return accepted.json().clientId as string;
  };

  const session = (cookie?: string) =>
    t.request({ method: "GET", url: "/api/portal/session", cookie });
  return {
    invite,
    revoke,
    mailsTo,
    latestInvitationToken,
    describe,
    accept,
    acceptSignedIn,
    grantAccess,
    grantMoreAccess,
    session,
  };
}

// --- Realtime sockets ---

export type Frame = { type: string; data?: Record<string, unknown> };

/** A test's end of one socket: keeps every frame, can wait for one, and knows how it closed. */
export type SocketListener = {
  socket: WebSocket;
  frames: Frame[];
  /** Every frame exactly as it arrived on the wire. */
  raw: string[];
  waitFor: (predicate: (frame: Frame) => boolean, what: string) => Promise<Frame>;
  closed: Promise<{ code: number; reason: string }>;
};

const WAIT_MS = 5_000;

/** Starts the app on a free localhost port (once) and returns its origin. */
export async function listen(t: TestApp): Promise<string> {
  if (!t.app.server.listening) await t.app.listen({ port: 0, host: "127.0.0.1" });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

/**
 * Opens the realtime socket with a session cookie, from our own origin, and resolves once the
 * `ready` frame came: from then on it receives every event of its audiences.
 */
export function openSocket(origin: string, cookie: string): Promise<SocketListener> {
  const socket = new WebSocket(`${origin.replace(/^http/, "ws")}/api/realtime`, {
    headers: { cookie, origin },
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
    raw.push(String(data));
    frames.push(JSON.parse(String(data)));
    for (const check of waiters) check();
  });
  const waitFor: SocketListener["waitFor"] = (predicate, what) =>
    new Promise((resolve, reject) => {
      const fail = (why: string) =>
        reject(new Error(`no ${what} ${why}; got ${frames.map((f) => f.type).join(", ")}`));
      const check = () => {
        const found = frames.find(predicate);
        if (found) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        } else if (closedWith) {
          waiters.delete(check);
          clearTimeout(timer);
          fail(`before the socket closed (${closedWith.code})`);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        fail(`within ${WAIT_MS} ms`);
      }, WAIT_MS);
      waiters.add(check);
      check();
    });
  const listener: SocketListener = { socket, frames, raw, waitFor, closed };
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

/** Tries to open a socket that should be refused, and resolves with the HTTP status. */
export function refusedUpgrade(origin: string, cookie: string): Promise<number | undefined> {
  const socket = new WebSocket(`${origin.replace(/^http/, "ws")}/api/realtime`, {
    headers: { cookie, origin },
  });
  socket.on("error", () => {});
  return new Promise((resolve, reject) => {
    socket.once("open", () => {
      socket.terminate();
      reject(new Error("the upgrade was accepted"));
    });
    socket.once("unexpected-response", (_request, response) => {
      resolve(response.statusCode);
      response.resume();
      socket.terminate();
    });
  });
}

/** A frame about one message (created or updated), by id. */
export const isMessageFrame = (type: string, messageId: string) => (frame: Frame) =>
  frame.type === type && (frame.data?.message as { id?: string } | undefined)?.id === messageId;

export const isDeletedFrame = (messageId: string) => (frame: Frame) =>
  frame.type === "message.deleted" && frame.data?.messageId === messageId;
