import WebSocket from "ws";
import type { Message, MessagePage } from "../../src/shared/api/messaging.js";
import { serveCalls } from "../lib/rpc.js";

/**
 * Soak load process: simulated browser tabs, each with a socket and a view of the conversations
 * on its screen, kept as the web app keeps it (refetch on every `ready`, then apply events). They
 * send, edit, delete, read and reconnect at random; at the end each view is compared with a
 * fresh fetch.
 */

type SessionRef = { cookie: string; origin: string };
type Person = { session: SessionRef; side: "staff" | "contact"; conversations: string[] };
type Stored = { id: string; seq: number; version: number; text: string };
type Tab = {
  person: Person;
  bases: string[];
  /** The process this tab's load balancer picks; `baseIndex` moves off it while it is down. */
  home: number;
  baseIndex: number;
  socket: WebSocket | null;
  views: Map<string, Map<string, Stored>>;
  /** Events that arrived while a refetch was on its way, applied after it. */
  queued: Frame[] | null;
  createdOnThisSocket: Set<string>;
  stopped: boolean;
};
type Frame = { type: string; data?: Record<string, unknown> };

const tabs: Tab[] = [];
const own = new Map<SessionRef, { id: string; version: number }[]>();
const stats = {
  statuses: {} as Record<string, number>,
  networkRetries: 0,
  duplicates: 0,
  notesAtContacts: 0,
  reconnects: 0,
  readies: 0,
};

const textOf = (message: Message) =>
  JSON.stringify(message.body).length.toString() + JSON.stringify(message.body).slice(0, 200);
const storedOf = (message: Message): Stored => ({
  id: message.id,
  seq: message.seq,
  version: message.version,
  text: textOf(message),
});
const body = (text: string) => ({
  type: "doc",
  content: [{ type: "paragraph", content: [{ type: "text", text }] }],
});
const pick = <T>(items: T[]): T | undefined => items[Math.floor(Math.random() * items.length)];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One HTTP call; connection failures (a process restarting) are retried, 5xx are counted. */
async function call(tab: Tab, method: string, path: string, payload?: unknown): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const base = tab.bases[(tab.baseIndex + attempt) % tab.bases.length] ?? "";
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          origin: tab.person.session.origin,
          cookie: tab.person.session.cookie,
          ...(payload === undefined ? {} : { "content-type": "application/json" }),
        },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
      const key = `${method} ${response.status}`;
      stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
      return response;
    } catch (error) {
      if (attempt >= 20) throw error;
      stats.networkRetries += 1;
      await sleep(250);
    }
  }
}

const api = (tab: Tab) => (tab.person.side === "staff" ? "/api" : "/api/portal");

async function fetchPage(tab: Tab, conversationId: string): Promise<Message[]> {
  const response = await call(tab, "GET", `${api(tab)}/conversations/${conversationId}/messages`);
  if (!response.ok) throw new Error(`page ${response.status}`);
  return ((await response.json()) as MessagePage).messages;
}

function apply(tab: Tab, frame: Frame) {
  const conversationId = frame.data?.conversationId as string | undefined;
  const view = conversationId ? tab.views.get(conversationId) : undefined;
  if (frame.type === "message.created" || frame.type === "message.updated") {
    const message = frame.data?.message as Message;
    if (tab.person.side === "contact" && message.internal) stats.notesAtContacts += 1;
    if (frame.type === "message.created") {
      if (tab.createdOnThisSocket.has(message.id)) stats.duplicates += 1;
      tab.createdOnThisSocket.add(message.id);
    }
    if (!view) return;
    const current = view.get(message.id);
    if (!current || current.version <= message.version) view.set(message.id, storedOf(message));
  } else if (frame.type === "message.deleted" && view) {
    view.delete(frame.data?.messageId as string);
  }
}

async function refetch(tab: Tab) {
  tab.queued = [];
  try {
    for (const conversationId of tab.person.conversations) {
      const messages = await fetchPage(tab, conversationId);
      tab.views.set(
        conversationId,
        new Map(messages.map((message) => [message.id, storedOf(message)])),
      );
    }
  } finally {
    const queued = tab.queued ?? [];
    tab.queued = null;
    for (const frame of queued) apply(tab, frame);
  }
}

function connect(tab: Tab): Promise<void> {
  return new Promise((resolve) => {
    const base = tab.bases[tab.baseIndex % tab.bases.length] ?? "";
    const socket = new WebSocket(`${base.replace(/^http/, "ws")}/api/realtime`, {
      headers: { cookie: tab.person.session.cookie, origin: tab.person.session.origin },
      perMessageDeflate: false,
    });
    tab.socket = socket;
    tab.createdOnThisSocket = new Set();
    let settled = false;
    const done = () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.type === "ready") {
        stats.readies += 1;
        void refetch(tab).then(done, done);
      } else if (tab.queued) {
        tab.queued.push(frame);
      } else {
        apply(tab, frame);
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      done();
      if (tab.socket !== socket || tab.stopped) return;
      // The process went away (a restart): reconnect, to the other process first.
      tab.baseIndex += 1;
      stats.reconnects += 1;
      setTimeout(() => void connect(tab), 200 + Math.random() * 300);
    });
  });
}

