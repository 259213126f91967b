import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { Database } from "../db/connect.js";
import { contacts, staff, user } from "../db/schema.js";
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

/** Where a reset link leads once its token checks out: the sign-in side the person uses. */
export const resetPageOf = (kind: string) =>
  kind === "staff" ? "/reset-password" : "/portal/reset-password";

/**
 * A reset link for a staff member (or a contact, as above). Staff resets are the person's own
 * mail too: no firm's Outbox shows them.
 */
export async function sendPasswordReset(
  db: Database,
  person: { id: string; email: string; kind: string },
  url: string,
) {
  if (person.kind !== "staff") return sendPortalPasswordReset(db, person.email, url);
  // A deactivated member gets no reset link: they may not sign in at all.
  const [member] = await db
    .select({ id: staff.id })
    .from(staff)
    .where(and(eq(staff.userId, person.id), isNull(staff.deactivatedAt)));
  if (!member) return;
  await enqueueMail(db, {
    firmId: null,
    kind: "password_reset",
    to: person.email,
    content: passwordResetMail({ url, account: "staff" }),
  });
}
