import { count, eq, sql } from "drizzle-orm";
import type { StaffRole } from "../../shared/api/session.js";
import { createPasswordUser, hashPassword } from "../auth/accounts.js";
import type { Database, Queryable, Transaction } from "../db/connect.js";
import { clients, contacts, firms, staff, user } from "../db/schema.js";
import { type DemoPeople, seedDemoConversations } from "./demo-conversations.js";

export const DEMO_PASSWORD = "demo-password";

type DemoContact = { name: string; email: string; portal: boolean };
type DemoFirm = {
  name: string;
  staff: { name: string; email: string; role: StaffRole }[];
  clients: { name: string; contacts: DemoContact[] }[];
};

/** The demo data the README and the acceptance checks rely on: change both together. */
export const demoFirms: DemoFirm[] = [
  {
    name: "Northwind Accounting",
    staff: [
      { name: "Ada Park", email: "ada@northwind.test", role: "owner" },
      { name: "Ben Ortiz", email: "ben@northwind.test", role: "member" },
      { name: "Chloe Reyes", email: "chloe@northwind.test", role: "member" },
    ],
    clients: [
      {
        name: "Acme Bakery",
        contacts: [
          { name: "Dana Fox", email: "dana@acme.test", portal: true },
          { name: "Eli Stone", email: "eli@acme.test", portal: true },
          { name: "Fay Lin", email: "fay@acme.test", portal: false },
        ],
      },
      {
        name: "Globex Ltd",
        contacts: [{ name: "Gus Hale", email: "gus@globex.test", portal: true }],
      },
    ],
  },
  {
    name: "Southside Legal",
    staff: [{ name: "Sol Reed", email: "sol@southside.test", role: "owner" }],
    clients: [
      {
        name: "Initech",
        contacts: [{ name: "Ivy Chen", email: "ivy@initech.test", portal: true }],
      },
    ],
  },
];

/** Empty means no firm and no sign-in: a database someone has used is never seeded. */
export async function isDatabaseEmpty(db: Queryable): Promise<boolean> {
  const [firmRows] = await db.select({ count: count() }).from(firms);
  const [userRows] = await db.select({ count: count() }).from(user);
  return (firmRows?.count ?? 0) === 0 && (userRows?.count ?? 0) === 0;
}

/** Whether this database holds the demo data (so the start can print its sign-ins). */
export async function hasDemoData(db: Database): Promise<boolean> {
  const first = demoFirms[0]?.staff[0]?.email ?? "";
  const [found] = await db
    .select({ id: staff.id })
    .from(staff)
    .innerJoin(user, eq(user.id, staff.userId))
    .where(eq(user.email, first));
  return found !== undefined;
}

/** Any number for the advisory lock that keeps two starting processes from both seeding. */
export const SEED_LOCK = 7_450_112;

/**
 * Seeds the demo data only into an empty database, checked inside the seeding transaction under
 * a lock, so processes starting together seed once and a used database is never touched.
 */
export async function seedDemoDataIfEmpty(db: Database): Promise<"seeded" | "not empty"> {
  // The usual answer at start, found without hashing anything.
  if (!(await isDatabaseEmpty(db))) return "not empty";
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    if (!(await isDatabaseEmpty(tx))) return "not empty";
    await insertDemoData(tx, passwordHash);
    return "seeded";
  });
}

/**
 * What the server does at start: seed an empty database, never one in use, and never let a
 * failure here stop the start. Resolves whether the database holds the demo data.
 */
export async function seedDemoDataOnStart(
  db: Database,
  warn: (message: string) => void,
): Promise<boolean> {
  try {
    await seedDemoDataIfEmpty(db);
    return await hasDemoData(db);
  } catch (error) {
    warn(`Demo data was not added: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/** Inserts the demo firms, staff, clients and contacts in one transaction. */
export async function seedDemoData(db: Database): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.transaction((tx) => insertDemoData(tx, passwordHash));
}

async function insertDemoData(tx: Transaction, passwordHash: string): Promise<void> {
  const people: DemoPeople = { staff: new Map(), contacts: new Map(), clients: new Map() };
  for (const demoFirm of demoFirms) {
    const [firm] = await tx.insert(firms).values({ name: demoFirm.name }).returning();
    if (!firm) throw new Error("firm insert returned no row");
    for (const member of demoFirm.staff) {
      const userId = await createPasswordUser(tx, { ...member, kind: "staff", passwordHash });
      const [row] = await tx
        .insert(staff)
        .values({ firmId: firm.id, userId, role: member.role })
        .returning();
      if (row) people.staff.set(member.email, { id: row.id, name: member.name });
    }
    for (const demoClient of demoFirm.clients) {
      const [client] = await tx
        .insert(clients)
        .values({ firmId: firm.id, name: demoClient.name })
        .returning();
      if (!client) throw new Error("client insert returned no row");
      people.clients.set(client.name, client);
      for (const person of demoClient.contacts) {
        const userId = person.portal
          ? await createPasswordUser(tx, { ...person, kind: "contact", passwordHash })
          : null;
        const [contact] = await tx
          .insert(contacts)
          .values({
            firmId: firm.id,
            clientId: client.id,
            name: person.name,
            email: person.email,
            portalStatus: person.portal ? "active" : "none",
            userId,
          })
          .returning();
        if (contact) people.contacts.set(person.email, contact);
      }
    }
  }
  await seedDemoConversations(tx, people);
}

/** Removes every row of every table, keeping the schema. */
export async function clearAllData(db: Database): Promise<void> {
  await db.execute(
    'truncate table "firms", "user", "session", "account", "verification", "rate_limit", "mail_outbox", "setup_links" cascade',
  );
}

export function demoSignIns(): string[] {
  return demoFirms.flatMap((firm) => [
    ...firm.staff.map((member) => `  staff    ${member.email.padEnd(24)} (${firm.name})`),
    ...firm.clients.flatMap((client) =>
      client.contacts
        .filter((person) => person.portal)
        .map((person) => `  portal   ${person.email.padEnd(24)} (${client.name})`),
    ),
  ]);
}
