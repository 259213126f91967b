CREATE TABLE "setup_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "portal_invitations" ALTER COLUMN "contact_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_invitations" ADD COLUMN "staff_name" text;--> statement-breakpoint
ALTER TABLE "portal_invitations" ADD COLUMN "staff_email" text;--> statement-breakpoint
ALTER TABLE "portal_invitations" ADD COLUMN "staff_role" "staff_role";--> statement-breakpoint
ALTER TABLE "portal_invitations" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "staff" ADD COLUMN "deactivated_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "portal_invitations_pending_staff_unique" ON "portal_invitations" USING btree ("firm_id",lower("staff_email")) WHERE "portal_invitations"."staff_email" is not null and "portal_invitations"."used_at" is null and "portal_invitations"."retired_at" is null;--> statement-breakpoint
ALTER TABLE "portal_invitations" ADD CONSTRAINT "portal_invitations_one_invitee" CHECK (("portal_invitations"."contact_id" is null) = ("portal_invitations"."staff_email" is not null and "portal_invitations"."staff_name" is not null and "portal_invitations"."staff_role" is not null));