import { openDatabase } from "../../src/server/db/connect.js";
import type { Message } from "../../src/shared/api/messaging.js";
import { seedFirm } from "../../test/cluster-seed.js";
import { createScratchDatabase } from "../../test/processes.js";
import { callRoute, textBody } from "../../test/remote-client.js";
import { startPortico } from "../lib/cluster.js";
import type { BenchContext, BenchResult } from "../lib/context.js";
import { type LoadProcess, startLoadProcess } from "../lib/rpc.js";
import { ms, nowMs, percentile } from "../lib/stats.js";

type Arrivals = { count: number; first: number; last: number };

/** Waits for `token` to reach `sockets` sockets over the holders; returns first and last arrival. */
async function arrivals(holders: LoadProcess[], token: string, sockets: number) {
  for (let attempt = 0; attempt < 400; attempt++) {
    const parts = await Promise.all(
      holders.map((holder) => holder.call<Arrivals>("arrivals", { token })),
    );
    const count = parts.reduce((sum, part) => sum + part.count, 0);
    if (count >= sockets) {
      return {
        first: Math.min(...parts.map((part) => part.first)),
        last: Math.max(...parts.map((part) => part.last)),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${token} did not reach all ${sockets} sockets`);
}

/**
 * One message to N sockets of one conversation, against a bare `ws` server (its own process)
 * broadcasting the same payload to N sockets. Both timed from the request that causes the
 * broadcast to the last socket's arrival; the spread (first to last arrival) is reported too.
 */
export async function fanoutBenchmark(context: BenchContext): Promise<BenchResult> {
  const sockets = context.smoke ? 20 : 1000;
  const rounds = context.smoke ? 3 : 30;
  const perContact = 20;
  const scratch = await createScratchDatabase("portico_bench", context.postgresUrl);
  const portico = await startPortico({
    databaseUrl: scratch.url,
    secret: context.secret,
    nodeArgs: context.serverNodeArgs,
  });
  const database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 2 });
  const holders = [startLoadProcess(), startLoadProcess()];
  const bare = startLoadProcess("bare-ws.ts");
  const bareHolders = [startLoadProcess(), startLoadProcess()];
  try {
    const base = portico.servers[0]?.url ?? "";
    const firm = await seedFirm(database.db, {
      clientAddresses: true,
      base,
      publicUrl: portico.publicUrl,
      staffCount: 1,
      clientCount: 1,
      contactsPerClient: Math.ceil(sockets / perContact),
    });
    const staff = firm.staff[0]?.session;
    const client = firm.clients[0];
    if (!staff || !client) throw new Error("seed");
    const entries = client.contacts
      .flatMap((contact) =>
        Array.from({ length: perContact }, () => ({
          session: contact.session,
          conversationIds: null,
        })),
      )
      .slice(0, sockets);
    const half = Math.ceil(entries.length / 2);
    const barePort = await bare.call<number>("listen");
    await Promise.all([
      ...holders.map((holder, index) =>
        holder.call("openSockets", {
          base,
          entries: entries.slice(index * half, (index + 1) * half),
        }),
      ),
      ...bareHolders.map((holder) =>
        holder.call("openBare", { url: `ws://127.0.0.1:${barePort}`, count: sockets / 2 }),
      ),
    ]);

    const portico_: number[] = [];
    const answers: number[] = [];
    const porticoSpread: number[] = [];
    const bareTotal: number[] = [];
    const bareSpread: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const token = `fan-${round}`;
      const start = nowMs();
      const message = await callRoute<Message>(base, staff, "sendMessage", {
        params: { conversationId: client.allContacts.id },
        body: { id: crypto.randomUUID(), body: textBody(`bench ${token} 0`) },
      });
      answers.push(nowMs() - start);
      const arrived = await arrivals(holders, token, sockets);
      portico_.push(arrived.last - start);
      porticoSpread.push(arrived.last - arrived.first);

      // The same frame Portico sent, broadcast by a bare `ws` server.
      const bareToken = `bare-${round}`;
      const payload = JSON.stringify({
        type: "message.created",
        data: {
          clientId: client.clientId,
          conversationId: client.allContacts.id,
          message: { ...message, body: textBody(`bench ${bareToken} 0`) },
        },
      });
      const bareStart = nowMs();
      await fetch(`http://127.0.0.1:${barePort}/broadcast`, { method: "POST", body: payload });
      const bareArrived = await arrivals(bareHolders, bareToken, sockets);
      bareTotal.push(bareArrived.last - bareStart);
      bareSpread.push(bareArrived.last - bareArrived.first);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const median = (values: number[]) => percentile(values, 50);
    const ratio = median(portico_) / median(bareTotal);
    return {
      title: `Fan-out (one message to ${sockets} sockets, ${rounds} rounds, medians)`,
      lines: [
        `- bare \`ws\` broadcast of the same payload: ${ms(median(bareTotal))} from request to last socket (spread first→last ${ms(median(bareSpread))})`,
        `- Portico (HTTP send: validate, persist, publish, fan out): ${ms(median(portico_))} (spread ${ms(median(porticoSpread))})`,
        `- the sender's own HTTP answer: ${ms(median(answers))} (it does not wait for the fan-out)`,
        `- **ratio Portico / bare ws: ${ratio.toFixed(2)}** (target ≤ 2); spread ratio ${(median(porticoSpread) / median(bareSpread)).toFixed(2)}`,
      ],
      problems: [],
    };
  } finally {
    await Promise.all([...holders, ...bareHolders, bare].map((load) => load.stop()));
    await database.close();
    await portico.stop();
    await scratch.drop();
  }
}
