CREATE TABLE "specialist_chambers"."relocations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"witness_id" uuid NOT NULL,
	"occurred_on" date NOT NULL,
	"from_location" text NOT NULL,
	"to_location" text NOT NULL,
	CONSTRAINT "relocations_from_location_not_blank" CHECK (length(trim("specialist_chambers"."relocations"."from_location")) > 0),
	CONSTRAINT "relocations_to_location_not_blank" CHECK (length(trim("specialist_chambers"."relocations"."to_location")) > 0),
	CONSTRAINT "relocations_moves_somewhere_else" CHECK ("specialist_chambers"."relocations"."from_location" <> "specialist_chambers"."relocations"."to_location"),
	CONSTRAINT "relocations_occurred_on_plausible" CHECK ("specialist_chambers"."relocations"."occurred_on" >= date '2000-01-01')
);
--> statement-breakpoint
CREATE TABLE "specialist_chambers"."threat_assessments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"witness_id" uuid NOT NULL,
	"occurred_on" date NOT NULL,
	"risk_level" "specialist_chambers"."witness_risk_level" NOT NULL,
	"summary" text NOT NULL,
	CONSTRAINT "threat_assessments_summary_not_blank" CHECK (length(trim("specialist_chambers"."threat_assessments"."summary")) between 1 and 2000),
	CONSTRAINT "threat_assessments_occurred_on_plausible" CHECK ("specialist_chambers"."threat_assessments"."occurred_on" >= date '2000-01-01')
);
--> statement-breakpoint
ALTER TABLE "specialist_chambers"."relocations" ADD CONSTRAINT "relocations_witness_id_protected_witnesses_id_fk" FOREIGN KEY ("witness_id") REFERENCES "specialist_chambers"."protected_witnesses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "specialist_chambers"."threat_assessments" ADD CONSTRAINT "threat_assessments_witness_id_protected_witnesses_id_fk" FOREIGN KEY ("witness_id") REFERENCES "specialist_chambers"."protected_witnesses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "relocations_witness_occurred_on_idx" ON "specialist_chambers"."relocations" USING btree ("witness_id","occurred_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "threat_assessments_witness_occurred_on_idx" ON "specialist_chambers"."threat_assessments" USING btree ("witness_id","occurred_on" DESC NULLS LAST,"id" DESC NULLS LAST);