ALTER TABLE "mail_outbox" ADD COLUMN "firm_can_read_link" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_invitations" ADD COLUMN "firm_can_read_link" boolean DEFAULT true NOT NULL;--> statement-breakpoint
-- Mail about a person's own account belongs to no firm (it was filed under one of their firms).
UPDATE "mail_outbox" SET "firm_id" = NULL WHERE "kind" IN ('sign_in_link', 'password_reset');