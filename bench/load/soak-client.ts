import { createHash, randomBytes } from "node:crypto";
import WebSocket from "ws";
import type { Attachment } from "../../src/shared/api/files.js";
import type { Message, MessagePage } from "../../src/shared/api/messaging.js";
import { serveCalls } from "../lib/rpc.js";

/**
 * Soak load process: simulated browser tabs, each with a socket and a view of the conversations
 * on its screen, kept as the web app keeps it (refetch on every `ready`, then apply events). They
 * send (some with an uploaded file, read back at once), edit, delete, read and reconnect at
 * random; at the end each view is compared with a fresh fetch.
 */

type SessionRef = { cookie: string; origin: string };
type Person = {
  session: SessionRef;
  side: "staff" | "contact";
  /** The client whose conversations these are; a contact's upload names it. */
  clientId: string;
  conversations: string[];
};
type Stored = { id: string; seq: number; version: number; text: string };
type Tab = {
  person: Person;
  bases: string[];
  /** The process this tab's load balancer picks; `baseIndex` moves off it while it is down. */
  home: number;
  baseIndex: number;
  socket: WebSocket | null;
  views: Map<string, Map<string, Stored>>;
  /**
   * Per conversation, the oldest message the view's page holds when older ones exist (else 0):
   * the view is complete from there on. A deletion brings older messages into a fresh newest
   * page that the view never loaded, as the app would only on scrolling up.
   */
  loadedFrom: Map<string, number>;
  /** Events that arrived while a refetch was on its way, applied after it. */
  queued: Frame[] | null;
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
  uploads: 0,
  /** Uploaded files whose download, through either process, differed from what was sent. */
  uploadsChanged: 0,
};

const textOf = (message: Message) =>
  JSON.stringify(message.body).length.toString() +
  JSON.stringify(message.body).slice(0, 200) +
  message.attachments.map((file) => ` +${file.id}`).join("");
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

/**
 * One HTTP call, with a JSON payload or a form; connection failures (a process restarting) are
 * retried, 5xx are counted.
 */
async function call(tab: Tab, method: string, path: string, payload?: unknown): Promise<Response> {
  const form = payload instanceof FormData;
  for (let attempt = 0; ; attempt++) {
    const base = tab.bases[(tab.baseIndex + attempt) % tab.bases.length] ?? "";
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          origin: tab.person.session.origin,
          cookie: tab.person.session.cookie,
          ...(payload === undefined || form ? {} : { "content-type": "application/json" }),
        },
        body: payload === undefined || form ? payload : JSON.stringify(payload),
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
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * Uploads a small PDF (4–64 KB) and answers its attachment id, after checking that downloading
 * it gives back the same bytes; null (and counted against the run) if the upload was refused.
 */
async function uploadChecked(tab: Tab, label: string): Promise<string | null> {
  const bytes = randomBytes(4096 + Math.floor(Math.random() * 60 * 1024));
  bytes.write("%PDF-1.7\n", "latin1");
  const form = new FormData();
  form.append("file", new Blob([bytes], { type: "application/pdf" }), `${label}.pdf`);
  const path =
    tab.person.side === "staff"
      ? "/api/uploads"
      : `/api/portal/uploads?clientId=${tab.person.clientId}`;
  const response = await call(tab, "POST", path, form);
  stats.uploads += 1;
  if (response.status !== 201) {
    // A valid PDF refused is a file that did not come back either.
    stats.uploadsChanged += 1;
    await response.arrayBuffer();
    return null;
  }
  const attachment = (await response.json()) as Attachment;
  const back = await call(tab, "GET", `${api(tab)}/attachments/${attachment.id}`);
  const returned = new Uint8Array(await back.arrayBuffer());
  if (back.status !== 200 || sha256(returned) !== sha256(bytes)) stats.uploadsChanged += 1;
  return attachment.id;
}

async function fetchPage(tab: Tab, conversationId: string): Promise<MessagePage> {
  const response = await call(tab, "GET", `${api(tab)}/conversations/${conversationId}/messages`);
  if (!response.ok) throw new Error(`page ${response.status}`);
  return (await response.json()) as MessagePage;
}

function apply(tab: Tab, frame: Frame) {
  const conversationId = frame.data?.conversationId as string | undefined;
  const view = conversationId ? tab.views.get(conversationId) : undefined;
  if (frame.type === "message.created" || frame.type === "message.updated") {
    const message = frame.data?.message as Message;
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
      const { messages, hasOlder } = await fetchPage(tab, conversationId);
      tab.loadedFrom.set(conversationId, hasOlder ? (messages[0]?.seq ?? 0) : 0);
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
    const createdHere = new Set<string>();
    let settled = false;
    const done = () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      // Checked on every socket, even one being replaced: no note may reach a contact, and no
      // socket may get the same message twice.
      if (frame.type === "message.created" || frame.type === "message.updated") {
        const message = frame.data?.message as Message;
        if (tab.person.side === "contact" && message.internal) stats.notesAtContacts += 1;
        if (frame.type === "message.created") {
          if (createdHere.has(message.id)) stats.duplicates += 1;
          createdHere.add(message.id);
        }
      }
      // Frames still arriving on a socket being closed are not this tab's view's any more.
      if (tab.socket !== socket) return;
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
    // One send in four carries a file, as a client sending a statement does.
    const fileId = Math.random() < 0.25 ? await uploadChecked(tab, label) : null;
    const response = await call(
      tab,
      "POST",
      `${api(tab)}/conversations/${conversationId}/messages`,
      {
        id: crypto.randomUUID(),
        body: body(`${label} says ${Math.random().toString(36).slice(2)}`),
        ...(internal ? { internal: true } : {}),
        ...(fileId ? { attachmentIds: [fileId] } : {}),
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
    const { messages } = await fetchPage(tab, conversationId);
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
          loadedFrom: new Map(),
          queued: null,
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
        const fresh = (await fetchPage(tab, conversationId)).messages;
        // Where both are complete: the fresh page's oldest message, or the view's, if later.
        const from = Math.max(fresh[0]?.seq ?? 0, tab.loadedFrom.get(conversationId) ?? 0);
        const view = [...(tab.views.get(conversationId)?.values() ?? [])].filter(
          (message) => message.seq >= from,
        );
        const want = fresh
          .filter((message) => message.seq >= from)
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
