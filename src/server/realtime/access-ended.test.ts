/**
 * Every way access ends closes the person's open sockets at once, on every server process; a
 * sign-out closes only the sockets of the session that signed out.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createSecondApp, createTestApp, type TestApp } from "../../../test/app.js";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import { messagingApi } from "../../../test/messaging.js";
import {
  isMessageFrame,
  listen,
  openSocket,
  portalApi,
  type SocketListener,
} from "../../../test/portal.js";
import { createMemoryEventBus, type EventBus } from "./event-bus.js";
import { createRedisEventBus } from "./redis-event-bus.js";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

let t: TestApp;
let origin: string;
let api: ReturnType<typeof messagingApi>;
let firm: Awaited<ReturnType<typeof buildFirm>>;
let adaCookie: string;

beforeAll(async () => {
  t = await createTestApp();
  origin = await listen(t);
  api = messagingApi(t);
  firm = await buildFirm(t.database.db, "Access Firm");
  adaCookie = await t.signIn((await buildStaff(t.database.db, firm, { role: "owner" })).email);
});
afterAll(() => t.close());

const sockets = new Set<SocketListener>();
afterEach(() => {
  for (const listener of sockets) listener.socket.terminate();
  sockets.clear();
});
const open = async (at: string, cookie: string) => {
  const listener = await openSocket(at, cookie);
  sockets.add(listener);
  return listener;
};

const accessRevoked = '{"type":"access.revoked"}';

describe("signing out", () => {
  it("closes the sockets of that session only; the person's other session keeps listening", async () => {
    const member = await buildStaff(t.database.db, firm);
    const laptop = await t.signIn(member.email);
    const phone = await t.signIn(member.email);
    const onLaptop = await open(origin, laptop);
    const alsoOnLaptop = await open(origin, laptop);
    const onPhone = await open(origin, phone);

    const signedOut = await t.request({
      method: "POST",
      url: "/api/auth/sign-out",
      cookie: laptop,
    });
    expect(signedOut.statusCode).toBe(200);
    for (const closed of [onLaptop, alsoOnLaptop]) {
      expect(await closed.closed).toEqual({ code: 4403, reason: "access revoked" });
      expect(closed.raw).toEqual([JSON.stringify({ type: "ready" }), accessRevoked]);
    }

    const thread = await api.openConversation(
      (await buildClient(t.database.db, firm)).id,
      { kind: "all_contacts" },
      adaCookie,
    );
    const note = await api.send(thread.id, "Only for signed-in staff", adaCookie, {
      internal: true,
    });
    await onPhone.waitFor(isMessageFrame("message.created", note.id), "the note on the phone");
    for (const closed of [onLaptop, alsoOnLaptop]) expect(closed.raw.join()).not.toContain(note.id);
  });
});

describe("on several server processes", () => {
  let buses: EventBus[] = [];
  let processB: TestApp;
  let originB: string;
  let processA: TestApp;
  beforeAll(async () => {
    buses = [await createRedisEventBus(redisUrl), await createRedisEventBus(redisUrl)];
    // Two processes on one database, sharing events through Redis.
    processA = await createSecondApp(t, { bus: buses[0] });
    processB = await createSecondApp(t, { bus: buses[1] });
    originB = await listen(processB);
  });
  afterAll(async () => {
    await processA.close();
    await processB.close();
    for (const bus of buses) await bus.close();
  });

  it("a sign-out handled by one process closes the session's socket on another", async () => {
    const member = await buildStaff(t.database.db, firm);
    const cookie = await processA.signIn(member.email);
    const socket = await open(originB, cookie);
    await buses[1]?.settled();

    expect(
      (await processA.request({ method: "POST", url: "/api/auth/sign-out", cookie })).statusCode,
    ).toBe(200);
    expect(await socket.closed).toEqual({ code: 4403, reason: "access revoked" });
  });

  it("removing a contact on one process closes their socket on another", async () => {
    const client = await buildClient(t.database.db, firm);
    const contact = await buildContact(t.database.db, client);
    const contactCookie = await portalApi(processA).grantAccess(client, contact, adaCookie);
    const socket = await open(originB, contactCookie);
    await buses[1]?.settled();

    const removed = await processA.request({
      method: "DELETE",
      url: `/api/clients/${client.id}/contacts/${contact.id}`,
      cookie: adaCookie,
    });
    expect(removed.statusCode).toBe(204);
    expect(await socket.closed).toEqual({ code: 4403, reason: "access revoked" });
  });
});

describe("a socket opened as access ends", () => {
  it("is closed, without a frame, when the session ends before it is subscribed", async () => {
    // A bus whose subscriptions go live only when the test says so.
    const inner = createMemoryEventBus();
    let goLive = () => {};
    const live = new Promise<void>((resolve) => {
      goLive = resolve;
    });
    const slowBus: EventBus = { ...inner, settled: () => live };
    const slow = await createSecondApp(t, { bus: slowBus });
    const slowOrigin = await listen(slow);
    try {
      const member = await buildStaff(t.database.db, firm);
      const cookie = await slow.signIn(member.email);
      const socket = new WebSocket(`${slowOrigin.replace(/^http/, "ws")}/api/realtime`, {
        headers: { cookie, origin: slowOrigin },
      });
      const frames: string[] = [];
      socket.on("message", (data) => frames.push(String(data)));
      const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
      await new Promise((resolve) => socket.once("open", resolve));

      // The sign-out's message is published before this socket listens for it.
      expect(
        (await slow.request({ method: "POST", url: "/api/auth/sign-out", cookie })).statusCode,
      ).toBe(200);
      goLive();
      expect(await closed).toBe(4403);
      expect(frames).toEqual([accessRevoked]);
    } finally {
      await slow.close();
    }
  });
});
