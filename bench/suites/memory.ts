import { openDatabase } from "../../src/server/db/connect.js";
import { buildFirm, buildStaff } from "../../test/factories.js";
import { createScratchDatabase } from "../../test/processes.js";
import { callRoute } from "../../test/remote-client.js";
import { mintSessions, rssKB, startPortico } from "../lib/cluster.js";
import type { BenchContext, BenchResult } from "../lib/context.js";
import { startLoadProcess } from "../lib/rpc.js";

const settle = () => new Promise((resolve) => setTimeout(resolve, 3000));
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** Server memory per idle signed-in socket (RSS delta from a few to many), and idle server RSS. */
export async function memoryBenchmark(context: BenchContext): Promise<BenchResult> {
  const from = context.smoke ? 20 : 1_000;
  const to = context.smoke ? 60 : 10_000;
  const perPerson = 20;

  // Idle RSS of a server on its embedded database: the first start creates it, a restart opens it.
  const embedded = await startPortico({ secret: context.secret });
  await settle();
  const pgliteFirstRss = rssKB(embedded.servers[0]?.process.pid ?? 0);
  const reopened = await embedded.restart(0);
  await settle();
  const pgliteRss = rssKB(reopened.process.pid ?? 0);
  await embedded.stop();

  const scratch = await createScratchDatabase("portico_bench", context.postgresUrl);
  const portico = await startPortico({ databaseUrl: scratch.url, secret: context.secret });
  const database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 2 });
  const holders = [startLoadProcess(), startLoadProcess()];
  try {
    const server = portico.servers[0];
    if (!server) throw new Error("no server");
    await settle();
    const postgresRss = rssKB(server.process.pid ?? 0);
    const firm = await buildFirm(database.db);
    const sessions = [];
    for (let index = 0; index < Math.ceil(to / perPerson); index++) {
      const member = await buildStaff(database.db, firm);
      const [session] = await mintSessions(
        database.db,
        member.userId,
        1,
        context.secret,
        portico.publicUrl,
      );
      if (session) sessions.push(session);
    }
    // A minted session must be one the server accepts, or this measures refused sockets.
    await callRoute(server.url, sessions[0] ?? { origin: "" }, "getStaffSession");
    const entries = sessions.flatMap((session) =>
      Array.from({ length: perPerson }, () => ({ session, conversationIds: null })),
    );
    const open = async (first: number, last: number) => {
      const slice = entries.slice(first, last);
      const half = Math.ceil(slice.length / 2);
      await Promise.all(
        holders.map((holder, index) =>
          holder.call("openSockets", {
            base: server.url,
            entries: slice.slice(index * half, (index + 1) * half),
          }),
        ),
      );
    };
    await open(0, from);
    await settle();
    const rssFrom = rssKB(server.process.pid ?? 0);
    await open(from, to);
    await settle();
    const rssTo = rssKB(server.process.pid ?? 0);
    const perSocket = (rssTo - rssFrom) / (to - from);
    return {
      title: `Memory (idle signed-in sockets ${from.toLocaleString("en")} → ${to.toLocaleString("en")})`,
      lines: [
        `- server RSS: ${mb(rssFrom)} with ${from.toLocaleString("en")} sockets, ${mb(rssTo)} with ${to.toLocaleString("en")}`,
        `- **${perSocket.toFixed(1)} KB per idle signed-in socket** (target ≤ 20 KB)`,
        `- idle server RSS after start: ${mb(pgliteRss)} on embedded PGlite (${mb(pgliteFirstRss)} on the first start, which creates the database), ${mb(postgresRss)} on PostgreSQL`,
      ],
      problems: [],
    };
  } finally {
    await Promise.all(holders.map((holder) => holder.stop()));
    await database.close();
    await portico.stop();
    await scratch.drop();
  }
}
