import { and, desc, eq } from "drizzle-orm";
import type { Database } from "../src/server/db/connect.js";
import { mailOutbox } from "../src/server/db/schema.js";
import type { Conversation } from "../src/shared/api/messaging.js";
import { buildClient, buildContact, buildFirm, buildStaff, TEST_PASSWORD } from "./factories.js";
import { acceptInvitation, callRoute, type Session, signIn } from "./remote-client.js";

/** A password that meets every rule, for contacts accepting an invitation. */
export const CONTACT_PASSWORD = "portal-password-456";

/** The token of the newest invitation written to the outbox for `address`. */
export async function invitationToken(db: Database, address: string, publicUrl: string) {
  const [mail] = await db
    .select()
    .from(mailOutbox)
    .where(and(eq(mailOutbox.toAddress, address), eq(mailOutbox.kind, "invitation")))
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(1);
  const escaped = publicUrl.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match =
    mail && new RegExp(`${escaped}/portal/invitation/([A-Za-z0-9_-]+)`).exec(mail.textBody);
  if (!match?.[1]) throw new Error(`no invitation mailed to ${address}`);
  return match[1];
}

let acceptedCount = 0;
/** A distinct address per simulated person from the benchmarking range (only ever a header). */
const nextPersonAddress = () => {
  acceptedCount += 1;
  return `198.18.${Math.floor(acceptedCount / 250) % 250}.${(acceptedCount % 250) + 1}`;
};

export type SeededClient = {
  clientId: string;
  allContacts: Conversation;
  contacts: { id: string; email: string; session: Session; direct: Conversation }[];
};

/**
 * A firm with `staffCount` staff (signed in) and `clientCount` clients, each with
 * `contactsPerClient` contacts who accepted their invitation (signed in), an All Contacts thread
 * and a direct thread per contact. Staff act through `base`; invitations are accepted through
 * `acceptBase`, which may be another process.
 */
export async function seedFirm(
  db: Database,
  options: {
    base: string;
    acceptBase?: string;
    publicUrl: string;
    staffCount: number;
    clientCount: number;
    contactsPerClient: number;
    /** The servers trust one proxy (TRUST_PROXY=1): give each contact an address of their own. */
    clientAddresses?: boolean;
  },
) {
  const { base, publicUrl } = options;
  const firm = await buildFirm(db);
  const staffMembers = [];
  // Each staff member may send 30 invitations an hour: enough staff to invite every contact.
  const invitations = options.clientCount * options.contactsPerClient;
  const staffCount = Math.max(options.staffCount, Math.ceil(invitations / 25));
  for (let index = 0; index < staffCount; index++) {
    const member = await buildStaff(db, firm, { role: index === 0 ? "owner" : "member" });
    staffMembers.push({
      ...member,
      session: await signIn(base, publicUrl, member.email, TEST_PASSWORD),
    });
  }
  const owner = staffMembers[0];
  if (!owner) throw new Error("a firm needs staff");
  const clients: SeededClient[] = [];
  let invited = 0;
  for (let index = 0; index < options.clientCount; index++) {
    const client = await buildClient(db, firm);
    const allContacts = await callRoute<Conversation>(base, owner.session, "startConversation", {
      params: { clientId: client.id },
      body: { kind: "all_contacts" },
    });
    const contacts: SeededClient["contacts"] = [];
    for (let c = 0; c < options.contactsPerClient; c++) {
      const contact = await buildContact(db, client);
      const email = contact.email ?? "";
      const inviter = staffMembers[invited++ % staffMembers.length] ?? owner;
      await callRoute(base, inviter.session, "inviteContact", {
        params: { clientId: client.id, contactId: contact.id },
      });
      const token = await invitationToken(db, email, publicUrl);
      const session = await acceptInvitation(
        options.acceptBase ?? base,
        publicUrl,
        token,
        CONTACT_PASSWORD,
        options.clientAddresses ? nextPersonAddress() : undefined,
      );
      const direct = await callRoute<Conversation>(base, owner.session, "startConversation", {
        params: { clientId: client.id },
        body: { kind: "direct", contactId: contact.id },
      });
      contacts.push({ id: contact.id, email, session, direct });
    }
    clients.push({ clientId: client.id, allContacts, contacts });
  }
  return { firm, staff: staffMembers, clients };
}
