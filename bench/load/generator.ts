import { Agent, request as httpRequest } from "node:http";
import WebSocket from "ws";
import { serveCalls } from "../lib/rpc.js";
import { nowMs } from "../lib/stats.js";

/**
 * A load process: sends over HTTP and holds WebSockets, as many people's browsers would. Every
 * message it sends carries a token and its scheduled send time in its text, so receivers can
 * check that each arrived exactly once and how late.
 */

type SessionRef = { cookie: string; origin: string };
type Tracked = {
  /** Conversations whose events this socket must get; null: it is not checked (staff, bare). */
  conversations: Set<string> | null;
  seen: Map<string, number>;
  receivedAt: Map<string, number>;
  latencies: number[];
  notes: number;
  socket: WebSocket;
};

const sockets: Tracked[] = [];
/** Sends made by open loops in this process: tokens stay unique across several runs. */
let openLoopSends = 0;

const body = (text: string) => ({
  type: "doc",
  content: [{ type: "paragraph", content: [{ type: "text", text }] }],
});

/** `bench <token> <scheduled ms>`, from a frame about a created message. */
function tokenOf(frame: {
  type?: string;
  data?: {
    message?: { internal?: boolean; body?: { content?: { content?: { text?: string }[] }[] } };
  };
}) {
  if (frame.type !== "message.created") return null;
  const text = frame.data?.message?.body?.content?.[0]?.content?.[0]?.text ?? "";
  const [word, token, scheduled] = text.split(" ");
  if (word !== "bench" || !token) return null;
  return { token, scheduled: Number(scheduled), internal: frame.data?.message?.internal === true };
}

function track(url: string, headers: Record<string, string>, conversations: string[] | null) {
  return new Promise<void>((resolve, reject) => {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    const tracked: Tracked = {
      conversations: conversations ? new Set(conversations) : null,
      seen: new Map(),
      receivedAt: new Map(),
      latencies: [],
      notes: 0,
      socket,
    };
    socket.on("message", (data) => {
      const at = nowMs();
      const frame = JSON.parse(String(data));
      if (frame.type === "ready") return resolve();
      const found = tokenOf(frame);
      if (!found) return;
      tracked.seen.set(found.token, (tracked.seen.get(found.token) ?? 0) + 1);
      if (!tracked.receivedAt.has(found.token)) tracked.receivedAt.set(found.token, at);
      if (found.scheduled) tracked.latencies.push(at - found.scheduled);
      if (found.internal) tracked.notes += 1;
    });
    socket.once("open", () => {
      // The bare `ws` server sends no `ready`.
      if (!headers.cookie) resolve();
    });
    socket.once("error", reject);
    socket.once("unexpected-response", (_request, response) =>
      reject(new Error(`upgrade refused: ${response.statusCode}`)),
    );
    sockets.push(tracked);
  });
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>) {
  for (let index = 0; index < items.length; index += size) {
    await Promise.all(items.slice(index, index + size).map(run));
  }
}

async function send(
  base: string,
  session: SessionRef,
  side: "staff" | "contact",
  conversationId: string,
  text: string,
  internal = false,
) {
  const path =
    side === "staff"
      ? `/api/conversations/${conversationId}/messages`
      : `/api/portal/conversations/${conversationId}/messages`;
  const payload = JSON.stringify({
    id: crypto.randomUUID(),
    body: body(text),
    ...(internal ? { internal: true } : {}),
  });
  try {
    return await post(`${base}${path}`, session, payload);
  } catch {
    // No answer (the connection failed): reported as status 0, outcome unknown.
    return 0;
  }
}

/**
 * Node's own HTTP client on kept-alive connections, as a browser keeps them: lighter per request
 * than `fetch`, so the load process costs the measurement as little as it can.
 */
const agent = new Agent({ keepAlive: true });

