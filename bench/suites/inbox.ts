import pg from "pg";
import { openDatabase } from "../../src/server/db/connect.js";
import { INBOX_PAGE_SIZE, type InboxPage } from "../../src/shared/api/notifications.js";
import { seedFirm } from "../../test/cluster-seed.js";
import { createScratchDatabase } from "../../test/processes.js";
import { callRoute } from "../../test/remote-client.js";
import { startPortico } from "../lib/cluster.js";
import type { BenchContext, BenchResult } from "../lib/context.js";
import { startLoadProcess } from "../lib/rpc.js";
import { ms, percentile } from "../lib/stats.js";

const FILTERS = ["all", "unread", "waiting", "mentions"] as const;

/**
 * Gives each of the firm's conversations `perConversation` messages in one statement: public
 * messages whose newest author alternates between contact and a colleague from one conversation
 * to the next (so half wait on the firm), then the colleague's internal note at the end of each (a
 * note never changes who is waited on). The reader has read every other conversation to its end,
 * and is mentioned in the note of every fifth.
 */
export async function fillInbox(
  url: string,
  firmId: string,
  staff: { readerId: string; colleagueId: string },
  perConversation: number,
) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const body = JSON.stringify({
    type: "doc",
    content: [{ type: "paragraph", content: [{ type: "text", text: "history" }] }],
  });
  try {
    await client.query(
      `with numbered as (
         select id, row_number() over (order by id) as position
         from conversations where firm_id = $1
       )
       insert into messages (id, firm_id, conversation_id, seq, public_seq, author_kind,
         author_staff_id, internal, body, body_text, created_at)
       select gen_random_uuid(), $1, c.id, n,
         case when n = $4 then null else n end,
         case when n < $4 and (n + c.position) % 2 = 0 then 'contact' else 'staff' end::author_kind,
         case when n < $4 and (n + c.position) % 2 = 0 then null else $2::uuid end,
         n = $4, $3::jsonb, 'history ' || n,
         now() - make_interval(mins => c.position::int) - make_interval(secs => ($4 - n)::int)
       from numbered c cross join generate_series(1, $4::int) as n`,
      [firmId, staff.colleagueId, body, perConversation],
    );
    await client.query(
      `update conversations c set last_seq = $2, last_public_seq = $2 - 1,
         last_message_at = (select max(created_at) from messages m where m.conversation_id = c.id),
         waiting_on = (select case author_kind when 'contact' then 'us' else 'client' end::waiting_party
           from messages m where m.conversation_id = c.id and m.public_seq = $2 - 1)
       where firm_id = $1`,
      [firmId, perConversation],
    );
    await client.query(
      `with numbered as (
         select id, row_number() over (order by id) as position
         from conversations where firm_id = $1
       )
       insert into read_cursors (firm_id, conversation_id, reader_kind, reader_id, last_read_seq)
       select $1::uuid, id, 'staff'::reader_kind, $2::uuid, $4::int from numbered where position % 2 = 0
       -- Writing reads the thread up to what was written, as a send does.
       union all select $1::uuid, id, 'staff'::reader_kind, $3::uuid, $4::int from numbered
       on conflict (conversation_id, reader_kind, reader_id)
         do update set last_read_seq = excluded.last_read_seq`,
      [firmId, staff.readerId, staff.colleagueId, perConversation],
    );
    await client.query(
      `with numbered as (
         select id, row_number() over (order by id) as position
         from conversations where firm_id = $1
       )
       insert into notifications (firm_id, staff_id, message_id, conversation_id)
       select $1, $2, m.id, m.conversation_id
       from numbered c join messages m on m.conversation_id = c.id and m.seq = $3
       where c.position % 5 = 0`,
      [firmId, staff.readerId, perConversation],
    );
    await client.query("analyze");
  } finally {
    await client.end();
  }
}

/**
 * The Inbox's first page, each filter, for firms of 100 clients with 1,000, 100,000 and 1,000,000
 * messages in all, taking turns: keyset pages over the conversations' activity, with counts
 * capped, should cost the same.
 */
export async function inboxBenchmark(context: BenchContext): Promise<BenchResult> {
  const clientCount = context.smoke ? 10 : 100;
  // Messages per conversation: 1,000 in all; 100,000, where every unread count reaches its cap;
  // 1,000,000 (smoke: 200, 2,000, 20,000).
  const sizes = context.smoke ? [20, 200, 2_000] : [10, 1_000, 10_000];
  const seconds = context.smoke ? 0.5 : 6;
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
    const firms = [];
    for (const perConversation of sizes) {
      const firm = await seedFirm(database.db, {
        clientAddresses: true,
        base,
        publicUrl: portico.publicUrl,
        staffCount: 2,
        clientCount,
        contactsPerClient: 0,
      });
      const [staff, colleague] = firm.staff;
      if (!staff || !colleague) throw new Error("seed");
      await fillInbox(
        scratch.url,
        firm.firm.id,
        { readerId: staff.id, colleagueId: colleague.id },
        perConversation,
      );
      firms.push({ perConversation, session: staff.session });
    }
    const total = (perConversation: number) => (clientCount * perConversation).toLocaleString("en");
    const problems: string[] = [];
    const lines: string[] = [];
    for (const filter of FILTERS) {
      const path = `/api/inbox?filter=${filter}`;
      for (const { perConversation, session } of firms) {
        // Correctness at any size: a full first page of the right rows, notes never "waiting".
        const page = await callRoute<InboxPage>(base, session, "listInbox", { query: { filter } });
        const expected = Math.min(
          INBOX_PAGE_SIZE,
          filter === "mentions"
            ? Math.floor(clientCount / 5)
            : filter === "all"
              ? clientCount
              : clientCount / 2,
        );
        const size = total(perConversation);
        if (page.rows.length !== expected) {
          problems.push(`${filter} (${size}): ${page.rows.length} rows, expected ${expected}`);
        }
        if (filter === "waiting" && page.rows.some((row) => row.waitingOn !== "us")) {
          problems.push(`waiting (${size}): a row not waiting on us`);
        }
      }
      const latencies = await reader.call<number[][]>("reads", {
        base,
        targets: firms.map(({ session }) => ({ session, path })),
        seconds: seconds * firms.length,
      });
      const [smallest = 0, middle = 0, largest = 0] = latencies.map((times) =>
        percentile(times, 95),
      );
      lines.push(
        `- ${filter}: ${ms(smallest)} / ${ms(middle)} / ${ms(largest)} — **ratio ${(largest / smallest).toFixed(2)}** (target ≤ 1.3); ${(largest / middle).toFixed(2)} against ${total(sizes[1] ?? 0)}`,
      );
    }
    return {
      title: `Inbox first page (${clientCount} clients; ${sizes.map(total).join(" / ")} messages in all, p95)`,
      lines,
      problems,
    };
  } finally {
    await reader.stop();
    await database.close();
    await portico.stop();
    await scratch.drop();
  }
}
