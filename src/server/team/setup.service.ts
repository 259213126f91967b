import { count, eq, sql } from "drizzle-orm";
import type { SetupState } from "../../shared/api/team.js";
import { createPasswordUser, hashPassword } from "../auth/accounts.js";
import { createLinkToken, hashLinkToken } from "../auth/tokens.js";
import type { Database, Queryable } from "../db/connect.js";
import { isUniqueViolation } from "../db/errors.js";
import { firms, setupLinks, staff } from "../db/schema.js";
import { AppError } from "../http/errors.js";
import { SEED_LOCK } from "../seed/demo-data.js";

/*
 * First-run setup: while the database has no firm, each start writes a fresh one-time link and
 * prints it (only its hash is stored). The link creates the first firm and its owner; every link
 * dies with that first firm.
 */

export async function hasAnyFirm(db: Queryable): Promise<boolean> {
  const [row] = await db.select({ count: count() }).from(firms);
  return (row?.count ?? 0) > 0;
}

/** A new setup link's token while the database has no firm; null once a firm exists. */
export async function createSetupLink(db: Database): Promise<string | null> {
  if (await hasAnyFirm(db)) return null;
  const { token, hash } = createLinkToken();
  await db.insert(setupLinks).values({ tokenHash: hash });
  return token;
}

export const setupUrl = (publicUrl: string, token: string) => `${publicUrl}/setup?token=${token}`;

async function linkExists(db: Queryable, token: string) {
  const [row] = await db
    .select({ hash: setupLinks.tokenHash })
    .from(setupLinks)
    .where(eq(setupLinks.tokenHash, hashLinkToken(token)));
  return row !== undefined;
}

/** What the setup page shows: the form, a note that the link is wrong, or that setup is done. */
export async function setupState(db: Database, token: string | undefined): Promise<SetupState> {
  if (await hasAnyFirm(db)) return { state: "done" };
  if (!token || !(await linkExists(db, token))) return { state: "invalid_link" };
  return { state: "ready" };
}

const setupDone = () =>
  new AppError("setup_done", 409, "This Portico is set up already: sign in instead.");
const wrongLink = () =>
  new AppError(
    "setup_link_invalid",
    403,
    "This setup link does not work. Use the link in the server's output from its latest start.",
  );

/**
 * Creates the install's first firm and its owner, under the lock demo seeding takes, so that
 * two submits (or a seeding process) cannot both create a first firm. Returns the owner's e-mail.
 */
export async function completeSetup(
  db: Database,
  input: { token: string; firmName: string; name: string; email: string; password: string },
): Promise<{ email: string }> {
  if (await hasAnyFirm(db)) throw setupDone();
  if (!(await linkExists(db, input.token))) throw wrongLink();
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
      if (await hasAnyFirm(tx)) throw setupDone();
      if (!(await linkExists(tx, input.token))) throw wrongLink();
      const [firm] = await tx.insert(firms).values({ name: input.firmName }).returning();
      if (!firm) throw new Error("firm insert returned no row");
      const userId = await createPasswordUser(tx, {
        name: input.name,
        email: input.email,
        kind: "staff",
        passwordHash,
      });
      await tx.insert(staff).values({ firmId: firm.id, userId, role: "owner" });
      await tx.delete(setupLinks);
      return { email: input.email.toLowerCase() };
    });
  } catch (error) {
    if (isUniqueViolation(error, "user_email_unique")) {
      throw new AppError(
        "address_has_sign_in",
        409,
        "This address already has a sign-in here. Use another address.",
        { email: "This address already has a sign-in here." },
      );
    }
    throw error;
  }
}
