import { openDatabase } from "../../src/server/db/connect.js";
import { seedFirm } from "../../test/cluster-seed.js";
import { createScratchDatabase, startRedisServer } from "../../test/processes.js";
import { startPortico } from "../lib/cluster.js";
import type { BenchContext, BenchResult } from "../lib/context.js";
import { startLoadProcess } from "../lib/rpc.js";
import { ms, percentile } from "../lib/stats.js";

type Run = { latencies: number[]; statuses: Record<string, number> };

/**
 * Send rate with two processes on the Redis bus against one process on the in-process bus, both
 * deployments up at once on one database and taking turns in short rounds (each going first in
 * every other round), so a shared machine's changing load meets both alike.
 */
export async function redisBusBenchmark(context: BenchContext): Promise<BenchResult> {
  const clients = context.smoke ? 2 : 4;
  const rounds = context.smoke ? 1 : 5;
  const secondsPerRound = context.smoke ? 1 : 2;
  const scratch = await createScratchDatabase("portico_bench", context.postgresUrl);
  const redis = await startRedisServer();
  const loads = [startLoadProcess(), startLoadProcess()];
  const measure = async (
    bases: string[],
    conversations: string[],
    session: { cookie: string; origin: string },
  ): Promise<Run[]> => {
    const targets = conversations.map((conversationId, index) => ({
      base: bases[index % bases.length] ?? "",
      session,
      conversationId,
    }));
    const perProcess = Math.max(1, clients / loads.length);
    return Promise.all(
      loads.map((load, index) =>
        load.call<Run>("sendLoop", {
          targets: targets.slice(index * perProcess, (index + 1) * perProcess),
          concurrency: perProcess,
          seconds: secondsPerRound,
        }),
      ),
    );
  };
  const database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 2 });
  const deployments: Awaited<ReturnType<typeof startPortico>>[] = [];
  try {
    // The same database and secret (sessions stay valid on both), one process on its own bus
    // and two on one Redis.
    const single = await startPortico({
      databaseUrl: scratch.url,
      secret: context.secret,
      nodeArgs: context.serverNodeArgs,
    });
    deployments.push(single);
    const pair = await startPortico({
      databaseUrl: scratch.url,
      redisUrl: redis.url,
      processes: 2,
      secret: context.secret,
      nodeArgs: context.serverNodeArgs,
    });
    deployments.push(pair);
    const firm = await seedFirm(database.db, {
      clientAddresses: true,
      base: single.servers[0]?.url ?? "",
      publicUrl: single.publicUrl,
      staffCount: 1,
      clientCount: clients,
      contactsPerClient: 0,
    });
    const session = firm.staff[0]?.session;
    if (!session) throw new Error("seed");
    const conversations = firm.clients.map((client) => client.allContacts.id);
    const turns = {
      one: () => measure([single.servers[0]?.url ?? ""], conversations, session),
      two: () =>
        measure(
          pair.servers.map((server) => server.url),
          conversations,
          { ...session, origin: pair.publicUrl },
        ),
    };
    const results: Record<keyof typeof turns, Run[]> = { one: [], two: [] };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (["one", "two"] as const) : (["two", "one"] as const);
      for (const name of order) results[name].push(...(await turns[name]()));
    }
    const seconds = rounds * secondsPerRound;
    const summary = (runs: Run[]) => {
      const latencies = runs.flatMap((run) => run.latencies);
      return { rate: latencies.length / seconds, p99: percentile(latencies, 99) };
    };
    const one = summary(results.one);
    const two = summary(results.two);
    const failed = [...results.one, ...results.two]
      .flatMap((run) => Object.entries(run.statuses))
      .filter(([status]) => status !== "201");
    return {
      title: `Several processes (${clients} clients, ${rounds} round${rounds === 1 ? "" : "s"} of ${secondsPerRound} s each, taking turns)`,
      lines: [
        `- one process, in-process bus: ${one.rate.toFixed(0)}/s (p99 ${ms(one.p99)})`,
        `- two processes, Redis bus: ${two.rate.toFixed(0)}/s (p99 ${ms(two.p99)})`,
        `- **ratio Redis (2 processes) / in-process (1): ${(two.rate / one.rate).toFixed(2)}** (target ≥ 0.9)`,
      ],
      problems: failed.map(([status, count]) => `send answered ${status} ${count} times`),
    };
  } finally {
    await Promise.all(deployments.map((deployment) => deployment.stop()));
    await database.close();
    await Promise.all(loads.map((load) => load.stop()));
    await redis.stop();
    await scratch.drop();
  }
}
