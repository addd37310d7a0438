-- Identities and whereabouts are encrypted by the service (AES-256-GCM, WITNESS_DATA_KEY)
-- and assignment steps authenticated (HMAC-SHA256 chain, WITNESS_ASSIGNMENT_KEY); neither
-- key is in the database, so this migration cannot convert existing rows: values written
-- before it do not decrypt and are refused, and steps without a MAC open nothing (an
-- existing assignment must be proposed and approved again). Checks on the clear values
-- (birth date plausible, a move goes somewhere else) move to the domain.
CREATE TABLE "specialist_chambers"."protection_officer_assignment_heads" (
	"assignment_id" uuid PRIMARY KEY NOT NULL,
	"mac" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "specialist_chambers"."relocations" DROP CONSTRAINT "relocations_moves_somewhere_else";--> statement-breakpoint
ALTER TABLE "specialist_chambers"."witness_identities" DROP CONSTRAINT "witness_identities_date_of_birth_plausible";--> statement-breakpoint
ALTER TABLE "specialist_chambers"."witness_identities" ALTER COLUMN "date_of_birth" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "specialist_chambers"."protection_officer_assignment_events" ADD COLUMN "mac" text;--> statement-breakpoint
ALTER TABLE "specialist_chambers"."protection_officer_assignment_heads" ADD CONSTRAINT "protection_officer_assignment_heads_assignment_fk" FOREIGN KEY ("assignment_id") REFERENCES "specialist_chambers"."protection_officer_assignments"("id") ON DELETE no action ON UPDATE no action;