import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase } from "../../src/server/db/connect.js";
import { seedFirm } from "../../test/cluster-seed.js";
import { createScratchDatabase } from "../../test/processes.js";
import { startPortico } from "../lib/cluster.js";
import type { BenchContext, BenchResult } from "../lib/context.js";
import { startLoadProcess } from "../lib/rpc.js";
import { ms, percentile } from "../lib/stats.js";

const pgbenchBinary = () => {
  if (spawnSync("pgbench", ["--version"]).status === 0) return "pgbench";
  const versions = readdirSync("/usr/lib/postgresql").sort().reverse();
  return join("/usr/lib/postgresql", versions[0] ?? "", "bin", "pgbench");
};

/** pgbench with one single-row INSERT per transaction: the rate PostgreSQL itself reaches here. */
export function runPgbench(url: string, clients: number, seconds: number) {
  const dir = mkdtempSync(join(tmpdir(), "portico-pgbench-"));
  try {
    const script = join(dir, "insert.sql");
    writeFileSync(
      script,
      `insert into bench_baseline (conversation_id, body) values ('${crypto.randomUUID()}', '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hello from the benchmark"}]}]}');\n`,
    );
    const run = spawnSync(
      pgbenchBinary(),
      [
        "-n",
        "-c",
        String(clients),
        "-j",
        String(clients),
        "-T",
        String(seconds),
        "-f",
        script,
        url,
      ],
      { cwd: dir, encoding: "utf8" },
    );
    if (run.status !== 0) throw new Error(`pgbench failed: ${run.stderr}`);
    const tps = Number(/tps = ([\d.]+)/.exec(run.stdout)?.[1] ?? 0);
    const average = Number(/latency average = ([\d.]+) ms/.exec(run.stdout)?.[1] ?? 0);
    return { tps, average };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type DatabaseCounters = {
  xact_commit: number;
  tup_inserted: number;
  tup_updated: number;
  tup_fetched: number;
};

/** PostgreSQL's own counters for the scratch database (flushed about once a second). */
async function databaseCounters(url: string): Promise<DatabaseCounters> {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(
    "select xact_commit, tup_inserted, tup_updated, tup_fetched from pg_stat_database where datname = current_database()",
  );
  await client.end();
  const row = rows[0] ?? {};
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, Number(value)]),
  ) as DatabaseCounters;
}

export async function createBaselineTable(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    "create table if not exists bench_baseline (id bigserial primary key, conversation_id uuid, body jsonb)",
  );
  await client.end();
}

/** Messages/s through the HTTP API against pgbench's single-row INSERT rate, same clients. */
export async function sendBenchmark(context: BenchContext): Promise<BenchResult> {
  const clients = context.smoke ? 2 : 4;
  const seconds = context.smoke ? 1 : 10;
  const scratch = await createScratchDatabase("portico_bench", context.postgresUrl);
  const portico = await startPortico({
    databaseUrl: scratch.url,
    secret: context.secret,
    nodeArgs: context.serverNodeArgs,
  });
  const database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 2 });
  const loads = [startLoadProcess(), startLoadProcess()];
  try {
    const base = portico.servers[0]?.url ?? "";
    const firm = await seedFirm(database.db, {
      clientAddresses: true,
      base,
      publicUrl: portico.publicUrl,
      staffCount: 1,
      clientCount: clients,
      contactsPerClient: 0,
    });
    const session = firm.staff[0]?.session;
    if (!session) throw new Error("no staff");
    await createBaselineTable(scratch.url);
    const baseline = runPgbench(scratch.url, clients, seconds);

    // Each sender writes to its own conversation, as people do; the load is split over two processes.
    const targets = firm.clients.map((client) => ({
      base,
      session,
      conversationId: client.allContacts.id,
    }));
    const perProcess = Math.max(1, clients / loads.length);
    const before = await databaseCounters(scratch.url);
    const runs = await Promise.all(
      loads.map((load, index) =>
        load.call<{ latencies: number[]; statuses: Record<string, number> }>("sendLoop", {
          targets: targets.slice(index * perProcess, (index + 1) * perProcess),
          concurrency: perProcess,
          seconds,
        }),
      ),
    );
    const after = await databaseCounters(scratch.url);
    const latencies = runs.flatMap((run) => run.latencies);
    const perSend = (key: keyof DatabaseCounters) =>
      ((after[key] - before[key]) / Math.max(1, latencies.length)).toFixed(1);
    const statuses: Record<string, number> = {};
    for (const run of runs) {
      for (const [status, count] of Object.entries(run.statuses)) {
        statuses[status] = (statuses[status] ?? 0) + count;
      }
    }
    const rate = latencies.length / seconds;
    const ratio = rate / baseline.tps;
    const failures = Object.entries(statuses).filter(([status]) => status !== "201");
    return {
      title: `Send (${clients} clients, ${seconds} s, PostgreSQL)`,
      lines: [
        `- baseline \`pgbench\` one-row INSERT, ${clients} clients: ${baseline.tps.toFixed(0)}/s (average ${ms(baseline.average)})`,
        `- API send: ${rate.toFixed(0)}/s, p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}`,
        `- **ratio API / pgbench: ${ratio.toFixed(2)}** (target ≥ 0.5; p99 target ≤ 50 ms)`,
        `- PostgreSQL's counters per API send (the whole server, sign-in checks included): ${perSend("xact_commit")} transactions, ${perSend("tup_inserted")} rows inserted, ${perSend("tup_updated")} updated, ${perSend("tup_fetched")} fetched`,
      ],
      problems: failures.map(([status, count]) => `send answered ${status} ${count} times`),
    };
  } finally {
    await Promise.all(loads.map((load) => load.stop()));
    await database.close();
    await portico.stop();
    await scratch.drop();
  }
}
