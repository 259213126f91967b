/**
 * Upgrading a database that already has data: the migration that takes a person's own mail out
 * of firms' outboxes, and stops trusting contact sign-ins a firm may have set; and the one that
 * counts unread messages from numbers, which must find the gaps earlier deletions left.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, describe, expect, it } from "vitest";

const migrations = join(import.meta.dirname, "migrations");
const UPGRADE = "0006_personal_mail_and_link_readers";
const scratch: string[] = [];
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

/** A copy of the migrations folder that stops just before `tag`. */
async function migrationsBefore(tag: string) {
  const dir = await mkdtemp(join(tmpdir(), "portico-migrations-"));
  scratch.push(dir);
  await cp(migrations, dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(await readFile(journalPath, "utf8")) as {
    entries: { idx: number; tag: string }[];
  };
  const stop = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(stop).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, stop);
  await writeFile(journalPath, JSON.stringify(journal));
  return dir;
}

describe("upgrading a database with data", () => {
  it("files nobody's own mail under a firm and proves no existing contact sign-in", async () => {
    const client = await PGlite.create();
    const db = drizzle(client);
    try {
      await migrate(db, { migrationsFolder: await migrationsBefore(UPGRADE) });
      await db.execute(
        sql`insert into firms (id, name) values ('00000000-0000-4000-8000-000000000001', 'Old')`,
      );
      await db.execute(sql`insert into "user" (id, name, email, email_verified, kind) values
        ('contact-1', 'Pat', 'pat@example.test', true, 'contact'),
        ('staff-1', 'Sam', 'sam@example.test', true, 'staff')`);
      await db.execute(sql`insert into mail_outbox
        (firm_id, kind, to_address, subject, text_body, html_body) values
        ('00000000-0000-4000-8000-000000000001', 'sign_in_link', 'pat@example.test', 's', 't', 'h'),
        ('00000000-0000-4000-8000-000000000001', 'password_reset', 'pat@example.test', 's', 't', 'h'),
        ('00000000-0000-4000-8000-000000000001', 'invitation', 'pat@example.test', 's', 't', 'h')`);

      await migrate(db, { migrationsFolder: migrations });

      const mail = await db.execute<{ kind: string; firm: boolean; link: boolean }>(
        sql`select kind, firm_id is not null as firm, firm_can_read_link as link
            from mail_outbox order by kind`,
      );
      expect(mail.rows).toEqual([
        { kind: "invitation", firm: true, link: false },
        { kind: "sign_in_link", firm: false, link: false },
        { kind: "password_reset", firm: false, link: false },
      ]);
      const users = await db.execute<{ kind: string; verified: boolean }>(
        sql`select kind, email_verified as verified from "user" order by kind`,
      );
      expect(users.rows).toEqual([
        { kind: "staff", verified: true },
        { kind: "contact", verified: false },
      ]);
    } finally {
      await client.close();
    }
  });

  it("records the numbers deleted messages left, whom each conversation waits on, and reads up to one's own messages", async () => {
    const client = await PGlite.create();
    const db = drizzle(client);
    try {
      await migrate(db, { migrationsFolder: await migrationsBefore("0013_unread_from_numbers") });
      const firm = "00000000-0000-4000-8000-000000000001";
      const staffId = "00000000-0000-4000-8000-000000000002";
      const contactId = "00000000-0000-4000-8000-000000000003";
      const conversation = "00000000-0000-4000-8000-000000000004";
      await db.execute(sql`insert into firms (id, name) values (${firm}, 'Old')`);
      await db.execute(sql`insert into "user" (id, name, email, email_verified, kind)
        values ('staff-1', 'Sam', 'sam@example.test', true, 'staff')`);
      await db.execute(
        sql`insert into staff (id, firm_id, user_id) values (${staffId}, ${firm}, 'staff-1')`,
      );
      await db.execute(sql`insert into clients (id, firm_id, name)
        values ('00000000-0000-4000-8000-000000000005', ${firm}, 'Client')`);
      await db.execute(sql`insert into contacts (id, firm_id, client_id, name)
        values (${contactId}, ${firm}, '00000000-0000-4000-8000-000000000005', 'Pat')`);
      // Numbers 3 (a public message, the contact's 3) and 5 (a note) were deleted.
      await db.execute(sql`insert into conversations
        (id, firm_id, client_id, kind, last_seq, last_public_seq, last_message_at)
        values (${conversation}, ${firm}, '00000000-0000-4000-8000-000000000005', 'all_contacts', 5, 3, now())`);
      await db.execute(sql`insert into messages (id, firm_id, conversation_id, seq, public_seq,
          author_kind, author_staff_id, author_contact_id, internal, body, body_text) values
        (gen_random_uuid(), ${firm}, ${conversation}, 1, 1, 'staff', ${staffId}, null, false, '{}', 'Hello'),
        (gen_random_uuid(), ${firm}, ${conversation}, 2, 2, 'contact', null, ${contactId}, false, '{}', 'Hi'),
        (gen_random_uuid(), ${firm}, ${conversation}, 4, null, 'staff', ${staffId}, null, true, '{}', 'Note')`);
      await db.execute(sql`insert into read_cursors (firm_id, conversation_id, reader_kind, reader_id, last_read_seq)
        values (${firm}, ${conversation}, 'staff', ${staffId}, 0)`);

      await migrate(db, { migrationsFolder: migrations });

      const gaps = await db.execute(
        sql`select reader_kind, number from deleted_message_numbers order by reader_kind, number`,
      );
      expect(gaps.rows).toEqual([
        { reader_kind: "staff", number: 3 },
        { reader_kind: "staff", number: 5 },
        { reader_kind: "contact", number: 3 },
      ]);
      const waiting = await db.execute(sql`select waiting_on from conversations`);
      expect(waiting.rows).toEqual([{ waiting_on: "us" }]);
      const cursors = await db.execute(
        sql`select reader_kind, last_read_seq from read_cursors order by reader_kind`,
      );
      expect(cursors.rows).toEqual([
        { reader_kind: "staff", last_read_seq: 4 },
        { reader_kind: "contact", last_read_seq: 2 },
      ]);
    } finally {
      await client.close();
    }
  });
});
