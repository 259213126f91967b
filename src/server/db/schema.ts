import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

// --- Sign-in tables, in the shape Better Auth expects (see src/server/auth/auth.ts) ---

export const principalKind = pgEnum("principal_kind", ["staff", "contact"]);

/** A person who can sign in: a staff member of a firm, or a contact using the portal. */
export const user = pgTable("user", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: boolean("email_verified").notNull().default(false),
  image: text("image"),
  kind: principalKind("kind").notNull(),
  /** Set by Better Auth's two-factor plugin once a TOTP app is confirmed; only staff may turn it on. */
  twoFactorEnabled: boolean("two_factor_enabled").notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const session = pgTable(
  "session",
  {
    id: text("id").primaryKey(),
    token: text("token").notNull().unique(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index("session_user_id_idx").on(table.userId)],
);

export const account = pgTable(
  "account",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: timestamp("access_token_expires_at", { withTimezone: true }),
    refreshTokenExpiresAt: timestamp("refresh_token_expires_at", { withTimezone: true }),
    scope: text("scope"),
    password: text("password"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index("account_user_id_idx").on(table.userId)],
);

export const verification = pgTable(
  "verification",
  {
    id: text("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index("verification_identifier_idx").on(table.identifier)],
);

/** A person's TOTP secret and backup codes (both encrypted by Better Auth's two-factor plugin). */
export const twoFactor = pgTable("two_factor", {
  id: text("id").primaryKey(),
  secret: text("secret").notNull(),
  backupCodes: text("backup_codes").notNull(),
  userId: text("user_id")
    .notNull()
    .unique()
    .references(() => user.id, { onDelete: "cascade" }),
  verified: boolean("verified").notNull().default(true),
  failedVerificationCount: integer("failed_verification_count").notNull().default(0),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
  /** The last TOTP time step accepted, so a code (or an older one) is never accepted twice. */
  lastUsedStep: bigint("last_used_step", { mode: "number" }),
});

/** Sign-in attempt counters, shared by every server process. */
export const rateLimit = pgTable("rate_limit", {
  id: text("id").primaryKey(),
  key: text("key").notNull().unique(),
  count: integer("count").notNull(),
  lastRequest: bigint("last_request", { mode: "number" }).notNull(),
});

// --- Tenants and their people ---

export const firms = pgTable("firms", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  /** Every staff member must sign in with two-factor; those without it are sent to set it up. */
  requireTwoFactor: boolean("require_two_factor").notNull().default(false),
  createdAt: createdAt(),
});

export const staffRole = pgEnum("staff_role", ["owner", "admin", "member"]);

/** Which e-mail alerts a staff member wants: mentions and client messages, mentions only, none. */
export const staffMessageAlerts = pgEnum("staff_message_alerts", [
  "mentions_and_client_messages",
  "mentions",
  "none",
]);

/** A firm's team member; their name and e-mail live on the linked sign-in `user`. */
export const staff = pgTable(
  "staff",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .unique()
      .references(() => user.id, { onDelete: "cascade" }),
    role: staffRole("role").notNull().default("member"),
    /** Set while the member is deactivated: no sign-in, no mentions; their messages keep their name. */
    deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
    messageAlerts: staffMessageAlerts("message_alerts")
      .notNull()
      .default("mentions_and_client_messages"),
    createdAt: createdAt(),
  },
  (table) => [index("staff_firm_id_idx").on(table.firmId)],
);

/**
 * One-time links that create the first firm of an install, printed in the server's output while
 * the database has no firm; only their hashes are stored, and every one dies with the first firm.
 */
export const setupLinks = pgTable("setup_links", {
  tokenHash: text("token_hash").primaryKey(),
  createdAt: createdAt(),
});

export const clients = pgTable(
  "clients",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("clients_firm_id_name_idx").on(table.firmId, table.name)],
);

export const portalStatus = pgEnum("portal_status", ["none", "invited", "active", "revoked"]);

/**
 * A person at a client; `userId` links the portal sign-in once they have portal access. A removed
 * contact who has history (messages, a direct thread) is kept as a former contact (`removedAt`).
 */
export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    clientId: uuid("client_id")
      .notNull()
      .references(() => clients.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    email: text("email"),
    portalStatus: portalStatus("portal_status").notNull().default("none"),
    userId: text("user_id").references(() => user.id, { onDelete: "set null" }),
    /** E-mails about new messages; the contact turns them off by unsubscribing or in the portal. */
    messageEmails: boolean("message_emails").notNull().default(true),
    removedAt: timestamp("removed_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    index("contacts_client_id_idx").on(table.firmId, table.clientId),
    // A former contact's address may be used by a new contact of the same client.
    uniqueIndex("contacts_client_email_unique")
      .on(table.clientId, sql`lower(${table.email})`)
      .where(sql`${table.email} is not null and ${table.removedAt} is null`),
    index("contacts_user_id_idx").on(table.userId),
  ],
);

// --- Messaging ---

export const conversationKind = pgEnum("conversation_kind", ["all_contacts", "direct"]);

/** Who a conversation waits on: "us" (the firm) after a contact wrote, "client" after staff did. */
export const waitingParty = pgEnum("waiting_party", ["us", "client"]);

/**
 * A thread of a client: one "All Contacts" per client, one "direct" per contact. `lastSeq`
 * numbers every message (what staff see); `lastPublicSeq` numbers only those contacts may see.
 */
export const conversations = pgTable(
  "conversations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    clientId: uuid("client_id")
      .notNull()
      .references(() => clients.id, { onDelete: "cascade" }),
    kind: conversationKind("kind").notNull(),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "cascade" }),
    lastSeq: integer("last_seq").notNull().default(0),
    lastPublicSeq: integer("last_public_seq").notNull().default(0),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true }),
    /**
     * Kept with each public message (a note never changes it) and on deleting one, so the inbox
     * reads it off the row instead of looking up every conversation's newest public message.
     */
    waitingOn: waitingParty("waiting_on"),
    createdAt: createdAt(),
  },
  (table) => [
    index("conversations_client_idx").on(table.firmId, table.clientId),
    // The inbox: a firm's conversations by newest activity, read in keyset pages.
    index("conversations_firm_activity_idx").on(
      table.firmId,
      table.lastMessageAt.desc(),
      table.id.desc(),
    ),
    uniqueIndex("conversations_one_all_contacts_per_client")
      .on(table.clientId)
      .where(sql`${table.kind} = 'all_contacts'`),
    uniqueIndex("conversations_one_direct_per_contact")
      .on(table.clientId, table.contactId)
      .where(sql`${table.kind} = 'direct'`),
  ],
);

