import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { Database } from "../db/connect.js";
import { contacts, user } from "../db/schema.js";
import { enqueueMail } from "../mail/outbox.js";
import { passwordResetMail, signInLinkMail } from "../mail/templates.js";

/**
 * Whether an address signs in to the portal: a contact's sign-in with access somewhere, or
 * invited somewhere (they may need the link to prove the address before accepting). Staff and
 * strangers get no portal mail, and are not told so.
 */
async function isPortalAddress(db: Database, email: string): Promise<boolean> {
  const address = email.toLowerCase();
  const [found] = await db
    .select({ id: user.id })
    .from(user)
    .innerJoin(
      contacts,
      or(
        and(eq(contacts.userId, user.id), eq(contacts.portalStatus, "active")),
        and(
          sql`lower(${contacts.email}) = ${address}`,
          eq(contacts.portalStatus, "invited"),
          isNull(contacts.removedAt),
        ),
      ),
    )
    .where(and(eq(user.email, address), eq(user.kind, "contact")))
    .limit(1);
  return found !== undefined;
}

/** A one-time sign-in link: the person's own mail, which belongs to no firm's outbox. */
export async function sendPortalSignInLink(db: Database, email: string, url: string) {
  if (!(await isPortalAddress(db, email))) return;
  await enqueueMail(db, {
    firmId: null,
    kind: "sign_in_link",
    to: email,
    content: signInLinkMail({ url }),
  });
}

/** A password reset link: the person's own mail, which belongs to no firm's outbox. */
export async function sendPortalPasswordReset(db: Database, email: string, url: string) {
  if (!(await isPortalAddress(db, email))) return;
  await enqueueMail(db, {
    firmId: null,
    kind: "password_reset",
    to: email,
    content: passwordResetMail({ url }),
  });
}
