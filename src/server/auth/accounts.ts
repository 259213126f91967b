import { hashPassword } from "better-auth/crypto";
import { eq } from "drizzle-orm";
import type { Queryable } from "../db/connect.js";
import { account, user } from "../db/schema.js";

export { hashPassword };

/**
 * Creates a person who can sign in with e-mail and password, in the tables Better Auth reads.
 * Pass a precomputed `passwordHash` to create many accounts without hashing each time.
 */
export async function createPasswordUser(
  db: Queryable,
  input: {
    name: string;
    email: string;
    kind: "staff" | "contact";
    passwordHash: string;
    /** False when someone other than the address's holder may know the password. */
    emailVerified?: boolean;
  },
): Promise<string> {
  const userId = crypto.randomUUID();
  const email = input.email.toLowerCase();
  await db.insert(user).values({
    id: userId,
    name: input.name,
    email,
    // Staff and demo people are entered by whoever runs the server; a contact is verified only
    // when their password was set through a link no firm could read.
    emailVerified: input.emailVerified ?? true,
    kind: input.kind,
  });
  await db.insert(account).values({
    id: crypto.randomUUID(),
    accountId: userId,
    providerId: "credential",
    userId,
    password: input.passwordHash,
  });
  return userId;
}

/**
 * Records that the person proved they hold their address (a link sent to it was used). Until
 * then, linking the account to another firm's client needs that proof.
 */
export async function markAddressProven(db: Queryable, userId: string): Promise<void> {
  await db.update(user).set({ emailVerified: true }).where(eq(user.id, userId));
}
