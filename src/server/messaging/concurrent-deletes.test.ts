/**
 * A deletion that runs while another write to the same conversation is still open, on a real
 * PostgreSQL server (the embedded database has one connection, so nothing there runs at once).
 */
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import { createScratchDatabase } from "../../../test/processes.js";
import type { StaffPrincipal } from "../auth/principal-types.js";
import { type DatabaseHandle, openDatabase } from "../db/connect.js";
import { listInbox } from "../notifications/inbox.service.js";
import { removeMessage } from "./message-writes.js";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let database: DatabaseHandle;
let other: pg.Client;

beforeAll(async () => {
  scratch = await createScratchDatabase("portico_deletes");
  database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 3 });
  other = new pg.Client({ connectionString: scratch.url });
  await other.connect();
});
afterAll(async () => {
  await other?.end();
  await database?.close();
  await scratch?.drop();
});

/** A thread where a contact asked (1) and staff answered (2): it waits on the client. */
async function answeredThread() {
  const db = database.db;
  const firm = await buildFirm(db);
  const member = await buildStaff(db, firm, { name: "Ada Archer" });
  const client = await buildClient(db, firm);
  const contact = await buildContact(db, client);
  const conversation = crypto.randomUUID();
  await db.execute(sql`insert into conversations
    (id, firm_id, client_id, kind, last_seq, last_public_seq, last_message_at, waiting_on)
    values (${conversation}, ${firm.id}, ${client.id}, 'all_contacts', 2, 2, now(), 'client')`);
  const answer = crypto.randomUUID();
  await db.execute(sql`insert into messages (id, firm_id, conversation_id, seq, public_seq,
      author_kind, author_staff_id, author_contact_id, body, body_text) values
    (gen_random_uuid(), ${firm.id}, ${conversation}, 1, 1, 'contact', null, ${contact.id}, '{}', 'Which form?'),
    (${answer}, ${firm.id}, ${conversation}, 2, 2, 'staff', ${member.id}, null, '{}', 'The blue one')`);
  const principal: StaffPrincipal = {
    kind: "staff",
    userId: member.userId,
    sessionId: "",
    staffId: member.id,
    firmId: firm.id,
    firmName: firm.name,
    role: "member",
    name: member.name,
    email: member.email,
    twoFactorSetupRequired: false,
  };
  return { firm, member, conversation, answer, principal };
}

/** Resolves once some connection is waiting for a lock: the deletion has reached the open write. */
async function untilWaitingForALock() {
  await expect
    .poll(async () => {
      // Asked outside the open transaction, which would keep seeing one snapshot of the activity.
      const waiting = await database.db.execute<{ count: number }>(
        sql`select count(*)::int as count from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`,
      );
      return waiting.rows[0]?.count;
    })
    .toBe(1);
}

describe("deleting while another write is open", () => {
  it("reads whom the conversation waits on after a send that committed meanwhile", async () => {
    const { firm, member, conversation, answer, principal } = await answeredThread();
    // Another member's send (3, a public staff message) is numbered but not yet committed.
    await other.query("begin");
    await other.query(
      `update conversations set last_seq = 3, last_public_seq = 3, waiting_on = 'client'
       where id = $1`,
      [conversation],
    );
    await other.query(
      `insert into messages (id, firm_id, conversation_id, seq, public_seq, author_kind,
         author_staff_id, body, body_text)
       values (gen_random_uuid(), $1, $2, 3, 3, 'staff', $3, '{}', 'Also, sign page 2')`,
      [firm.id, conversation, member.id],
    );

    const removal = removeMessage(database.db, {
      firmId: firm.id,
      conversationId: conversation,
      messageId: answer,
      author: { kind: "staff", staffId: member.id },
    });
    await untilWaitingForALock();
    await other.query("commit");
    await removal;

    // The newest public message is staff's third: the thread still waits on the client.
    const all = await listInbox(database.db, principal, { filter: "all" });
    expect(all.rows.map((row) => [row.conversationId, row.waitingOn])).toEqual([
      [conversation, "client"],
    ]);
    expect((await listInbox(database.db, principal, { filter: "waiting" })).rows).toEqual([]);
  });
});
