import { createPasswordUser, hashPassword } from "../src/server/auth/accounts.js";
import type { Database } from "../src/server/db/connect.js";
import { clients, contacts, firms, staff } from "../src/server/db/schema.js";

export const TEST_PASSWORD = "test-password-123";

let passwordHash: Promise<string> | undefined;
const testPasswordHash = () => {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  return passwordHash;
};

const unique = () => crypto.randomUUID().slice(0, 8);

export type TestFirm = { id: string; name: string };
export type TestStaff = { id: string; userId: string; firmId: string; name: string; email: string };

export async function buildFirm(db: Database, name = `Firm ${unique()}`): Promise<TestFirm> {
  const [firm] = await db.insert(firms).values({ name }).returning();
  if (!firm) throw new Error("no firm");
  return { id: firm.id, name: firm.name };
}

export async function buildStaff(
  db: Database,
  firm: TestFirm,
  options: { name?: string; role?: "owner" | "admin" | "member" } = {},
): Promise<TestStaff> {
  const name = options.name ?? `Staff ${unique()}`;
  const email = `staff-${unique()}@example.test`;
  const userId = await createPasswordUser(db, {
    name,
    email,
    kind: "staff",
    passwordHash: await testPasswordHash(),
  });
  const [member] = await db
    .insert(staff)
    .values({ firmId: firm.id, userId, role: options.role ?? "member" })
    .returning();
  if (!member) throw new Error("no staff");
  return { id: member.id, userId, firmId: firm.id, name, email };
}

export async function buildClient(db: Database, firm: TestFirm, name = `Client ${unique()}`) {
  const [client] = await db.insert(clients).values({ firmId: firm.id, name }).returning();
  if (!client) throw new Error("no client");
  return client;
}

export async function buildContact(
  db: Database,
  client: { id: string; firmId: string },
  options: { name?: string; email?: string | null } = {},
) {
  const [contact] = await db
    .insert(contacts)
    .values({
      firmId: client.firmId,
      clientId: client.id,
      name: options.name ?? `Contact ${unique()}`,
      email: options.email === undefined ? `contact-${unique()}@example.test` : options.email,
    })
    .returning();
  if (!contact) throw new Error("no contact");
  return contact;
}