async function act(tab: Tab, label: string) {
  const conversationId = pick(tab.person.conversations) ?? "";
  const mine = own.get(tab.person.session) ?? [];
  own.set(tab.person.session, mine);
  const roll = Math.random();
  if (roll < 0.4) {
    const internal = tab.person.side === "staff" && Math.random() < 0.2;
    const response = await call(
      tab,
      "POST",
      `${api(tab)}/conversations/${conversationId}/messages`,
      {
        id: crypto.randomUUID(),
        body: body(`${label} says ${Math.random().toString(36).slice(2)}`),
        ...(internal ? { internal: true } : {}),
      },
    );
    if (response.status === 201) {
      const message = (await response.json()) as Message;
      mine.push({ id: message.id, version: message.version });
    } else await response.arrayBuffer();
  } else if (roll < 0.55 && mine.length > 0) {
    const target = pick(mine);
    if (!target) return;
    const response = await call(tab, "PATCH", `${api(tab)}/messages/${target.id}`, {
      body: body(`${label} edited ${Math.random().toString(36).slice(2)}`),
      version: target.version,
    });
    if (response.ok) target.version = ((await response.json()) as Message).version;
    else await response.arrayBuffer();
  } else if (roll < 0.65 && mine.length > 0) {
    const index = Math.floor(Math.random() * mine.length);
    const target = mine[index];
    if (!target) return;
    mine.splice(index, 1);
    const response = await call(tab, "DELETE", `${api(tab)}/messages/${target.id}`);
    await response.arrayBuffer();
  } else if (roll < 0.9) {
    const messages = await fetchPage(tab, conversationId);
    const last = messages.at(-1);
    if (last) {
      const response = await call(tab, "POST", `${api(tab)}/conversations/${conversationId}/read`, {
        seq: last.seq,
      });
      await response.arrayBuffer();
    }
  } else {
    // A reconnect, as a laptop waking up: close, and open again on its usual process.
    const old = tab.socket;
    tab.socket = null;
    old?.close();
    tab.baseIndex = tab.home;
    stats.reconnects += 1;
    await connect(tab);
  }
}

let running = true;

serveCalls({
  async open(params: { people: Person[]; tabsPerPerson: number; bases: string[] }) {
    for (const [index, person] of params.people.entries()) {
      for (let tab = 0; tab < params.tabsPerPerson; tab++) {
        tabs.push({
          person,
          bases: params.bases,
          home: index + tab,
          baseIndex: index + tab,
          socket: null,
          views: new Map(),
          queued: null,
          createdOnThisSocket: new Set(),
          stopped: false,
        });
      }
    }
    for (let index = 0; index < tabs.length; index += 25) {
      await Promise.all(tabs.slice(index, index + 25).map((tab) => connect(tab)));
    }
    return tabs.length;
  },

  /** Acts at `rate` actions per second (spread over the tabs) for `seconds`. */
  async run(params: { rate: number; seconds: number }) {
    const end = Date.now() + params.seconds * 1000;
    const inFlight = new Set<Promise<void>>();
    let errors = 0;
    let count = 0;
    while (running && Date.now() < end) {
      const tab = pick(tabs);
      if (tab) {
        const action: Promise<void> = act(tab, `tab-${count}`)
          .catch(() => {
            errors += 1;
          })
          .finally(() => inFlight.delete(action));
        inFlight.add(action);
      }
      count += 1;
      await sleep(1000 / params.rate);
    }
    await Promise.all(inFlight);
    return { actions: count, errors };
  },

  /** Waits until every tab is connected and no refetch is on its way. */
  async quiesce() {
    running = false;
    for (let attempt = 0; attempt < 120; attempt++) {
      const busy = tabs.filter(
        (tab) => tab.socket?.readyState !== WebSocket.OPEN || tab.queued !== null,
      ).length;
      if (busy === 0) return 0;
      await sleep(250);
    }
    return tabs.filter((tab) => tab.socket?.readyState !== WebSocket.OPEN).length;
  },

  /** Compares every tab's view with a fresh fetch of the newest page of each conversation. */
  async compare() {
    let mismatches = 0;
    let compared = 0;
    const examples: string[] = [];
    for (const tab of tabs) {
      if (tab.queued) await sleep(500);
      for (const conversationId of tab.person.conversations) {
        const fresh = await fetchPage(tab, conversationId);
        const oldest = fresh[0]?.seq ?? 0;
        const view = [...(tab.views.get(conversationId)?.values() ?? [])].filter(
          (message) => message.seq >= oldest,
        );
        const want = fresh
          .map(storedOf)
          .map((m) => `${m.id}@${m.version}:${m.text}`)
          .sort();
        const have = view.map((m) => `${m.id}@${m.version}:${m.text}`).sort();
        compared += 1;
        if (JSON.stringify(want) !== JSON.stringify(have)) {
          mismatches += 1;
          if (examples.length < 3) {
            examples.push(
              `${tab.person.side} ${conversationId}: missing ${want.filter((w) => !have.includes(w)).length}, extra ${have.filter((h) => !want.includes(h)).length}`,
            );
          }
        }
      }
    }
    for (const tab of tabs) {
      tab.stopped = true;
      tab.socket?.terminate();
    }
    return { compared, mismatches, examples, stats };
  },
});
