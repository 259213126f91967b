CREATE TYPE "public"."waiting_party" AS ENUM('us', 'client');--> statement-breakpoint
CREATE TABLE "deleted_message_numbers" (
	"firm_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"reader_kind" "reader_kind" NOT NULL,
	"number" integer NOT NULL,
	CONSTRAINT "deleted_message_numbers_conversation_id_reader_kind_number_pk" PRIMARY KEY("conversation_id","reader_kind","number")
);
--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "waiting_on" "waiting_party";--> statement-breakpoint
ALTER TABLE "deleted_message_numbers" ADD CONSTRAINT "deleted_message_numbers_firm_id_firms_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deleted_message_numbers" ADD CONSTRAINT "deleted_message_numbers_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Who each conversation waits on: the author of its newest public message.
UPDATE "conversations" c SET "waiting_on" = (
	SELECT CASE m."author_kind" WHEN 'contact' THEN 'us' ELSE 'client' END::"waiting_party"
	FROM "messages" m
	WHERE m."conversation_id" = c."id" AND NOT m."internal" AND m."public_seq" IS NOT NULL
	ORDER BY m."public_seq" DESC LIMIT 1
);--> statement-breakpoint
-- The numbers messages deleted so far left unused, in both numberings.
INSERT INTO "deleted_message_numbers" ("firm_id", "conversation_id", "reader_kind", "number")
SELECT c."firm_id", c."id", 'staff', n FROM "conversations" c, generate_series(1, c."last_seq") n
WHERE NOT EXISTS (SELECT 1 FROM "messages" m WHERE m."conversation_id" = c."id" AND m."seq" = n);--> statement-breakpoint
INSERT INTO "deleted_message_numbers" ("firm_id", "conversation_id", "reader_kind", "number")
SELECT c."firm_id", c."id", 'contact', n FROM "conversations" c, generate_series(1, c."last_public_seq") n
WHERE NOT EXISTS (SELECT 1 FROM "messages" m WHERE m."conversation_id" = c."id" AND m."public_seq" = n);--> statement-breakpoint
-- Writing a message reads the thread up to it, as a send does: so a reader's own messages never
-- lie past their cursor, and the distance to the newest number counts only others' messages.
INSERT INTO "read_cursors" ("firm_id", "conversation_id", "reader_kind", "reader_id", "last_read_seq", "read_at")
SELECT DISTINCT ON (m."conversation_id", m."author_kind", coalesce(m."author_staff_id", m."author_contact_id"))
	m."firm_id", m."conversation_id", m."author_kind"::text::"reader_kind",
	coalesce(m."author_staff_id", m."author_contact_id"),
	CASE m."author_kind" WHEN 'staff' THEN m."seq" ELSE m."public_seq" END, m."created_at"
FROM "messages" m
WHERE coalesce(m."author_staff_id", m."author_contact_id") IS NOT NULL
	AND (m."author_kind" = 'staff' OR m."public_seq" IS NOT NULL)
ORDER BY m."conversation_id", m."author_kind", coalesce(m."author_staff_id", m."author_contact_id"), m."seq" DESC
ON CONFLICT ("conversation_id", "reader_kind", "reader_id") DO UPDATE SET
	"last_read_seq" = greatest("read_cursors"."last_read_seq", excluded."last_read_seq"),
	"read_at" = CASE WHEN excluded."last_read_seq" > "read_cursors"."last_read_seq"
		THEN excluded."read_at" ELSE "read_cursors"."read_at" END;
