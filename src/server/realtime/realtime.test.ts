import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTestApp, TEST_ORIGIN, type TestApp } from "../../../test/app.js";
import {
  buildClient,
  buildContact,
  buildFirm,
  buildStaff,
  type TestFirm,
} from "../../../test/factories.js";
import { messagingApi, textDoc } from "../../../test/messaging.js";
import type { Conversation } from "../../shared/api/messaging.js";
import { MAX_SOCKETS_PER_PERSON, REALTIME_MAX_FRAME_BYTES } from "./realtime.routes.js";

let t: TestApp;
let api: ReturnType<typeof messagingApi>;
let firm: TestFirm;
let adaCookie: string;
let benCookie: string;
let otherAuthorCookie: string;
let otherCookie: string;
let otherThread: Conversation;
let port: number;
/** Our own host, as a browser on a page of this server sends it. */
let sameOrigin: string;

beforeAll(async () => {
  t = await createTestApp();
  api = messagingApi(t);
  firm = await buildFirm(t.database.db, "Realtime Firm");
  adaCookie = await t.signIn((await buildStaff(t.database.db, firm, { name: "Ada Archer" })).email);
  benCookie = await t.signIn((await buildStaff(t.database.db, firm, { name: "Ben Baker" })).email);
  // A second firm, with two staff members and its own thread: one writes, one listens.
  const otherFirm = await buildFirm(t.database.db, "Other Firm");
  otherAuthorCookie = await t.signIn((await buildStaff(t.database.db, otherFirm)).email);
  otherCookie = await t.signIn((await buildStaff(t.database.db, otherFirm)).email);
  const otherClient = await buildClient(t.database.db, otherFirm, "Other Firm Client");
  otherThread = await api.openConversation(
    otherClient.id,
    { kind: "all_contacts" },
    otherAuthorCookie,
  );

  await t.app.listen({ port: 0, host: "127.0.0.1" });
  port = (t.app.server.address() as AddressInfo).port;
  sameOrigin = `http://127.0.0.1:${port}`;
});
afterAll(() => t.close());

type Frame = { type: string; data?: Record<string, unknown> };

/** A test's end of one socket: keeps every frame and can wait for one that matches. */
type Listener = {
  socket: WebSocket;
  frames: Frame[];
  waitFor: (predicate: (frame: Frame) => boolean, what: string) => Promise<Frame>;
};

const openSockets = new Set<WebSocket>();
afterEach(() => {
  for (const socket of openSockets) socket.terminate();
  openSockets.clear();
});

const WAIT_MS = 5_000;

function socketTo(headers: Record<string, string>, path = "/api/realtime") {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
  openSockets.add(socket);
  return socket;
}

