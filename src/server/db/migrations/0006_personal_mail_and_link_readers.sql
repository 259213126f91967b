ALTER TABLE "mail_outbox" ADD COLUMN "firm_can_read_link" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_invitations" ADD COLUMN "firm_can_read_link" boolean DEFAULT true NOT NULL;--> statement-breakpoint
-- Mail about a person's own account belongs to no firm (it was filed under one of their firms).
UPDATE "mail_outbox" SET "firm_id" = NULL WHERE "kind" IN ('sign_in_link', 'password_reset');--> statement-breakpoint
-- Until now an invitation could set the password of any contact's sign-in, and one left on a
-- firm's outbox could create it: no existing contact sign-in counts as proven until the person
-- proves the address (a password reset or a one-time link sent to it).
UPDATE "user" SET "email_verified" = false WHERE "kind" = 'contact';