export const authorKind = pgEnum("author_kind", ["staff", "contact"]);

export const messages = pgTable(
  "messages",
  {
    /** May be chosen by the sender, so a retried send is stored once. */
    id: uuid("id").primaryKey(),
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    /** Null for internal notes: contacts' numbering has no gap where a note sits. */
    publicSeq: integer("public_seq"),
    authorKind: authorKind("author_kind").notNull(),
    authorStaffId: uuid("author_staff_id").references(() => staff.id, { onDelete: "set null" }),
    authorContactId: uuid("author_contact_id").references(() => contacts.id, {
      onDelete: "set null",
    }),
    internal: boolean("internal").notNull().default(false),
    body: jsonb("body").notNull(),
    bodyText: text("body_text").notNull(),
    createdAt: createdAt(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
    version: integer("version").notNull().default(1),
  },
  (table) => [
    uniqueIndex("messages_conversation_seq").on(table.conversationId, table.seq),
    uniqueIndex("messages_conversation_public_seq")
      .on(table.conversationId, table.publicSeq)
      .where(sql`${table.publicSeq} is not null`),
    // Finds a contact's messages when the contact is removed (history check, foreign key).
    index("messages_author_contact_idx")
      .on(table.authorContactId)
      .where(sql`${table.authorContactId} is not null`),
  ],
);

export const readerKind = pgEnum("reader_kind", ["staff", "contact"]);

/**
 * The numbers deleted messages had, in each reader kind's numbering (`seq` for staff, a public
 * message's `public_seq` for contacts). Numbers are gap-free until a message is deleted, so a
 * reader's unread count is the distance from their cursor to the newest number less the gaps past it.
 */
export const deletedMessageNumbers = pgTable(
  "deleted_message_numbers",
  {
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    readerKind: readerKind("reader_kind").notNull(),
    number: integer("number").notNull(),
  },
  (table) => [primaryKey({ columns: [table.conversationId, table.readerKind, table.number] })],
);

/**
 * How far a reader has read, in their own numbering (`seq` for staff, `publicSeq` for contacts),
 * and how far a contact has been told about by e-mail (`notifiedSeq`, the new-messages digest).
 */
export const readCursors = pgTable(
  "read_cursors",
  {
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    readerKind: readerKind("reader_kind").notNull(),
    readerId: uuid("reader_id").notNull(),
    lastReadSeq: integer("last_read_seq").notNull().default(0),
    notifiedSeq: integer("notified_seq").notNull().default(0),
    /** When the cursor last moved forward: the time a read receipt shows. */
    readAt: timestamp("read_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.conversationId, table.readerKind, table.readerId] })],
);

export const mentions = pgTable(
  "mentions",
  {
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    staffId: uuid("staff_id")
      .notNull()
      .references(() => staff.id, { onDelete: "cascade" }),
  },
  (table) => [
    primaryKey({ columns: [table.messageId, table.staffId] }),
    index("mentions_staff_idx").on(table.staffId),
  ],
);

/**
 * A file uploaded by staff or a contact. It stays unsent (`messageId` null, seen only by its
 * uploader) until a send attaches it; from then on it is exactly as visible as its message, and
 * goes with it when the message is deleted.
 */
export const attachments = pgTable(
  "attachments",
  {
    id: uuid("id").primaryKey(),
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    messageId: uuid("message_id").references(() => messages.id, { onDelete: "cascade" }),
    uploaderKind: principalKind("uploader_kind").notNull(),
    uploaderStaffId: uuid("uploader_staff_id").references(() => staff.id, {
      onDelete: "set null",
    }),
    /** The contact record (one client's) the upload was made through. */
    uploaderContactId: uuid("uploader_contact_id").references(() => contacts.id, {
      onDelete: "set null",
    }),
    uploadedByUserId: text("uploaded_by_user_id").references(() => user.id, {
      onDelete: "set null",
    }),
    /** The uploaded file's name, for display only; storage never uses it. */
    name: text("name").notNull(),
    contentType: text("content_type").notNull(),
    /** Null while the bytes are still arriving: such a row is never shown or attached. */
    size: bigint("size", { mode: "number" }),
    storageKey: text("storage_key").notNull(),
    thumbnailKey: text("thumbnail_key"),
    createdAt: createdAt(),
  },
  (table) => [
    index("attachments_message_idx").on(table.messageId),
    index("attachments_unsent_idx").on(table.createdAt).where(sql`${table.messageId} is null`),
  ],
);

// --- Portal access and mail ---

/**
 * A single-use invitation link, for a contact (to the portal: `contactId`) or for a new teammate
 * (`staffName`, `staffEmail`, `staffRole`); only a hash of its token is stored. Both kinds share
 * the one mechanism: expiry, single use, hourly limits, retiring on resend or revoke.
 */
export const portalInvitations = pgTable(
  "portal_invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "cascade" }),
    staffName: text("staff_name"),
    staffEmail: text("staff_email"),
    staffRole: staffRole("staff_role"),
    tokenHash: text("token_hash").notNull().unique(),
    invitedByStaffId: uuid("invited_by_staff_id").references(() => staff.id, {
      onDelete: "set null",
    }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    /**
     * The link was left in the firm's outbox (no SMTP server), so the firm could have used it:
     * accepting it proves nothing about who holds the address.
     */
    firmCanReadLink: boolean("firm_can_read_link").notNull().default(true),
    /** Replaced by a newer link or revoked: the token no longer works, the row still counts. */
    retiredAt: timestamp("retired_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    index("portal_invitations_contact_idx").on(table.contactId),
    // A teammate has at most one pending invitation per firm.
    uniqueIndex("portal_invitations_pending_staff_unique")
      .on(table.firmId, sql`lower(${table.staffEmail})`)
      .where(
        sql`${table.staffEmail} is not null and ${table.usedAt} is null and ${table.retiredAt} is null`,
      ),
    check(
      "portal_invitations_one_invitee",
      sql`(${table.contactId} is null) = (${table.staffEmail} is not null and ${table.staffName} is not null and ${table.staffRole} is not null)`,
    ),
  ],
);

export const mailKind = pgEnum("mail_kind", [
  "invitation",
  "sign_in_link",
  "password_reset",
  "new_messages",
  "staff_alert",
]);

/**
 * Every outgoing e-mail is written here first, then sent by the mail worker when SMTP is set.
 * Mail about a person's own account (sign-in links, resets) has no firm: no firm ever reads it.
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    firmId: uuid("firm_id").references(() => firms.id, { onDelete: "cascade" }),
    /** The firm's outbox may show this mail's link (an invitation written without SMTP). */
    firmCanReadLink: boolean("firm_can_read_link").notNull().default(false),
    kind: mailKind("kind").notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body").notNull(),
    /** Extra headers, such as `List-Unsubscribe` on message e-mails. */
    headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
    createdAt: createdAt(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
  },
  (table) => [
    index("mail_outbox_firm_idx").on(table.firmId, table.createdAt),
    index("mail_outbox_unsent_idx").on(table.nextAttemptAt).where(sql`${table.sentAt} is null`),
  ],
);

// --- Staff notifications ---

/**
 * Tells a staff member they were @mentioned in a message or note. One row per message and
 * person: editing the message keeps it (notified once), removing the mention or the message
 * removes it. `emailedAt` records the mention e-mail, so several processes send it once.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    staffId: uuid("staff_id")
      .notNull()
      .references(() => staff.id, { onDelete: "cascade" }),
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    readAt: timestamp("read_at", { withTimezone: true }),
    emailedAt: timestamp("emailed_at", { withTimezone: true }),
  },
  (table) => [
    uniqueIndex("notifications_message_staff").on(table.messageId, table.staffId),
    index("notifications_staff_created_idx").on(table.staffId, table.createdAt, table.id),
    index("notifications_staff_unread_idx")
      .on(table.staffId, table.conversationId)
      .where(sql`${table.readAt} is null`),
  ],
);
