import { existsSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { openDatabase } from "../../src/server/db/connect.js";
import { seedFirm } from "../../test/cluster-seed.js";
import { createScratchDatabase } from "../../test/processes.js";
import type { Session } from "../../test/remote-client.js";
import { startPortico } from "./cluster.js";
import type { BenchContext } from "./context.js";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Sentences of different lengths, so the thread looks like a real one (wrapping, varied heights). */
const sentences = [
  "Thanks, that works for us.",
  "Could you send the signed engagement letter by Friday? We need it before we file.",
  "Attached are the bank statements for March and April; May follows once the bank sends it.",
  "We reviewed the draft accounts and have two questions about the depreciation schedule, in particular the vans bought in the second quarter and whether the partial-year rule applies to them.",
  "Noted.",
  "The payroll run for this month is confirmed. Payslips go out on the 28th as usual, and the pension contributions are included.",
];

/**
 * Fills a conversation with `count` messages in one statement, alternating between a staff
 * member and a contact, one every ten minutes up to now.
 */
async function fillThread(
  url: string,
  thread: { firmId: string; conversationId: string; staffId: string; contactId: string },
  count: number,
) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `insert into messages (id, firm_id, conversation_id, seq, public_seq, author_kind,
         author_staff_id, author_contact_id, internal, body, body_text, created_at)
       select gen_random_uuid(), $1, $2, n, n,
         (case when n % 2 = 0 then 'staff' else 'contact' end)::author_kind,
         case when n % 2 = 0 then $3::uuid end, case when n % 2 = 1 then $4::uuid end, false,
         jsonb_build_object('type', 'doc', 'content', jsonb_build_array(jsonb_build_object(
           'type', 'paragraph', 'content', jsonb_build_array(jsonb_build_object(
             'type', 'text', 'text', ($5::text[])[1 + n % $6] || ' (' || n || ')'))))),
         ($5::text[])[1 + n % $6] || ' (' || n || ')',
         now() - (($7::int - n) * interval '10 minutes')
       from generate_series(1, $7::int) as n`,
      [
        thread.firmId,
        thread.conversationId,
        thread.staffId,
        thread.contactId,
        sentences,
        sentences.length,
        count,
      ],
    );
    await client.query(
      `update conversations set last_seq = $2, last_public_seq = $2, last_message_at = now(),
         waiting_on = case when $2 % 2 = 0 then 'client' else 'us' end::waiting_party
       where id = $1`,
      [thread.conversationId, count],
    );
    await client.query("analyze messages");
  } finally {
    await client.end();
  }
}

/** A cookie header value as a browser cookie for the server's origin. */
export function browserCookie(session: Session, url: string) {
  const [name = "", ...value] = session.cookie.split(";")[0]?.split("=") ?? [];
  return { name, value: value.join("="), url };
}

export type WebFixture = Awaited<ReturnType<typeof startWebFixture>>;

/**
 * The built app in its own process on a scratch database, with one firm: a staff member, a
 * client with one signed-in contact, the contact's direct thread holding `messages` messages and
 * the client's All Contacts thread empty (the same screen with nothing in it, as a baseline).
 */
export async function startWebFixture(context: BenchContext, messages: number) {
  if (!existsSync(join(import.meta.dirname, "..", "..", "dist", "web", "index.html"))) {
    throw new Error("the web app is not built: run `npm run build` first");
  }
  const scratch = await createScratchDatabase("portico_bench", context.postgresUrl);
  const portico = await startPortico({
    databaseUrl: scratch.url,
    secret: context.secret,
    nodeArgs: context.serverNodeArgs,
  });
  const database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 2 });
  try {
    const base = portico.servers[0]?.url ?? "";
    const seeded = await seedFirm(database.db, {
      base,
      publicUrl: portico.publicUrl,
      staffCount: 1,
      clientCount: 1,
      contactsPerClient: 1,
    });
    const staff = seeded.staff[0];
    const client = seeded.clients[0];
    const contact = client?.contacts[0];
    if (!staff || !client || !contact) throw new Error("seed");
    await fillThread(
      scratch.url,
      {
        firmId: seeded.firm.id,
        conversationId: contact.direct.id,
        staffId: staff.id,
        contactId: contact.id,
      },
      messages,
    );
    const portal = `${base}/portal/clients/${client.clientId}`;
    const staffMessages = `${base}/clients/${client.clientId}/messages`;
    return {
      base,
      staff: staff.session,
      contact: contact.session,
      urls: {
        portalSignIn: `${base}/portal/sign-in`,
        portalThread: `${portal}/${contact.direct.id}`,
        portalEmptyThread: `${portal}/${client.allContacts.id}`,
        staffThread: `${staffMessages}/${contact.direct.id}`,
      },
      stop: async () => {
        await database.close();
        await portico.stop();
        await scratch.drop();
      },
    };
  } catch (error) {
    await database.close();
    await portico.stop();
    await scratch.drop();
    throw error;
  }
}
