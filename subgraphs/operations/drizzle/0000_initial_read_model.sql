CREATE TYPE "operations"."engagement_decision" AS ENUM('PENDING', 'ACCEPTED', 'DECLINED', 'WITHDRAWN');--> statement-breakpoint
CREATE TYPE "operations"."exercise_kind" AS ENUM('CROWD_AND_RIOT_CONTROL');--> statement-breakpoint
CREATE TYPE "operations"."incident_kind" AS ENUM('CIVIL_DISTURBANCE', 'RIOT', 'OTHER');--> statement-breakpoint
CREATE TYPE "operations"."officer_rank" AS ENUM('CONSTABLE', 'SENIOR_CONSTABLE', 'SERGEANT', 'SENIOR_SERGEANT', 'STAFF_SERGEANT', 'JUNIOR_ASPIRANT', 'ASPIRANT', 'SENIOR_ASPIRANT', 'STAFF_ASPIRANT', 'SUB_COMMISSIONER', 'COMMISSIONER', 'CHIEF_COMMISSIONER', 'SUB_INSPECTOR');--> statement-breakpoint
CREATE TYPE "operations"."patrol_kind" AS ENUM('MOBILE_RECONNAISSANCE');--> statement-breakpoint
CREATE TYPE "operations"."security_responder_code" AS ENUM('KOSOVO_POLICE', 'EULEX_FPU', 'KFOR');--> statement-breakpoint
CREATE TABLE "operations"."deployments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"unit_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"engagement_request_id" uuid NOT NULL,
	"officers_committed" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "deployments_engagement_request_id_unique" UNIQUE("engagement_request_id"),
	CONSTRAINT "deployments_officers_committed_within_unit" CHECK ("operations"."deployments"."officers_committed" between 1 and 105),
	CONSTRAINT "deployments_end_after_start" CHECK ("operations"."deployments"."ended_at" > "operations"."deployments"."started_at")
);
--> statement-breakpoint
CREATE TABLE "operations"."engagement_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"incident_id" uuid NOT NULL,
	"from_responder" "operations"."security_responder_code" NOT NULL,
	"to_responder" "operations"."security_responder_code" NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"decision" "operations"."engagement_decision" DEFAULT 'PENDING' NOT NULL,
	"decided_at" timestamp with time zone,
	CONSTRAINT "engagement_requests_id_incident_key" UNIQUE("id","incident_id"),
	CONSTRAINT "engagement_requests_escalate_upwards" CHECK ("operations"."engagement_requests"."from_responder" < "operations"."engagement_requests"."to_responder"),
	CONSTRAINT "engagement_requests_decided_at_iff_decided" CHECK (("operations"."engagement_requests"."decision" = 'PENDING') = ("operations"."engagement_requests"."decided_at" is null)),
	CONSTRAINT "engagement_requests_decided_after_requested" CHECK ("operations"."engagement_requests"."decided_at" >= "operations"."engagement_requests"."requested_at")
);
--> statement-breakpoint
CREATE TABLE "operations"."exercise_participants" (
	"exercise_id" uuid NOT NULL,
	"responder_code" "operations"."security_responder_code" NOT NULL,
	CONSTRAINT "exercise_participants_exercise_id_responder_code_pk" PRIMARY KEY("exercise_id","responder_code")
);
--> statement-breakpoint
CREATE TABLE "operations"."exercises" (
	"id" uuid PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"kind" "operations"."exercise_kind" DEFAULT 'CROWD_AND_RIOT_CONTROL' NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"location" text NOT NULL,
	"objectives" text NOT NULL,
	CONSTRAINT "exercises_ends_on_or_after_start" CHECK ("operations"."exercises"."ends_on" >= "operations"."exercises"."starts_on"),
	CONSTRAINT "exercises_title_not_blank" CHECK (btrim("operations"."exercises"."title") <> '')
);
--> statement-breakpoint
CREATE TABLE "operations"."formed_police_units" (
	"id" uuid PRIMARY KEY NOT NULL,
	"responder_code" "operations"."security_responder_code" NOT NULL,
	"name" text NOT NULL,
	"contributing_country" text NOT NULL,
	"authorized_strength" integer NOT NULL,
	CONSTRAINT "formed_police_units_responder_code_unique" UNIQUE("responder_code"),
	CONSTRAINT "formed_police_units_name_unique" UNIQUE("name"),
	CONSTRAINT "formed_police_units_is_second_responder" CHECK ("operations"."formed_police_units"."responder_code" = 'EULEX_FPU'),
	CONSTRAINT "formed_police_units_authorized_strength_positive" CHECK ("operations"."formed_police_units"."authorized_strength" > 0)
);
--> statement-breakpoint
CREATE TABLE "operations"."incidents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" "operations"."incident_kind" NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"municipality" text NOT NULL,
	"description" text NOT NULL,
	CONSTRAINT "incidents_municipality_not_blank" CHECK (btrim("operations"."incidents"."municipality") <> '')
);
--> statement-breakpoint
CREATE TABLE "operations"."officers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"unit_id" uuid NOT NULL,
	"service_number" text NOT NULL,
	"rank" "operations"."officer_rank" NOT NULL,
	"full_name" text NOT NULL,
	CONSTRAINT "officers_service_number_unique" UNIQUE("service_number"),
	CONSTRAINT "officers_full_name_not_blank" CHECK (btrim("operations"."officers"."full_name") <> '')
);
--> statement-breakpoint
CREATE TABLE "operations"."patrols" (
	"id" uuid PRIMARY KEY NOT NULL,
	"unit_id" uuid NOT NULL,
	"kind" "operations"."patrol_kind" DEFAULT 'MOBILE_RECONNAISSANCE' NOT NULL,
	"shift_start" timestamp with time zone NOT NULL,
	"shift_end" timestamp with time zone NOT NULL,
	"area" text NOT NULL,
	"route" text NOT NULL,
	CONSTRAINT "patrols_one_per_area_and_shift_key" UNIQUE("area","shift_start"),
	CONSTRAINT "patrols_shift_end_after_start" CHECK ("operations"."patrols"."shift_end" > "operations"."patrols"."shift_start"),
	CONSTRAINT "patrols_area_not_blank" CHECK (btrim("operations"."patrols"."area") <> '')
);
--> statement-breakpoint
CREATE TABLE "operations"."security_responders" (
	"code" "operations"."security_responder_code" PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"tier" smallint NOT NULL,
	"role" text NOT NULL,
	CONSTRAINT "security_responders_name_unique" UNIQUE("name"),
	CONSTRAINT "security_responders_tier_unique" UNIQUE("tier"),
	CONSTRAINT "security_responders_tier_matches_code" CHECK ("operations"."security_responders"."tier" = case "operations"."security_responders"."code" when 'KOSOVO_POLICE' then 1 when 'EULEX_FPU' then 2 when 'KFOR' then 3 end)
);
--> statement-breakpoint
ALTER TABLE "operations"."deployments" ADD CONSTRAINT "deployments_unit_id_formed_police_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "operations"."formed_police_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations"."deployments" ADD CONSTRAINT "deployments_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "operations"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations"."deployments" ADD CONSTRAINT "deployments_engagement_request_of_incident_fk" FOREIGN KEY ("engagement_request_id","incident_id") REFERENCES "operations"."engagement_requests"("id","incident_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations"."engagement_requests" ADD CONSTRAINT "engagement_requests_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "operations"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations"."engagement_requests" ADD CONSTRAINT "engagement_requests_from_responder_security_responders_code_fk" FOREIGN KEY ("from_responder") REFERENCES "operations"."security_responders"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations"."engagement_requests" ADD CONSTRAINT "engagement_requests_to_responder_security_responders_code_fk" FOREIGN KEY ("to_responder") REFERENCES "operations"."security_responders"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations"."exercise_participants" ADD CONSTRAINT "exercise_participants_exercise_id_exercises_id_fk" FOREIGN KEY ("exercise_id") REFERENCES "operations"."exercises"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations"."exercise_participants" ADD CONSTRAINT "exercise_participants_responder_code_security_responders_code_fk" FOREIGN KEY ("responder_code") REFERENCES "operations"."security_responders"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations"."formed_police_units" ADD CONSTRAINT "formed_police_units_responder_code_security_responders_code_fk" FOREIGN KEY ("responder_code") REFERENCES "operations"."security_responders"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations"."officers" ADD CONSTRAINT "officers_unit_id_formed_police_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "operations"."formed_police_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations"."patrols" ADD CONSTRAINT "patrols_unit_id_formed_police_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "operations"."formed_police_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deployments_by_time_idx" ON "operations"."deployments" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "deployments_by_incident_idx" ON "operations"."deployments" USING btree ("incident_id","started_at");--> statement-breakpoint
CREATE INDEX "deployments_open_idx" ON "operations"."deployments" USING btree ("unit_id") WHERE "operations"."deployments"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "engagement_requests_by_incident_idx" ON "operations"."engagement_requests" USING btree ("incident_id","requested_at","id");--> statement-breakpoint
CREATE INDEX "exercise_participants_by_responder_idx" ON "operations"."exercise_participants" USING btree ("responder_code","exercise_id");--> statement-breakpoint
CREATE INDEX "exercises_by_time_idx" ON "operations"."exercises" USING btree ("starts_on","id");--> statement-breakpoint
CREATE INDEX "incidents_by_time_idx" ON "operations"."incidents" USING btree ("occurred_at","id");--> statement-breakpoint
CREATE INDEX "incidents_kind_by_time_idx" ON "operations"."incidents" USING btree ("kind","occurred_at","id");--> statement-breakpoint
CREATE INDEX "incidents_municipality_by_time_idx" ON "operations"."incidents" USING btree ("municipality","occurred_at","id");--> statement-breakpoint
CREATE INDEX "officers_roster_idx" ON "operations"."officers" USING btree ("unit_id","rank","id");--> statement-breakpoint
CREATE INDEX "patrols_by_time_idx" ON "operations"."patrols" USING btree ("shift_start","id");