-- Signed checkpoints and the new event kinds (INTENT, OUTCOME, DENIED, REVIEW).
-- Events are now hashed together with their position (hash_version 2), so positions are
-- assigned by the service — contiguous, under the append lock — instead of by an identity
-- column whose values may skip. Events recorded before this migration keep version 1.
-- The kind becomes text with a CHECK: a new enum value could not be used (in a check or
-- an index) within the transaction that adds it.
CREATE TABLE "audit"."audit_checkpoints" (
	"number" bigint PRIMARY KEY NOT NULL,
	"sequence" bigint NOT NULL,
	"head_hash" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"key_id" text NOT NULL,
	"signature" text NOT NULL,
	CONSTRAINT "audit_checkpoints_sequence_unique" UNIQUE("sequence"),
	CONSTRAINT "audit_checkpoints_positive" CHECK ("audit"."audit_checkpoints"."number" >= 1 and "audit"."audit_checkpoints"."sequence" >= 1),
	CONSTRAINT "audit_checkpoints_head_hash_format" CHECK ("audit"."audit_checkpoints"."head_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ALTER COLUMN "sequence" DROP IDENTITY;--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ALTER COLUMN "kind" SET DATA TYPE text USING "kind"::text;--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD COLUMN "hash_version" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ALTER COLUMN "hash_version" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD COLUMN "intent_id" uuid;--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD COLUMN "denial_reason" text;--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD COLUMN "repeat_count" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD COLUMN "reviewed_event_id" uuid;--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD COLUMN "review_outcome" text;--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD COLUMN "review_note" text;--> statement-breakpoint
CREATE INDEX "audit_events_kind_idx" ON "audit"."audit_events" USING btree ("kind","sequence");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_one_outcome_per_intent" ON "audit"."audit_events" USING btree ("intent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_one_review_per_event" ON "audit"."audit_events" USING btree ("reviewed_event_id");--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD CONSTRAINT "audit_events_hash_version" CHECK ("audit"."audit_events"."hash_version" in (1, 2));--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD CONSTRAINT "audit_events_kind" CHECK ("audit"."audit_events"."kind" in ('DISCLOSURE', 'MUTATION', 'AUDIT_READ', 'INTENT', 'OUTCOME', 'DENIED', 'REVIEW'));--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD CONSTRAINT "audit_events_outcome_of_intent" CHECK (("audit"."audit_events"."kind" = 'OUTCOME') = ("audit"."audit_events"."intent_id" is not null) and ("audit"."audit_events"."kind" = 'OUTCOME') = ("audit"."audit_events"."outcome" is not null));--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD CONSTRAINT "audit_events_outcome_status" CHECK ("audit"."audit_events"."outcome" in ('COMMITTED', 'FAILED', 'UNKNOWN'));--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD CONSTRAINT "audit_events_denial_reason" CHECK (("audit"."audit_events"."kind" = 'DENIED') = ("audit"."audit_events"."denial_reason" is not null));--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD CONSTRAINT "audit_events_denial_reason_known" CHECK ("audit"."audit_events"."denial_reason" in ('SCOPE', 'PURPOSE', 'POLICY', 'NEED_TO_KNOW', 'BREAK_GLASS_WITHOUT_SCOPE', 'SUBJECT_REQUIRED', 'UNAUTHENTICATED'));--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD CONSTRAINT "audit_events_repeat_count" CHECK ("audit"."audit_events"."repeat_count" = 1 or ("audit"."audit_events"."kind" = 'DENIED' and "audit"."audit_events"."repeat_count" > 1));--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD CONSTRAINT "audit_events_review_complete" CHECK (("audit"."audit_events"."kind" = 'REVIEW') = ("audit"."audit_events"."reviewed_event_id" is not null)
        and ("audit"."audit_events"."kind" = 'REVIEW') = ("audit"."audit_events"."review_outcome" is not null)
        and ("audit"."audit_events"."kind" = 'REVIEW') = ("audit"."audit_events"."review_note" is not null));--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD CONSTRAINT "audit_events_review_outcome" CHECK ("audit"."audit_events"."review_outcome" in ('JUSTIFIED', 'UNJUSTIFIED'));--> statement-breakpoint
DROP TYPE "audit"."audit_event_kind";