/** Opens a socket as a signed-in user and resolves once the upgrade is accepted. */
function connect(cookie: string, origin = sameOrigin): Promise<Listener> {
  const socket = socketTo({ cookie, origin });
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  socket.on("message", (raw) => {
    frames.push(JSON.parse(String(raw)));
    for (const check of waiters) check();
  });
  const listener: Listener = {
    socket,
    frames,
    waitFor: (predicate, what) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.find(predicate);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no ${what} within ${WAIT_MS} ms; got ${frames.map((f) => f.type).join()}`),
          );
        }, WAIT_MS);
        waiters.add(check);
        check();
      }),
  };
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve(listener));
    socket.once("unexpected-response", (_request, response) =>
      reject(new Error(`the upgrade was refused with ${response.statusCode}`)),
    );
    socket.once("error", reject);
  });
}

/** Connects and waits for the `ready` frame, so later events cannot arrive before the socket listens. */
async function connectReady(cookie: string, origin = sameOrigin) {
  const listener = await connect(cookie, origin);
  await listener.waitFor((frame) => frame.type === "ready", "ready frame");
  return listener;
}

/** Tries to open a socket that should be refused, and resolves with the HTTP answer. */
function refusedUpgrade(headers: Record<string, string>, path?: string) {
  const socket = socketTo(headers, path);
  socket.on("error", () => {});
  return new Promise<{ status: number | undefined; body: unknown }>((resolve, reject) => {
    socket.once("open", () => reject(new Error("the upgrade was accepted")));
    socket.once("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => {
        body += chunk;
      });
      response.on("end", () => {
        resolve({ status: response.statusCode, body: JSON.parse(body) });
        socket.terminate();
      });
    });
  });
}

/** How a socket ended: its close code and reason. */
const closeOf = (socket: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once("close", (code, reason) => resolve({ code, reason: String(reason) })),
  );

const unique = () => crypto.randomUUID().slice(0, 8);
const newClient = () => buildClient(t.database.db, firm, `Client ${unique()}`);

const isCreated = (messageId: string) => (frame: Frame) =>
  frame.type === "message.created" &&
  (frame.data?.message as { id?: string } | undefined)?.id === messageId;

/**
 * Something happens in the other firm, and its listener waits for it. Events are published in
 * order and each socket delivers them in order, so once this arrives, anything published
 * earlier that was going to reach the listener has arrived too.
 */
async function otherFirmMarker(listener: Listener) {
  const marker = await api.send(otherThread.id, `Marker ${unique()}`, otherAuthorCookie);
  return listener.waitFor(isCreated(marker.id), "other firm's marker message");
}

describe("the realtime socket", () => {
  it("sends ready first", async () => {
    const listener = await connectReady(benCookie);
    expect(listener.frames).toEqual([{ type: "ready" }]);
  });

  it("accepts the public URL as the origin too", async () => {
    const listener = await connectReady(benCookie, TEST_ORIGIN);
    expect(listener.frames[0]).toEqual({ type: "ready" });
  });

  it("delivers a firm's message and conversation events to its staff, and none to another firm", async () => {
    const client = await newClient();
    const contact = await buildContact(t.database.db, client, { name: "Dee Direct" });
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
    const ben = await connectReady(benCookie);
    const outsider = await connectReady(otherCookie);

    const sent = await api.send(thread.id, "Hello, Ben", adaCookie);
    const created = await ben.waitFor(isCreated(sent.id), "message.created");
    expect(created).toEqual({
      type: "message.created",
      data: { clientId: client.id, conversationId: thread.id, message: sent },
    });

    const note = await api.send(thread.id, "Just between us", adaCookie, { internal: true });
    await ben.waitFor(isCreated(note.id), "note's message.created");

    const edit = await api.editMessage(
      sent.id,
      { body: textDoc("Hello again"), version: 1 },
      adaCookie,
    );
    expect(edit.statusCode).toBe(200);
    await ben.waitFor((frame) => frame.type === "message.updated", "message.updated");

    expect((await api.deleteMessage(sent.id, adaCookie)).statusCode).toBe(204);
    await ben.waitFor((frame) => frame.type === "message.deleted", "message.deleted");

    const direct = await api.openConversation(
      client.id,
      { kind: "direct", contactId: contact.id },
      adaCookie,
    );
    await ben.waitFor((frame) => frame.type === "conversation.created", "conversation.created");
    // Opening it again creates nothing and announces nothing.
    await api.openConversation(client.id, { kind: "direct", contactId: contact.id }, adaCookie);

    const marker = await otherFirmMarker(outsider);
    // Ben also receives nothing of the other firm: a message of his own firm after it proves it.
    const last = await api.send(thread.id, "Last one", adaCookie);
    await ben.waitFor(isCreated(last.id), "last message.created");

    expect(ben.frames).toEqual([
      { type: "ready" },
      created,
      {
        type: "message.created",
        data: { clientId: client.id, conversationId: thread.id, message: note },
      },
      {
        type: "message.updated",
        data: { clientId: client.id, conversationId: thread.id, message: edit.json() },
      },
      {
        type: "message.deleted",
        data: { clientId: client.id, conversationId: thread.id, messageId: sent.id },
      },
      {
        type: "conversation.created",
        data: { clientId: client.id, conversation: { id: direct.id, kind: "direct" } },
      },
      {
        type: "message.created",
        data: { clientId: client.id, conversationId: thread.id, message: last },
      },
    ]);
    expect(outsider.frames).toEqual([{ type: "ready" }, marker]);
  });

  it("sends conversation.read only to the reader's own sockets", async () => {
    const client = await newClient();
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
    for (const n of [1, 2, 3]) await api.send(thread.id, `Unread ${n}`, adaCookie);
    const benTab = await connectReady(benCookie);
    const benOtherTab = await connectReady(benCookie);
    const ada = await connectReady(adaCookie);
    const outsider = await connectReady(otherCookie);

    expect((await api.markRead(thread.id, 2, benCookie)).statusCode).toBe(204);
    const read = {
      type: "conversation.read",
      data: { clientId: client.id, conversationId: thread.id, lastReadSeq: 2 },
    };
    for (const tab of [benTab, benOtherTab]) {
      expect(await tab.waitFor((frame) => frame.type === "conversation.read", "read")).toEqual(
        read,
      );
    }

    // A later event of the firm reaches Ada after the read would have: she got no read event.
    const later = await api.send(thread.id, "Later", benCookie);
    const laterFrame = await ada.waitFor(isCreated(later.id), "later message.created");
    expect(ada.frames).toEqual([{ type: "ready" }, laterFrame]);
    const marker = await otherFirmMarker(outsider);
    expect(outsider.frames).toEqual([{ type: "ready" }, marker]);
  });

  it("reports the cursor the server kept in conversation.read", async () => {
    const client = await newClient();
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
    for (const n of [1, 2, 3]) await api.send(thread.id, `Unread ${n}`, adaCookie);
    const benTab = await connectReady(benCookie);
    const reads = () => benTab.frames.filter((frame) => frame.type === "conversation.read");
    const readEvent = (count: number) =>
      benTab.waitFor(() => reads().length >= count, `read event ${count}`);

    // Beyond the last message: clamped to it.
    expect((await api.markRead(thread.id, 1_000, benCookie)).statusCode).toBe(204);
    await readEvent(1);
    // Behind the cursor: the cursor stays, and the event says where it is.
    expect((await api.markRead(thread.id, 1, benCookie)).statusCode).toBe(204);
    await readEvent(2);

    expect(reads().map((frame) => frame.data?.lastReadSeq)).toEqual([3, 3]);
    expect((await api.conversationRow(thread, benCookie)).lastReadSeq).toBe(3);
  });
});

describe("refusing the upgrade", () => {
  it("answers 401 without a session cookie", async () => {
    expect(await refusedUpgrade({ origin: sameOrigin })).toEqual({
      status: 401,
      body: { error: { code: "unauthenticated", message: "Sign in to continue." } },
    });
  });

  it("answers 401 to a signed-out session", async () => {
    const member = await buildStaff(t.database.db, firm);
    const cookie = await t.signIn(member.email);
    await connectReady(cookie);
    await t.request({ method: "POST", url: "/api/auth/sign-out", cookie });
    expect((await refusedUpgrade({ cookie, origin: sameOrigin })).status).toBe(401);
  });

  it("answers 403 to a foreign Origin, even with a valid session", async () => {
    const refused = await refusedUpgrade({ cookie: benCookie, origin: "http://evil.example" });
    expect(refused).toEqual({
      status: 403,
      body: {
        error: { code: "bad_origin", message: "This connection did not come from a Portico page." },
      },
    });
  });

  it("answers 403 to an Origin that only differs by port", async () => {
    const refused = await refusedUpgrade({
      cookie: benCookie,
      origin: `http://127.0.0.1:${port === 65535 ? port - 1 : port + 1}`,
    });
    expect(refused.status).toBe(403);
  });

  it("answers 403 without an Origin", async () => {
    expect((await refusedUpgrade({ cookie: benCookie })).status).toBe(403);
  });

  it("answers 403 without an Origin when the path is spelled with escapes", async () => {
    expect((await refusedUpgrade({ cookie: benCookie }, "/%61pi/realtime")).status).toBe(403);
  });
});