function post(url: string, session: SessionRef, payload: string) {
  return new Promise<number>((resolve, reject) => {
    const request = httpRequest(url, {
      method: "POST",
      agent,
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(payload),
        origin: session.origin,
        cookie: session.cookie,
      },
    });
    request.on("response", (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(payload);
  });
}

serveCalls({
  /** Closed loop: `concurrency` senders, each sending again as soon as its answer came. */
  async sendLoop(params: {
    targets: { base: string; session: SessionRef; conversationId: string }[];
    concurrency: number;
    seconds: number;
  }) {
    const latencies: number[] = [];
    const statuses: Record<number, number> = {};
    const end = nowMs() + params.seconds * 1000;
    await Promise.all(
      Array.from({ length: params.concurrency }, async (_, loop) => {
        const target = params.targets[loop % params.targets.length];
        if (!target) return;
        let n = 0;
        while (nowMs() < end) {
          const start = nowMs();
          const status = await send(
            target.base,
            target.session,
            "staff",
            target.conversationId,
            `bench ${process.pid}-${loop}-${n++} 0`,
          );
          latencies.push(nowMs() - start);
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
      }),
    );
    return { latencies, statuses };
  },

  /** Open loop: sends at a fixed offered rate whatever the answers' pace, round-robin over targets. */
  async openLoop(params: {
    base: string;
    session: SessionRef;
    conversationIds: string[];
    rate: number;
    seconds: number;
    /** Every n-th send is an internal note (which contacts must never receive). */
    noteEvery: number;
  }) {
    const total = Math.round(params.rate * params.seconds);
    const start = nowMs() + 100;
    const sent: { token: string; conversationId: string; internal: boolean; status: number }[] = [];
    const statuses: Record<number, number> = {};
    let behind = 0;
    const inFlight: Promise<void>[] = [];
    for (let index = 0; index < total; index++) {
      const scheduled = start + (index * 1000) / params.rate;
      const wait = scheduled - nowMs();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      else if (wait < -5) behind += 1;
      const conversationId = params.conversationIds[index % params.conversationIds.length] ?? "";
      const internal = params.noteEvery > 0 && index % params.noteEvery === params.noteEvery - 1;
      const token = `${process.pid}-${openLoopSends++}`;
      const entry = { token, conversationId, internal, status: 0 };
      sent.push(entry);
      inFlight.push(
        send(
          params.base,
          params.session,
          "staff",
          conversationId,
          `bench ${token} ${scheduled}`,
          internal,
        ).then((status) => {
          entry.status = status;
          statuses[status] = (statuses[status] ?? 0) + 1;
        }),
      );
    }
    await Promise.all(inFlight);
    return { sent, statuses, behind };
  },

  /** Opens signed-in sockets (a few at a time, as people arrive) and resolves once all are ready. */
  async openSockets(params: {
    base: string;
    entries: { session: SessionRef; conversationIds: string[] | null }[];
  }) {
    const url = `${params.base.replace(/^http/, "ws")}/api/realtime`;
    await inBatches(params.entries, 50, (entry) =>
      track(
        url,
        { cookie: entry.session.cookie, origin: entry.session.origin },
        entry.conversationIds,
      ),
    );
    return sockets.length;
  },

  /** Opens plain sockets to the bare `ws` baseline server. */
  async openBare(params: { url: string; count: number }) {
    await inBatches(Array.from({ length: params.count }), 100, () => track(params.url, {}, null));
    return sockets.length;
  },

  /** How many message frames this process's sockets have received so far. */
  received() {
    let count = 0;
    for (const socket of sockets) for (const seen of socket.seen.values()) count += seen;
    return count;
  },

  /** Checks every socket against what it should have received, exactly once. */
  verify(params: { expected: Record<string, string[]>; unknown: string[] }) {
    const unknown = new Set(params.unknown);
    let missing = 0;
    let duplicates = 0;
    let unexpected = 0;
    let notes = 0;
    let checked = 0;
    const latencies: number[] = [];
    for (const socket of sockets) {
      latencies.push(...socket.latencies);
      if (!socket.conversations) continue;
      notes += socket.notes;
      checked += 1;
      const wanted = new Set<string>();
      for (const conversationId of socket.conversations) {
        for (const token of params.expected[conversationId] ?? []) wanted.add(token);
      }
      for (const token of wanted) {
        const count = socket.seen.get(token) ?? 0;
        if (count === 0) missing += 1;
        if (count > 1) duplicates += count - 1;
      }
      for (const token of socket.seen.keys()) {
        if (!wanted.has(token) && !unknown.has(token)) unexpected += 1;
      }
    }
    return { checked, missing, duplicates, unexpected, notes, latencies };
  },

  /** Every latency this process's sockets measured since the last call, and forgets them. */
  takeLatencies() {
    return sockets.flatMap((socket) => socket.latencies.splice(0));
  },

  /** When this process's sockets first received `token`: how many, earliest and latest. */
  arrivals(params: { token: string }) {
    const times = sockets
      .map((socket) => socket.receivedAt.get(params.token))
      .filter((time): time is number => time !== undefined);
    return { count: times.length, first: Math.min(...times), last: Math.max(...times) };
  },

  async closeSockets() {
    for (const socket of sockets) socket.socket.terminate();
    sockets.length = 0;
  },

  /**
   * Timed GETs that take turns request by request (the first target rotating), so every target
   * meets the same moments of a noisy machine; answers each target's latencies, in order.
   */
  async reads(params: {
    base: string;
    targets: { session: SessionRef; path: string }[];
    seconds: number;
  }) {
    const get = async ({ session, path }: { session: SessionRef; path: string }) => {
      const response = await fetch(`${params.base}${path}`, {
        headers: { cookie: session.cookie, origin: session.origin },
      });
      if (!response.ok) throw new Error(`${path}: ${response.status}`);
      await response.arrayBuffer();
    };
    for (let index = 0; index < 20; index++) {
      for (const target of params.targets) await get(target);
    }
    const latencies: number[][] = params.targets.map(() => []);
    const end = nowMs() + params.seconds * 1000;
    for (let turn = 0; nowMs() < end; turn++) {
      for (let step = 0; step < params.targets.length; step++) {
        const index = (turn + step) % params.targets.length;
        const target = params.targets[index];
        if (!target) continue;
        const start = nowMs();
        await get(target);
        latencies[index]?.push(nowMs() - start);
      }
    }
    return latencies;
  },
});
