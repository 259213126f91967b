import pg from "pg";
import { openDatabase } from "../../src/server/db/connect.js";
import { seedFirm } from "../../test/cluster-seed.js";
import { createScratchDatabase } from "../../test/processes.js";
import { startPortico } from "../lib/cluster.js";
import type { BenchContext, BenchResult } from "../lib/context.js";
import { startLoadProcess } from "../lib/rpc.js";
import { ms, percentile } from "../lib/stats.js";

/** Fills a conversation with `count` messages in one statement (generate_series), as history. */
async function fillHistory(url: string, firmId: string, conversationId: string, count: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `insert into messages (id, firm_id, conversation_id, seq, public_seq, author_kind, author_staff_id, internal, body, body_text)
       select gen_random_uuid(), $1, $2, n, n, 'contact', null, false, $3::jsonb, 'history ' || n
       from generate_series(1, $4::int) as n`,
      [
        firmId,
        conversationId,
        JSON.stringify({
          type: "doc",
          content: [{ type: "paragraph", content: [{ type: "text", text: "history" }] }],
        }),
        count,
      ],
    );
    await client.query(
      "update conversations set last_seq = $2, last_public_seq = $2, waiting_on = 'us' where id = $1",
      [conversationId, count],
    );
    await client.query("analyze messages");
  } finally {
    await client.end();
  }
}

/** The conversation list (with unread counts) and a thread's newest page, small vs large history. */
export async function historyBenchmark(context: BenchContext): Promise<BenchResult> {
  const small = context.smoke ? 100 : 1_000;
  const large = context.smoke ? 1_000 : Number(process.env.BENCH_HISTORY ?? 1_000_000);
  const seconds = context.smoke ? 0.5 : 5;
  const scratch = await createScratchDatabase("portico_bench", context.postgresUrl);
  const portico = await startPortico({
    databaseUrl: scratch.url,
    secret: context.secret,
    nodeArgs: context.serverNodeArgs,
  });
  const database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 2 });
  const reader = startLoadProcess();
  try {
    const base = portico.servers[0]?.url ?? "";
    const firm = await seedFirm(database.db, {
      clientAddresses: true,
      base,
      publicUrl: portico.publicUrl,
      staffCount: 1,
      clientCount: 2,
      contactsPerClient: 0,
    });
    const session = firm.staff[0]?.session;
    const [smallClient, largeClient] = firm.clients;
    if (!session || !smallClient || !largeClient) throw new Error("seed");
    await fillHistory(scratch.url, firm.firm.id, smallClient.allContacts.id, small);
    await fillHistory(scratch.url, firm.firm.id, largeClient.allContacts.id, large);
    const paths = (client: typeof smallClient) => ({
      list: `/api/clients/${client.clientId}/conversations`,
      page: `/api/conversations/${client.allContacts.id}/messages`,
    });
    const lines: string[] = [];
    for (const [label, key] of [
      ["conversation list with unread counts", "list"],
      ["newest page of the thread", "page"],
    ] as const) {
      const smallPath = paths(smallClient)[key];
      const largePath = paths(largeClient)[key];
      const [smallTimes = [], largeTimes = []] = await reader.call<number[][]>("reads", {
        base,
        targets: [
          { session, path: smallPath },
          { session, path: largePath },
        ],
        seconds: seconds * 2,
      });
      const smallP95 = percentile(smallTimes, 95);
      const largeP95 = percentile(largeTimes, 95);
      lines.push(
        `- ${label}: ${ms(smallP95)} vs ${ms(largeP95)} — **ratio ${(largeP95 / smallP95).toFixed(2)}** (target ≤ 1.3)`,
      );
    }
    return {
      title: `History independence (${small.toLocaleString("en")} vs ${large.toLocaleString("en")} messages, p95)`,
      lines,
      problems: [],
    };
  } finally {
    await reader.stop();
    await database.close();
    await portico.stop();
    await scratch.drop();
  }
}
