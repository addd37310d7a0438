CREATE TABLE "operations"."deployment_officers" (
	"deployment_id" uuid NOT NULL,
	"officer_id" uuid NOT NULL,
	CONSTRAINT "deployment_officers_deployment_id_officer_id_pk" PRIMARY KEY("deployment_id","officer_id")
);
--> statement-breakpoint
ALTER TABLE "operations"."exercises" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "operations"."exercises" ADD COLUMN "lessons_learned" text;--> statement-breakpoint
ALTER TABLE "operations"."exercises" ADD COLUMN "outcome_recorded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "operations"."deployment_officers" ADD CONSTRAINT "deployment_officers_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "operations"."deployments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations"."deployment_officers" ADD CONSTRAINT "deployment_officers_officer_id_officers_id_fk" FOREIGN KEY ("officer_id") REFERENCES "operations"."officers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deployment_officers_by_officer_idx" ON "operations"."deployment_officers" USING btree ("officer_id","deployment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "engagement_requests_one_live_per_tier_idx" ON "operations"."engagement_requests" USING btree ("incident_id","to_responder") WHERE "operations"."engagement_requests"."decision" in ('PENDING', 'ACCEPTED');--> statement-breakpoint
ALTER TABLE "operations"."engagement_requests" ADD CONSTRAINT "engagement_requests_one_tier_up" CHECK (("operations"."engagement_requests"."from_responder", "operations"."engagement_requests"."to_responder") in (('KOSOVO_POLICE', 'EULEX_FPU'), ('EULEX_FPU', 'KFOR')));--> statement-breakpoint
ALTER TABLE "operations"."exercises" ADD CONSTRAINT "exercises_location_not_blank" CHECK (btrim("operations"."exercises"."location") <> '');--> statement-breakpoint
ALTER TABLE "operations"."exercises" ADD CONSTRAINT "exercises_objectives_not_blank" CHECK (btrim("operations"."exercises"."objectives") <> '');--> statement-breakpoint
ALTER TABLE "operations"."exercises" ADD CONSTRAINT "exercises_outcome_complete" CHECK (("operations"."exercises"."outcome" is null) = ("operations"."exercises"."lessons_learned" is null) and ("operations"."exercises"."outcome" is null) = ("operations"."exercises"."outcome_recorded_at" is null));--> statement-breakpoint
ALTER TABLE "operations"."exercises" ADD CONSTRAINT "exercises_outcome_not_blank" CHECK (btrim("operations"."exercises"."outcome") <> '' and btrim("operations"."exercises"."lessons_learned") <> '');--> statement-breakpoint
ALTER TABLE "operations"."exercises" ADD CONSTRAINT "exercises_outcome_after_last_day" CHECK ("operations"."exercises"."outcome_recorded_at" >= ("operations"."exercises"."ends_on"::timestamp at time zone 'UTC'));--> statement-breakpoint
ALTER TABLE "operations"."incidents" ADD CONSTRAINT "incidents_description_not_blank" CHECK (btrim("operations"."incidents"."description") <> '');--> statement-breakpoint
ALTER TABLE "operations"."patrols" ADD CONSTRAINT "patrols_shift_at_most_a_day" CHECK ("operations"."patrols"."shift_end" - "operations"."patrols"."shift_start" <= interval '24 hours');