describe("limits", () => {
  it("closes a socket that sends a frame larger than a few kilobytes, with 1009", async () => {
    const client = await newClient();
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
    const small = await connectReady(benCookie);
    const large = await connectReady(benCookie);
    const largeClosed = closeOf(large.socket);

    small.socket.send("x".repeat(100));
    large.socket.send("x".repeat(REALTIME_MAX_FRAME_BYTES + 1));
    expect((await largeClosed).code).toBe(1009);
    // The socket that sent a small frame still receives events.
    const sent = await api.send(thread.id, "Still here?", adaCookie);
    await small.waitFor(isCreated(sent.id), "message.created after a small frame");
  });

  it(`closes a person's socket past ${MAX_SOCKETS_PER_PERSON} with 4429, and lets others in`, async () => {
    const member = await buildStaff(t.database.db, firm);
    const cookie = await t.signIn(member.email);
    const held: Listener[] = [];
    for (let n = 0; n < MAX_SOCKETS_PER_PERSON; n++) held.push(await connectReady(cookie));

    const extra = socketTo({ cookie, origin: sameOrigin });
    const extraFrames: string[] = [];
    extra.on("message", (data) => extraFrames.push(String(data)));
    expect(await closeOf(extra)).toEqual({ code: 4429, reason: "too many connections" });
    expect(extraFrames).toEqual([]);

    // Another person is not counted against this one.
    await connectReady(benCookie);
    // The held sockets still work.
    const client = await newClient();
    const thread = await api.openConversation(client.id, { kind: "all_contacts" }, adaCookie);
    const sent = await api.send(thread.id, "To every tab", adaCookie);
    for (const tab of held) await tab.waitFor(isCreated(sent.id), "message.created on a held tab");

    // Once one closes, a new one gets its place (as soon as the server has seen the close).
    const first = held[0];
    if (!first) throw new Error("no socket held");
    const firstClosed = closeOf(first.socket);
    first.socket.close();
    await firstClosed;
    const reconnected = async () => {
      const socket = socketTo({ cookie, origin: sameOrigin });
      const outcome = await new Promise<string>((resolve) => {
        socket.on("message", (data) => {
          if (JSON.parse(String(data)).type === "ready") resolve("ready");
        });
        socket.once("close", (code) => resolve(`closed ${code}`));
      });
      return outcome;
    };
    await expect.poll(reconnected, { timeout: 5_000 }).toBe("ready");
  });
});
