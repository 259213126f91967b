import { and, eq } from "drizzle-orm";
import type { Database } from "../db/connect.js";
import { contacts, user } from "../db/schema.js";
import { enqueueMail } from "../mail/outbox.js";
import { passwordResetMail, signInLinkMail } from "../mail/templates.js";

/**
 * The firm whose outbox holds mail for a portal user: the firm of one of their active contact
 * links. Staff and people without portal access get no portal mail (and are not told so).
 */
async function portalFirmOf(db: Database, email: string): Promise<string | null> {
  const [link] = await db
    .select({ firmId: contacts.firmId })
    .from(user)
    .innerJoin(contacts, eq(contacts.userId, user.id))
    .where(
      and(
        eq(user.email, email.toLowerCase()),
        eq(user.kind, "contact"),
        eq(contacts.portalStatus, "active"),
      ),
    )
    .limit(1);
  return link?.firmId ?? null;
}

export async function sendPortalSignInLink(db: Database, email: string, url: string) {
  const firmId = await portalFirmOf(db, email);
  if (!firmId) return;
  await enqueueMail(db, {
    firmId,
    kind: "sign_in_link",
    to: email,
    content: signInLinkMail({ url }),
  });
}

export async function sendPortalPasswordReset(db: Database, email: string, url: string) {
  const firmId = await portalFirmOf(db, email);
  if (!firmId) return;
  await enqueueMail(db, {
    firmId,
    kind: "password_reset",
    to: email,
    content: passwordResetMail({ url }),
  });
}
