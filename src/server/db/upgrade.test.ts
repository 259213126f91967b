/**
 * Upgrading a database that already has data: the migration that takes a person's own mail out
 * of firms' outboxes, and stops trusting contact sign-ins a firm may have set.
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
});
