// `npm run bench`: measures Portico against baselines taken in the same run on the same
// machine, and reports ratios (absolute times on a shared machine say little on their own).
// Needs PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { buildApp } from "../src/server/app.js";
import { loadConfig } from "../src/server/config.js";
import { openDatabase } from "../src/server/db/connect.js";
import { createFileStorage } from "../src/server/files/create-storage.js";
import { createMemoryEventBus } from "../src/server/realtime/event-bus.js";
import { buildClient, buildFirm, buildStaff, TEST_PASSWORD } from "../test/factories.js";

const serverUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 200_000);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** Runs `work` from `clients` concurrent loops for `seconds`; returns per-call latencies (ms). */
async function closedLoop(clients: number, seconds: number, work: () => Promise<void>) {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const start = performance.now();
        await work();
        latencies.push(performance.now() - start);
      }
    }),
  );
  return { latencies, rate: latencies.length / seconds };
}

async function withScratchDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const name = `portico_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    return await run(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

const body = (text: string) => ({
  type: "doc",
  content: [{ type: "paragraph", content: [{ type: "text", text }] }],
});

async function main() {
  const lines: string[] = [];
  const report = (line: string) => {
    console.log(line);
    lines.push(line);
  };

  await withScratchDatabase(async (url) => {
    const database = await openDatabase({ kind: "postgres", url, poolSize: 10 });
    const db = database.db;
    const config = {
      ...loadConfig({ DATA_DIR: "/tmp/portico-bench", AUTH_SECRET: "b".repeat(40) }),
      logLevel: "silent" as const,
      signInRateLimit: 1000,
      // The benchmark sends as fast as it can as one person: that is what these limits stop.
      messageSendRateLimit: 1_000_000_000,
      messageEditRateLimit: 1_000_000_000,
    };
    const bus = createMemoryEventBus();
    const storage = createFileStorage(config.fileStorage);
    const app = await buildApp({ config, db, bus, storage });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as { port: number };
    const base = `http://127.0.0.1:${port}`;

    const firm = await buildFirm(db);
    const member = await buildStaff(db, firm);
    const signIn = await fetch(`${base}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ email: member.email, password: TEST_PASSWORD }),
    });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const headers = { "content-type": "application/json", origin: base, cookie };
    const post = async (path: string, payload: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify(payload),
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<{ id: string }>;
    };
    const get = async (path: string) => {
      const response = await fetch(`${base}${path}`, { headers });
      if (!response.ok) throw new Error(`${path}: ${response.status}`);
      await response.arrayBuffer();
    };

    // --- Send: API messages/s against raw single-row INSERTs, same number of clients ---
    const raw = new pg.Pool({ connectionString: url, max: CLIENTS });
    await raw.query(
      "create table bench_baseline (id bigserial primary key, conversation_id uuid, body jsonb)",
    );
    const baseline = await closedLoop(CLIENTS, SECONDS, async () => {
      await raw.query("insert into bench_baseline (conversation_id, body) values ($1, $2)", [
        firm.id,
        JSON.stringify(body("baseline")),
      ]);
    });
    // Each sender writes to its own conversation, as people do; one shared thread is measured too.
    const conversationIds: string[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const client = await buildClient(db, firm);
      const created = await post(`/api/clients/${client.id}/conversations`, {
        kind: "all_contacts",
      });
      conversationIds.push(created.id);
    }
    let next = 0;
    const sends = await closedLoop(CLIENTS, SECONDS, async () => {
      const conversationId = conversationIds[next++ % CLIENTS];
      await post(`/api/conversations/${conversationId}/messages`, {
        id: crypto.randomUUID(),
        body: body("Hello from the benchmark"),
      });
    });
    const sharedThread = await closedLoop(CLIENTS, SECONDS, async () => {
      await post(`/api/conversations/${conversationIds[0]}/messages`, {
        id: crypto.randomUUID(),
        body: body("Hello from the benchmark"),
      });
    });
    await raw.end();
    report(`## Send (${CLIENTS} clients, ${SECONDS} s each, PostgreSQL)`);
    report(`- baseline raw INSERT: ${baseline.rate.toFixed(0)}/s`);
    report(
      `- API send: ${sends.rate.toFixed(0)}/s, p50 ${percentile(sends.latencies, 50).toFixed(1)} ms, p99 ${percentile(sends.latencies, 99).toFixed(1)} ms`,
    );
    report(
      `- **ratio API / raw: ${(sends.rate / baseline.rate).toFixed(2)}** (target ≥ 0.5; p99 target ≤ 50 ms)`,
    );
    report(
      `- all ${CLIENTS} clients in one thread (its row serializes numbering): ${sharedThread.rate.toFixed(0)}/s, p99 ${percentile(sharedThread.latencies, 99).toFixed(1)} ms, ratio ${(sharedThread.rate / baseline.rate).toFixed(2)}`,
    );

    // --- History independence: the same reads at 1,000 and at HISTORY messages ---
    async function clientWithHistory(count: number) {
      const client = await buildClient(db, firm);
      const created = await post(`/api/clients/${client.id}/conversations`, {
        kind: "all_contacts",
      });
      const pool = new pg.Client({ connectionString: url });
      await pool.connect();
      await pool.query(
        `insert into messages (id, firm_id, conversation_id, seq, public_seq, author_kind, author_staff_id, internal, body, body_text)
         select gen_random_uuid(), $1, $2, n, n, 'contact', null, false, $3::jsonb, 'history ' || n
         from generate_series(1, $4::int) as n`,
        [firm.id, created.id, JSON.stringify(body("history")), count],
      );
      await pool.query(
        "update conversations set last_seq = $2, last_public_seq = $2 where id = $1",
        [created.id, count],
      );
      await pool.query("analyze messages");
      await pool.end();
      return { clientId: client.id, conversationId: created.id };
    }
    const small = await clientWithHistory(1_000);
    const large = await clientWithHistory(HISTORY);
    const p95Of = async (path: string) => {
      for (let i = 0; i < 20; i++) await get(path); // warm up
      const { latencies } = await closedLoop(1, 3, () => get(path));
      return percentile(latencies, 95);
    };
    report(`\n## History independence (1,000 vs ${HISTORY.toLocaleString("en")} messages, p95)`);
    for (const [label, path] of [
      [
        "conversation list with unread counts",
        (c: typeof small) => `/api/clients/${c.clientId}/conversations`,
      ],
      [
        "newest page of the thread",
        (c: typeof small) => `/api/conversations/${c.conversationId}/messages`,
      ],
    ] as const) {
      const smallP95 = await p95Of(path(small));
      const largeP95 = await p95Of(path(large));
      report(
        `- ${label}: ${smallP95.toFixed(2)} ms vs ${largeP95.toFixed(2)} ms — **ratio ${(largeP95 / smallP95).toFixed(2)}** (target ≤ 1.3)`,
      );
    }

    await app.close();
    await storage.close();
    await bus.close();
    await database.close();
  });

  const stamp = new Date().toISOString();
  writeFileSync(
    join(import.meta.dirname, "RESULTS.md"),
    `# Last benchmark results\n\nRun ${stamp} with \`npm run bench\` (machine shared; compare ratios, not times).\n\n${lines.join("\n")}\n`,
  );
}

await main();
