import { createHmac, timingSafeEqual } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Queryable } from "../db/connect.js";
import { clients, contacts, firms } from "../db/schema.js";

/**
 * A contact's unsubscribe token: their contact id and a signature over it, so the link needs no
 * stored state and works for as long as the contact exists. It can only switch that one contact's
 * message e-mails, which is why it may travel in mail headers.
 */
export function unsubscribeTokenFor(secret: string, contactId: string): string {
  return `${contactId}.${signature(secret, contactId)}`;
}

/** The contact a token names, or null when it was not made with our secret. */
export function contactIdOfUnsubscribeToken(secret: string, token: string): string | null {
  const [contactId = "", given = ""] = token.split(".");
  const expected = Buffer.from(signature(secret, contactId));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? contactId : null;
}

function signature(secret: string, contactId: string): string {
  return createHmac("sha256", secret)
    .update(`unsubscribe:${contactId}`)
    .digest("base64url")
    .slice(0, 32);
}

/**
 * The links a message e-mail carries: the page a person opens, and the RFC 8058 one-click address
 * a mail client posts to, with the headers that announce it.
 */
export function unsubscribeLinks(input: { publicUrl: string; secret: string; contactId: string }) {
  const token = unsubscribeTokenFor(input.secret, input.contactId);
  const oneClickUrl = `${input.publicUrl}/api/mail-subscriptions/${token}/unsubscribe`;
  return {
    pageUrl: `${input.publicUrl}/unsubscribe/${token}`,
    headers: {
      "List-Unsubscribe": `<${oneClickUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}

/** Whether a (current) contact gets message e-mails, with the names the page shows. */
export async function mailSubscriptionOf(db: Queryable, contactId: string) {
  const [found] = await db
    .select({
      messageEmails: contacts.messageEmails,
      firmName: firms.name,
      clientName: clients.name,
    })
    .from(contacts)
    .innerJoin(firms, eq(firms.id, contacts.firmId))
    .innerJoin(clients, eq(clients.id, contacts.clientId))
    .where(and(eq(contacts.id, contactId), isNull(contacts.removedAt)));
  return found ?? null;
}

/** Turns a contact's message e-mails on or off; false when there is no such current contact. */
export async function setMessageEmails(
  db: Queryable,
  contactId: string,
  messageEmails: boolean,
): Promise<boolean> {
  const updated = await db
    .update(contacts)
    .set({ messageEmails })
    .where(and(eq(contacts.id, contactId), isNull(contacts.removedAt)))
    .returning({ id: contacts.id });
  return updated.length > 0;
}
