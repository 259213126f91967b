import { openDatabase } from "../../src/server/db/connect.js";
import { seedFirm } from "../../test/cluster-seed.js";
import { createScratchDatabase } from "../../test/processes.js";
import { startPortico } from "../lib/cluster.js";
import type { BenchContext, BenchResult } from "../lib/context.js";
import { type LoadProcess, startLoadProcess } from "../lib/rpc.js";
import { ms, nowMs, percentile } from "../lib/stats.js";

type Verified = {
  checked: number;
  missing: number;
  duplicates: number;
  unexpected: number;
  notes: number;
  latencies: number[];
};

/** Waits until the socket processes have received `total` frames, or nothing more comes. */
async function drain(holders: LoadProcess[], total: number) {
  let last = -1;
  let still = 0;
  while (still < 20) {
    const counts = await Promise.all(holders.map((holder) => holder.call<number>("received")));
    const received = counts.reduce((sum, count) => sum + count, 0);
    if (received >= total) return;
    still = received === last ? still + 1 : 0;
    last = received;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Many signed-in contact sockets in many conversations while staff send at a fixed offered rate
 * (open loop): latency from each message's scheduled send time to its arrival, and every socket
 * checked for receiving each of its conversation's messages exactly once and no internal note.
 */
export async function deliveryBenchmark(context: BenchContext): Promise<BenchResult> {
  const conversations = context.smoke ? 4 : 200;
  const socketsPerConversation = context.smoke ? 5 : 10;
  const rate = context.smoke ? 20 : 200;
  const rates = context.smoke ? [rate] : [rate / 4, rate / 2, rate];
  const seconds = context.smoke ? 1 : 10;
  const noteEvery = 10;
  const scratch = await createScratchDatabase("portico_bench", context.postgresUrl);
  const portico = await startPortico({
    databaseUrl: scratch.url,
    secret: context.secret,
    nodeArgs: context.serverNodeArgs,
  });
  const database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 2 });
  const holders = [startLoadProcess(), startLoadProcess()];
  const sender = startLoadProcess();
  try {
    const base = portico.servers[0]?.url ?? "";
    const firm = await seedFirm(database.db, {
      clientAddresses: true,
      base,
      publicUrl: portico.publicUrl,
      staffCount: 1,
      clientCount: conversations,
      contactsPerClient: 1,
    });
    const staff = firm.staff[0]?.session;
    if (!staff) throw new Error("no staff");
    // A contact's tabs share its session cookie, as a browser's do.
    const entries = firm.clients.flatMap((client) =>
      client.contacts.flatMap((contact) =>
        Array.from({ length: socketsPerConversation }, () => ({
          session: contact.session,
          conversationIds: [client.allContacts.id, contact.direct.id],
        })),
      ),
    );
    const half = Math.ceil(entries.length / 2);
    await Promise.all(
      holders.map((holder, index) =>
        holder.call("openSockets", {
          base,
          entries: entries.slice(index * half, (index + 1) * half),
        }),
      ),
    );
    // Lower offered rates first, on the same sockets: where latency meets the targets, and where
    // the machine runs out.
    const started = nowMs();
    const expected: Record<string, string[]> = {};
    const unknown: string[] = [];
    const statuses: Record<string, number> = {};
    const phases: {
      rate: number;
      sent: number;
      notes: number;
      behind: number;
      latencies: number[];
    }[] = [];
    let publicCount = 0;
    for (const rate of rates) {
      const sent = await sender.call<{
        sent: { token: string; conversationId: string; internal: boolean; status: number }[];
        statuses: Record<string, number>;
        behind: number;
      }>("openLoop", {
        base,
        session: staff,
        conversationIds: firm.clients.map((client) => client.allContacts.id),
        rate,
        seconds,
        noteEvery,
      });
      for (const [status, count] of Object.entries(sent.statuses)) {
        statuses[status] = (statuses[status] ?? 0) + count;
      }
      for (const message of sent.sent) {
        // A send that got no answer may or may not have been saved: neither expected nor wrong.
        if (message.status !== 201) unknown.push(message.token);
        if (message.internal || message.status !== 201) continue;
        const tokens = expected[message.conversationId] ?? [];
        tokens.push(message.token);
        expected[message.conversationId] = tokens;
        publicCount += 1;
      }
      await drain(holders, publicCount * socketsPerConversation);
      const latencies = (
        await Promise.all(holders.map((holder) => holder.call<number[]>("takeLatencies")))
      ).flat();
      phases.push({
        rate,
        sent: sent.sent.length,
        notes: sent.sent.filter((message) => message.internal).length,
        behind: sent.behind,
        latencies,
      });
    }
    const elapsed = (nowMs() - started) / 1000;
    const results = await Promise.all(
      holders.map((holder) => holder.call<Verified>("verify", { expected, unknown })),
    );
    const total = results.reduce(
      (sum, result) => ({
        checked: sum.checked + result.checked,
        missing: sum.missing + result.missing,
        duplicates: sum.duplicates + result.duplicates,
        unexpected: sum.unexpected + result.unexpected,
        notes: sum.notes + result.notes,
      }),
      { checked: 0, missing: 0, duplicates: 0, unexpected: 0, notes: 0 },
    );
    const deliveries = phases.reduce((sum, phase) => sum + phase.latencies.length, 0);
    const failures = Object.entries(statuses).filter(([status]) => status !== "201");
    const problems = [
      ...failures.map(([status, count]) => `send answered ${status} ${count} times`),
      ...(total.missing ? [`${total.missing} deliveries missing`] : []),
      ...(total.duplicates ? [`${total.duplicates} duplicate deliveries`] : []),
      ...(total.unexpected ? [`${total.unexpected} deliveries to the wrong socket`] : []),
      ...(total.notes ? [`${total.notes} internal notes reached contacts`] : []),
    ];
    return {
      title: `Delivery (${entries.length} contact sockets in ${conversations} conversations, messages offered at ${rates.join(", ")}/s for ${seconds} s each)`,
      lines: [
        `- sent ${phases.reduce((sum, phase) => sum + phase.sent, 0)} (${phases.reduce((sum, phase) => sum + phase.notes, 0)} internal notes); ${deliveries} deliveries checked on ${total.checked} sockets in ${elapsed.toFixed(1)} s`,
        ...phases.map(
          (phase) =>
            `- ${phase.rate} messages/s offered: send→delivery from the scheduled send time **p50 ${ms(percentile(phase.latencies, 50))}, p99 ${ms(percentile(phase.latencies, 99))}** (targets at ${rate}/s: ≤ 10 ms, ≤ 50 ms); sender behind schedule ${phase.behind} times`,
        ),
        `- every socket got each message of its conversations exactly once: missing ${total.missing}, duplicates ${total.duplicates}, wrong socket ${total.unexpected}; internal notes at contacts: ${total.notes}`,
      ],
      problems,
    };
  } finally {
    await Promise.all([...holders, sender].map((load) => load.stop()));
    await database.close();
    await portico.stop();
    await scratch.drop();
  }
}
