DROP INDEX "contacts_client_email_unique";--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "removed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "messages_author_contact_idx" ON "messages" USING btree ("author_contact_id") WHERE "messages"."author_contact_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_client_email_unique" ON "contacts" USING btree ("client_id",lower("email")) WHERE "contacts"."email" is not null and "contacts"."removed_at" is null;