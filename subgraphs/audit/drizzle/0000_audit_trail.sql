CREATE TYPE "audit"."audit_event_kind" AS ENUM('DISCLOSURE', 'MUTATION', 'AUDIT_READ');--> statement-breakpoint
CREATE TABLE "audit"."audit_events" (
	"sequence" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit"."audit_events_sequence_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" uuid NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"kind" "audit"."audit_event_kind" NOT NULL,
	"principal" text NOT NULL,
	"client_id" text,
	"operation_name" text,
	"document_hash" text NOT NULL,
	"purpose" text,
	"break_glass" boolean DEFAULT false NOT NULL,
	"break_glass_justification" text,
	"field_coordinates" text[] NOT NULL,
	"entities" jsonb NOT NULL,
	"request_id" text,
	"previous_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_events_id_unique" UNIQUE("id"),
	CONSTRAINT "audit_events_hash_unique" UNIQUE("hash"),
	CONSTRAINT "audit_events_hash_format" CHECK ("audit"."audit_events"."hash" ~ '^[0-9a-f]{64}$' and "audit"."audit_events"."previous_hash" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "audit_events_break_glass_justified" CHECK ("audit"."audit_events"."break_glass" = ("audit"."audit_events"."break_glass_justification" is not null))
);
--> statement-breakpoint
CREATE INDEX "audit_events_principal_idx" ON "audit"."audit_events" USING btree ("principal","sequence");--> statement-breakpoint
CREATE INDEX "audit_events_occurred_at_idx" ON "audit"."audit_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "audit_events_entities_idx" ON "audit"."audit_events" USING gin ("entities");--> statement-breakpoint
CREATE INDEX "audit_events_coordinates_idx" ON "audit"."audit_events" USING gin ("field_coordinates");--> statement-breakpoint
CREATE INDEX "audit_events_break_glass_idx" ON "audit"."audit_events" USING btree ("sequence") WHERE "audit"."audit_events"."break_glass";