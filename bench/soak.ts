// `npm run soak`: two server processes (one PostgreSQL, one Redis, all on 127.0.0.1) under 500
// sockets doing mixed sends (some with an uploaded file), edits, deletes, reads and reconnects for
// a bounded time (default 2 minutes: `--seconds N`), with one process restarted a quarter of the
// way in. At the end every tab's view must equal a fresh fetch, every file must come back as it
// was sent, no event may arrive twice, no contact may see a note, no answer may be a 5xx, and the
// server that was not restarted must hold its memory flat over the second half.
// `--smoke` (part of `npm test`): 100 sockets for 10 s, every check but memory (too short to
// tell), nothing written to RESULTS.md.

import { execSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/server/db/connect.js";
import { seedFirm } from "../test/cluster-seed.js";
import {
  createScratchDatabase,
  defaultPostgresUrl,
  freePort,
  type RunningServer,
  startRedisServer,
  startServer,
} from "../test/processes.js";
import { rssKB } from "./lib/cluster.js";
import { startLoadProcess } from "./lib/rpc.js";

const args = process.argv.slice(2);
const secondsArg = args.indexOf("--seconds");
const smoke = args.includes("--smoke");
const seconds = Number(
  secondsArg >= 0 ? args[secondsArg + 1] : (process.env.SOAK_SECONDS ?? (smoke ? 10 : 120)),
);
const tabsPerPerson = smoke ? 2 : 10;
const rate = 30;
const postgresUrl =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || defaultPostgresUrl;

type Compared = {
  compared: number;
  mismatches: number;
  examples: string[];
  stats: {
    statuses: Record<string, number>;
    networkRetries: number;
    duplicates: number;
    notesAtContacts: number;
    reconnects: number;
    readies: number;
    uploads: number;
    uploadsChanged: number;
  };
};

async function main() {
  const startedAt = new Date().toISOString();
  const scratch = await createScratchDatabase("portico_soak", postgresUrl);
  const redis = await startRedisServer();
  const dataDir = await mkdtemp(join(tmpdir(), "portico-soak-"));
  const [portA, portB] = [await freePort(), await freePort()];
  const publicUrl = `http://127.0.0.1:${portA}`;
  const env = {
    DATABASE_URL: scratch.url,
    REDIS_URL: redis.url,
    PUBLIC_URL: publicUrl,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    SIGN_IN_RATE_LIMIT: "100000",
    MESSAGE_SEND_RATE_LIMIT: "100000",
    MESSAGE_EDIT_RATE_LIMIT: "100000",
    TRUST_PROXY: "1",
  };
  const processA = await startServer({ port: portA, dataDir, env });
  let processB: RunningServer = await startServer({ port: portB, dataDir, env });
  const database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 2 });
  const loads = [startLoadProcess("soak-client.ts"), startLoadProcess("soak-client.ts")];
  const samples: { at: number; a: number; b: number }[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    const firm = await seedFirm(database.db, {
      clientAddresses: true,
      base: processA.url,
      acceptBase: processB.url,
      publicUrl,
      staffCount: 10,
      clientCount: 10,
      contactsPerClient: 4,
    });
    // Each staff member has one client's conversations on screen; each contact their two.
    const people = [
      ...firm.staff.map((member, index) => {
        const client = firm.clients[index % firm.clients.length];
        return {
          session: member.session,
          side: "staff" as const,
          clientId: client?.clientId ?? "",
          conversations: client
            ? [client.allContacts.id, ...client.contacts.map((contact) => contact.direct.id)]
            : [],
        };
      }),
      ...firm.clients.flatMap((client) =>
        client.contacts.map((contact) => ({
          session: contact.session,
          side: "contact" as const,
          clientId: client.clientId,
          conversations: [client.allContacts.id, contact.direct.id],
        })),
      ),
    ];
    const bases = [processA.url, processB.url];
    const half = Math.ceil(people.length / 2);
    const opened = await Promise.all(
      loads.map((load, index) =>
        load.call<number>("open", {
          people: people.slice(index * half, (index + 1) * half),
          tabsPerPerson,
          bases,
        }),
      ),
    );
    const sockets = opened.reduce((sum, count) => sum + count, 0);
    console.log(`soak: ${sockets} sockets open; running ${seconds} s at ${rate} actions/s`);

    const start = Date.now();
    sampler = setInterval(() => {
      try {
        samples.push({
          at: (Date.now() - start) / 1000,
          a: rssKB(processA.process.pid ?? 0),
          b: rssKB(processB.process.pid ?? 0),
        });
      } catch {
        // Process B is restarting.
      }
    }, 2000);
    const runs = Promise.all(
      loads.map((load) =>
        load.call<{ actions: number; errors: number }>("run", {
          rate: rate / loads.length,
          seconds,
        }),
      ),
    );
    // The restart comes early, so the second half, where memory must stay flat, starts settled.
    await new Promise((resolve) => setTimeout(resolve, (seconds * 1000) / 4));
    console.log("soak: restarting process B");
    await processB.stop("SIGTERM");
    processB = await startServer({ port: portB, dataDir, env });
    const ran = await runs;
    clearInterval(sampler);
    const stillDown = await Promise.all(loads.map((load) => load.call<number>("quiesce")));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const results = await Promise.all(loads.map((load) => load.call<Compared>("compare")));

    const statuses: Record<string, number> = {};
    let duplicates = 0;
    let notes = 0;
    let reconnects = 0;
    let retries = 0;
    let uploads = 0;
    let uploadsChanged = 0;
    for (const result of results) {
      for (const [key, count] of Object.entries(result.stats.statuses)) {
        statuses[key] = (statuses[key] ?? 0) + count;
      }
      duplicates += result.stats.duplicates;
      notes += result.stats.notesAtContacts;
      reconnects += result.stats.reconnects;
      retries += result.stats.networkRetries;
      uploads += result.stats.uploads;
      uploadsChanged += result.stats.uploadsChanged;
    }
    const compared = results.reduce((sum, result) => sum + result.compared, 0);
    const mismatches = results.reduce((sum, result) => sum + result.mismatches, 0);
    const serverErrors = Object.entries(statuses)
      .filter(([key]) => /\s5\d\d$/.test(key))
      .reduce((sum, [, count]) => sum + count, 0);
    const actions = ran.reduce((sum, run) => sum + run.actions, 0);
    const actionErrors = ran.reduce((sum, run) => sum + run.errors, 0);
    const second = samples.filter((sample) => sample.at >= seconds / 2);
    const mid = Math.floor(second.length / 2);
    const mean = (values: number[]) =>
      values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
    const earlier = mean(second.slice(0, mid).map((sample) => sample.a));
    const later = mean(second.slice(mid).map((sample) => sample.a));
    const flat = later <= earlier * 1.1 + 10 * 1024;
    const problems = [
      ...(mismatches ? [`${mismatches} of ${compared} views differ from a fresh fetch`] : []),
      ...(duplicates ? [`${duplicates} events arrived twice`] : []),
      ...(notes ? [`${notes} notes reached contacts`] : []),
      ...(uploadsChanged ? [`${uploadsChanged} uploaded files did not come back as sent`] : []),
      ...(uploads ? [] : ["no file was uploaded"]),
      ...(serverErrors ? [`${serverErrors} answers were 5xx`] : []),
      ...(actionErrors ? [`${actionErrors} actions failed outright`] : []),
      ...(stillDown.some((count) => count > 0) ? ["some sockets never reconnected"] : []),
      ...(flat || smoke ? [] : ["server memory grew over the second half"]),
    ];
    const commit = execSync("git rev-parse --short HEAD", { encoding: "utf8" }).trim();
    const lines = [
      `## Soak (${seconds} s, ${sockets} sockets on two processes sharing PostgreSQL and Redis, process B restarted a quarter of the way in)`,
      `Run ${startedAt} at commit ${commit}, on ${cpus().length} cores, ${(totalmem() / 1024 ** 3).toFixed(1)} GB memory.`,
      `- ${actions} actions (sends, some with a file, edits, deletes, reads, reconnects) at ${rate}/s offered; answers: ${Object.entries(
        statuses,
      )
        .sort()
        .map(([key, count]) => `${key} ×${count}`)
        .join(", ")}`,
      `- ${reconnects} reconnects, ${retries} requests retried while a process restarted`,
      `- files uploaded (one send in four): ${uploads}, each downloaded at once; stored and the same bytes back: ${uploads - uploadsChanged} of ${uploads}`,
      `- views equal to a fresh fetch: ${compared - mismatches} of ${compared}; events twice: ${duplicates}; notes at contacts: ${notes}; 5xx: ${serverErrors}${results
        .flatMap((result) => result.examples)
        .map((example) => `; ${example}`)
        .join("")}`,
      `- process A RSS over the second half: ${(earlier / 1024).toFixed(0)} MB → ${(later / 1024).toFixed(0)} MB (${flat ? "flat" : "grew"})`,
      problems.length ? `- ✗ ${problems.join("; ")}` : "- ✓ all checks held",
    ];
    console.log(lines.join("\n"));
    if (!smoke) writeSoakSection(lines.join("\n"));
    process.exitCode = problems.length ? 1 : 0;
  } finally {
    if (sampler) clearInterval(sampler);
    await Promise.all(loads.map((load) => load.stop()));
    await Promise.all([processA.stop(), processB.stop()]);
    await database.close();
    await scratch.drop();
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Replaces the soak section of RESULTS.md (the benchmarks keep it when they rewrite the rest). */
function writeSoakSection(section: string) {
  const path = join(import.meta.dirname, "RESULTS.md");
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    text = "# Last benchmark results\n";
  }
  const start = text.indexOf("\n## Soak");
  const notes = text.indexOf("\n## Notes");
  const before = start >= 0 ? text.slice(0, start) : notes >= 0 ? text.slice(0, notes) : text;
  const after = notes >= 0 ? text.slice(notes) : "";
  writeFileSync(path, `${before.trimEnd()}\n\n${section}\n${after}`);
}

await main();
