// `npm run bench`: measures Portico against baselines taken in the same run on the same machine
// and prints ratios. The server runs as its own process (the built app, as `npm start` runs it);
// the load runs in other processes. Needs PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL,
// else the local server) and `pgbench`. `--smoke`: tiny sizes, no RESULTS.md, one line
// "N passed, N failed" (a benchmark passes when it ran and its correctness checks held).
// `--only name,name`: some benchmarks. `--cpu-prof`: server CPU profiles into bench/profiles.
import { execSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { defaultPostgresUrl } from "../test/processes.js";
import type { BenchContext, BenchResult } from "./lib/context.js";
import { deliveryBenchmark } from "./suites/delivery.js";
import { fanoutBenchmark } from "./suites/fanout.js";
import { historyBenchmark } from "./suites/history.js";
import { inboxBenchmark } from "./suites/inbox.js";
import { lighthouseBenchmark } from "./suites/lighthouse.js";
import { memoryBenchmark } from "./suites/memory.js";
import { redisBusBenchmark } from "./suites/redis-bus.js";
import { sendBenchmark } from "./suites/send.js";
import { uploadBenchmark } from "./suites/upload.js";
import { webVitalsBenchmark } from "./suites/web-vitals.js";

const benchmarks: Record<string, (context: BenchContext) => Promise<BenchResult>> = {
  send: sendBenchmark,
  delivery: deliveryBenchmark,
  fanout: fanoutBenchmark,
  history: historyBenchmark,
  inbox: inboxBenchmark,
  memory: memoryBenchmark,
  "redis-bus": redisBusBenchmark,
  upload: uploadBenchmark,
  "web-vitals": webVitalsBenchmark,
  lighthouse: lighthouseBenchmark,
};

const args = process.argv.slice(2);
const smoke = args.includes("--smoke");
const onlyIndex = args.indexOf("--only");
const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? "").split(",") : Object.keys(benchmarks);
const postgresUrl =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || defaultPostgresUrl;
const root = join(import.meta.dirname, "..");

async function postgresVersion() {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>("show server_version");
  await client.end();
  return rows[0]?.server_version ?? "?";
}

function machine() {
  const commit = execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8" }).trim();
  // A benchmark's own earlier results are not a change to what it measures.
  const dirty = execSync("git status --porcelain -- . ':!bench/RESULTS.md'", {
    cwd: root,
    encoding: "utf8",
  }).trim();
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? "?",
    memoryGB: (totalmem() / 1024 ** 3).toFixed(1),
    commit: dirty ? `${commit} (with uncommitted changes)` : commit,
    date: new Date().toISOString(),
    node: process.version,
    load: loadavg()[0]?.toFixed(1) ?? "?",
  };
}

async function main() {
  const context: BenchContext = {
    smoke,
    postgresUrl,
    secret: randomBytes(32).toString("base64url"),
    serverNodeArgs: args.includes("--cpu-prof")
      ? ["--cpu-prof", `--cpu-prof-dir=${join(import.meta.dirname, "profiles")}`]
      : [],
  };
  const about = { ...machine(), postgres: await postgresVersion() };
  const header = `Run ${about.date} at commit ${about.commit}, on ${about.cores} cores (${about.cpu}), ${about.memoryGB} GB memory, Node ${about.node}, PostgreSQL ${about.postgres}; load average ${about.load} at the start. The machine is shared: compare ratios, not times.`;
  console.log(header);
  const sections = new Map<string, string>();
  let passed = 0;
  let failed = 0;
  for (const name of only) {
    const run = benchmarks[name];
    if (!run)
      throw new Error(`no benchmark ${name}; there are ${Object.keys(benchmarks).join(", ")}`);
    console.log(`\n▶ ${name}${smoke ? " (smoke)" : ""}`);
    try {
      const result = await run(context);
      const section = [`## ${result.title}`, ...result.lines];
      if (result.problems.length > 0) section.push(`- ✗ ${result.problems.join("; ")}`);
      console.log(section.join("\n"));
      sections.set(name, section.join("\n"));
      if (result.problems.length > 0) failed += 1;
      else passed += 1;
    } catch (error) {
      console.log(`✗ ${name} failed: ${(error as Error).stack ?? error}`);
      sections.set(name, `## ${name}\n- ✗ did not complete: ${(error as Error).message}`);
      failed += 1;
    }
  }
  if (!smoke) writeResults(header, sections);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

/**
 * Writes RESULTS.md: each benchmark's section carries the run it came from, so `--only` replaces
 * just those sections; the soak's result and the hand-written notes (from "## Soak" or
 * "## Notes" on) are kept.
 */
function writeResults(header: string, sections: Map<string, string>) {
  const path = join(import.meta.dirname, "RESULTS.md");
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {}
  const soak = text.indexOf("\n## Soak");
  const tailAt = soak >= 0 ? soak : text.indexOf("\n## Notes");
  const tail = tailAt >= 0 ? text.slice(tailAt) : "";
  const previous = new Map<string, string>();
  for (const part of (tailAt >= 0 ? text.slice(0, tailAt) : text).split("<!-- bench:").slice(1)) {
    const [name = "", ...rest] = part.split(" -->\n");
    previous.set(name, rest.join(" -->\n").trim());
  }
  const body = Object.keys(benchmarks)
    .map((name) => {
      const fresh = sections.get(name);
      const section = fresh ? `${fresh}\n\n_${header}_` : previous.get(name);
      return section ? `<!-- bench:${name} -->\n${section}` : "";
    })
    .filter(Boolean)
    .join("\n\n");
  const results = `# Last benchmark results\n\n${body}\n${tail}`.trimEnd();
  writeFileSync(path, `${results}\n`);
}

await main();
