import { count } from "drizzle-orm";
import { createPasswordUser, hashPassword } from "../auth/accounts.js";
import type { Database } from "../db/connect.js";
import { clients, contacts, firms, staff } from "../db/schema.js";
import { type DemoPeople, seedDemoConversations } from "./demo-conversations.js";

export const DEMO_PASSWORD = "demo-password";

type DemoContact = { name: string; email: string; portal: boolean };
type DemoFirm = {
  name: string;
  staff: { name: string; email: string; role: "owner" | "member" }[];
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

export async function isDatabaseEmpty(db: Database): Promise<boolean> {
  const [row] = await db.select({ firms: count() }).from(firms);
  return (row?.firms ?? 0) === 0;
}

/** Inserts the demo firms, staff, clients and contacts in one transaction. */
export async function seedDemoData(db: Database): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.transaction(async (tx) => {
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
  });
}

/** Removes every row of every table, keeping the schema. */
export async function clearAllData(db: Database): Promise<void> {
  await db.execute(
    'truncate table "firms", "user", "session", "account", "verification", "rate_limit", "mail_outbox" cascade',
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
