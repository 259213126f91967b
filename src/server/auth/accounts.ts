import { hashPassword } from "better-auth/crypto";
import type { Queryable } from "../db/connect.js";
import { account, user } from "../db/schema.js";

export { hashPassword };

/**
 * Creates a person who can sign in with e-mail and password, in the tables Better Auth reads.
 * Pass a precomputed `passwordHash` to create many accounts without hashing each time.
 */
export async function createPasswordUser(
  db: Queryable,
  input: { name: string; email: string; kind: "staff" | "contact"; passwordHash: string },
): Promise<string> {
  const userId = crypto.randomUUID();
  const email = input.email.toLowerCase();
  await db.insert(user).values({
    id: userId,
    name: input.name,
    email,
    // Verified: these addresses were entered by the firm; an unverified user would lose its
    // password on a later one-time-link sign-in.
    emailVerified: true,
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
