CREATE TYPE "public"."staff_message_alerts" AS ENUM('mentions_and_client_messages', 'mentions', 'none');--> statement-breakpoint
ALTER TYPE "public"."mail_kind" ADD VALUE 'staff_alert';--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"firm_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone,
	"emailed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "staff" ADD COLUMN "message_alerts" "staff_message_alerts" DEFAULT 'mentions_and_client_messages' NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_firm_id_firms_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_message_staff" ON "notifications" USING btree ("message_id","staff_id");--> statement-breakpoint
CREATE INDEX "notifications_staff_created_idx" ON "notifications" USING btree ("staff_id","created_at","id");--> statement-breakpoint
CREATE INDEX "notifications_staff_unread_idx" ON "notifications" USING btree ("staff_id","conversation_id") WHERE "notifications"."read_at" is null;--> statement-breakpoint
CREATE INDEX "conversations_firm_activity_idx" ON "conversations" USING btree ("firm_id","last_message_at" DESC NULLS LAST,"id" DESC NULLS LAST);