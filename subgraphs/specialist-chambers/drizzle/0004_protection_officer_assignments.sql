CREATE TYPE "specialist_chambers"."protection_officer_action" AS ENUM('PROPOSED', 'APPROVED', 'REVOKED');--> statement-breakpoint
CREATE TABLE "specialist_chambers"."protection_officer_assignment_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"assignment_id" uuid NOT NULL,
	"action" "specialist_chambers"."protection_officer_action" NOT NULL,
	"actor" text NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "protection_officer_assignment_events_once" UNIQUE("assignment_id","action"),
	CONSTRAINT "protection_officer_assignment_events_actor_format" CHECK ("specialist_chambers"."protection_officer_assignment_events"."actor" ~ '^[^[:space:]]{1,200}$')
);
--> statement-breakpoint
CREATE TABLE "specialist_chambers"."protection_officer_assignments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"witness_id" uuid NOT NULL,
	"officer_subject" text NOT NULL,
	"proposed_by" text NOT NULL,
	CONSTRAINT "protection_officer_assignments_officer_format" CHECK ("specialist_chambers"."protection_officer_assignments"."officer_subject" ~ '^[^[:space:]]{1,200}$'),
	CONSTRAINT "protection_officer_assignments_proposer_format" CHECK ("specialist_chambers"."protection_officer_assignments"."proposed_by" ~ '^[^[:space:]]{1,200}$'),
	CONSTRAINT "protection_officer_assignments_not_self_proposed" CHECK ("specialist_chambers"."protection_officer_assignments"."proposed_by" <> "specialist_chambers"."protection_officer_assignments"."officer_subject")
);
--> statement-breakpoint
ALTER TABLE "specialist_chambers"."protection_officer_assignment_events" ADD CONSTRAINT "protection_officer_assignment_events_assignment_fk" FOREIGN KEY ("assignment_id") REFERENCES "specialist_chambers"."protection_officer_assignments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "specialist_chambers"."protection_officer_assignments" ADD CONSTRAINT "protection_officer_assignments_witness_id_protected_witnesses_id_fk" FOREIGN KEY ("witness_id") REFERENCES "specialist_chambers"."protected_witnesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "protection_officer_assignment_events_action_idx" ON "specialist_chambers"."protection_officer_assignment_events" USING btree ("action","occurred_at","assignment_id");--> statement-breakpoint
CREATE INDEX "protection_officer_assignments_witness_idx" ON "specialist_chambers"."protection_officer_assignments" USING btree ("witness_id","officer_subject");