import { openDatabase } from "../../src/server/db/connect.js";
import { seedFirm } from "../../test/cluster-seed.js";
import { createScratchDatabase, startRedisServer } from "../../test/processes.js";
import { startPortico } from "../lib/cluster.js";
import type { BenchContext, BenchResult } from "../lib/context.js";
import { startLoadProcess } from "../lib/rpc.js";
import { ms, percentile } from "../lib/stats.js";

type Run = { latencies: number[]; statuses: Record<string, number> };

/** Send rate with two processes on the Redis bus against one process on the in-process bus. */
export async function redisBusBenchmark(context: BenchContext): Promise<BenchResult> {
  const clients = context.smoke ? 2 : 4;
  const seconds = context.smoke ? 1 : 10;
  const scratch = await createScratchDatabase("portico_bench", context.postgresUrl);
  const redis = await startRedisServer();
  const loads = [startLoadProcess(), startLoadProcess()];
  const measure = async (
    bases: string[],
    conversations: string[],
    session: { cookie: string; origin: string },
  ) => {
    const targets = conversations.map((conversationId, index) => ({
      base: bases[index % bases.length] ?? "",
      session,
      conversationId,
    }));
    const perProcess = Math.max(1, clients / loads.length);
    const runs = await Promise.all(
      loads.map((load, index) =>
        load.call<Run>("sendLoop", {
          targets: targets.slice(index * perProcess, (index + 1) * perProcess),
          concurrency: perProcess,
          seconds,
        }),
      ),
    );
    const latencies = runs.flatMap((run) => run.latencies);
    const failed = runs
      .flatMap((run) => Object.entries(run.statuses))
      .filter(([status]) => status !== "201");
    return { rate: latencies.length / seconds, p99: percentile(latencies, 99), failed };
  };
  try {
    const database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 2 });
    const single = await startPortico({
      databaseUrl: scratch.url,
      secret: context.secret,
      nodeArgs: context.serverNodeArgs,
    });
    let firm: Awaited<ReturnType<typeof seedFirm>>;
    let one: Awaited<ReturnType<typeof measure>>;
    try {
      firm = await seedFirm(database.db, {
        clientAddresses: true,
        base: single.servers[0]?.url ?? "",
        publicUrl: single.publicUrl,
        staffCount: 1,
        clientCount: clients,
        contactsPerClient: 0,
      });
      const session = firm.staff[0]?.session;
      if (!session) throw new Error("seed");
      one = await measure(
        [single.servers[0]?.url ?? ""],
        firm.clients.map((client) => client.allContacts.id),
        session,
      );
    } finally {
      await single.stop();
    }
    // The same database, the same secret (sessions stay valid), two processes on one Redis.
    const pair = await startPortico({
      databaseUrl: scratch.url,
      redisUrl: redis.url,
      processes: 2,
      secret: context.secret,
      nodeArgs: context.serverNodeArgs,
    });
    let two: Awaited<ReturnType<typeof measure>>;
    try {
      const session = { ...(firm.staff[0]?.session ?? { cookie: "" }), origin: pair.publicUrl };
      two = await measure(
        pair.servers.map((server) => server.url),
        firm.clients.map((client) => client.allContacts.id),
        session,
      );
    } finally {
      await pair.stop();
      await database.close();
    }
    return {
      title: `Several processes (${clients} clients, ${seconds} s each)`,
      lines: [
        `- one process, in-process bus: ${one.rate.toFixed(0)}/s (p99 ${ms(one.p99)})`,
        `- two processes, Redis bus: ${two.rate.toFixed(0)}/s (p99 ${ms(two.p99)})`,
        `- **ratio Redis (2 processes) / in-process (1): ${(two.rate / one.rate).toFixed(2)}** (target ≥ 0.9)`,
      ],
      problems: [...one.failed, ...two.failed].map(
        ([status, count]) => `send answered ${status} ${count} times`,
      ),
    };
  } finally {
    await Promise.all(loads.map((load) => load.stop()));
    await redis.stop();
    await scratch.drop();
  }
}
