CREATE TYPE "forensics"."field_operation_kind" AS ENUM('ASSESSMENT', 'SURVEY', 'EXCAVATION', 'EXHUMATION');--> statement-breakpoint
CREATE TYPE "forensics"."grave_site_kind" AS ENUM('CLANDESTINE', 'UNMARKED', 'MASS');--> statement-breakpoint
CREATE TYPE "forensics"."grave_site_status" AS ENUM('SUSPECTED', 'CONFIRMED', 'EXHAUSTED');--> statement-breakpoint
CREATE TYPE "forensics"."identification_method" AS ENUM('DNA', 'ANTHROPOLOGICAL', 'DENTAL', 'FINGERPRINTS', 'CIRCUMSTANTIAL');--> statement-breakpoint
CREATE TYPE "forensics"."missing_person_status" AS ENUM('MISSING', 'REMAINS_RECOVERED', 'IDENTIFIED', 'CLOSED');--> statement-breakpoint
CREATE TYPE "forensics"."mortal_remains_status" AS ENUM('UNIDENTIFIED', 'UNDER_REVIEW', 'IDENTIFIED', 'RETURNED');--> statement-breakpoint
CREATE TABLE "forensics"."field_operations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"kind" "forensics"."field_operation_kind" NOT NULL,
	"started_on" date NOT NULL,
	"ended_on" date,
	"site_id" uuid,
	"partner_institutions" text[] DEFAULT '{}'::text[] NOT NULL,
	CONSTRAINT "field_operations_reference_unique" UNIQUE("reference"),
	CONSTRAINT "field_operations_within_mandate" CHECK ("forensics"."field_operations"."started_on" >= date '2008-12-09'),
	CONSTRAINT "field_operations_ends_after_start" CHECK ("forensics"."field_operations"."ended_on" >= "forensics"."field_operations"."started_on"),
	CONSTRAINT "field_operations_digging_needs_site" CHECK ("forensics"."field_operations"."kind" not in ('EXCAVATION', 'EXHUMATION') or "forensics"."field_operations"."site_id" is not null)
);
--> statement-breakpoint
CREATE TABLE "forensics"."grave_sites" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_code" text NOT NULL,
	"kind" "forensics"."grave_site_kind" NOT NULL,
	"status" "forensics"."grave_site_status" DEFAULT 'SUSPECTED' NOT NULL,
	"municipality" text NOT NULL,
	"latitude" double precision NOT NULL,
	"longitude" double precision NOT NULL,
	CONSTRAINT "grave_sites_site_code_unique" UNIQUE("site_code"),
	CONSTRAINT "grave_sites_latitude_range" CHECK ("forensics"."grave_sites"."latitude" between -90 and 90),
	CONSTRAINT "grave_sites_longitude_range" CHECK ("forensics"."grave_sites"."longitude" between -180 and 180)
);
--> statement-breakpoint
CREATE TABLE "forensics"."identifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"remains_id" uuid NOT NULL,
	"missing_person_id" uuid,
	"method" "forensics"."identification_method" NOT NULL,
	"identified_on" date NOT NULL,
	"confirming_institution" text NOT NULL,
	CONSTRAINT "identifications_remains_id_unique" UNIQUE("remains_id"),
	CONSTRAINT "identifications_missing_person_id_unique" UNIQUE("missing_person_id"),
	CONSTRAINT "identifications_within_mandate" CHECK ("forensics"."identifications"."identified_on" >= date '2008-12-09'),
	CONSTRAINT "identifications_institution_named" CHECK ("forensics"."identifications"."confirming_institution" <> '')
);
--> statement-breakpoint
CREATE TABLE "forensics"."missing_persons" (
	"id" uuid PRIMARY KEY NOT NULL,
	"case_number" text NOT NULL,
	"disappearance_date" date NOT NULL,
	"status" "forensics"."missing_person_status" DEFAULT 'MISSING' NOT NULL,
	"municipality" text NOT NULL,
	"full_name" text NOT NULL,
	"date_of_birth" date,
	"place_last_seen" text,
	CONSTRAINT "missing_persons_case_number_unique" UNIQUE("case_number"),
	CONSTRAINT "missing_persons_case_number_format" CHECK ("forensics"."missing_persons"."case_number" ~ '^MP-[0-9]{4}-[0-9]{5}$'),
	CONSTRAINT "missing_persons_disappearance_in_period" CHECK ("forensics"."missing_persons"."disappearance_date" between date '1998-01-01' and date '2000-12-31'),
	CONSTRAINT "missing_persons_born_before_disappearance" CHECK ("forensics"."missing_persons"."date_of_birth" <= "forensics"."missing_persons"."disappearance_date")
);
--> statement-breakpoint
CREATE TABLE "forensics"."mortal_remains" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"recovered_by_operation_id" uuid,
	"held_at" text,
	"status" "forensics"."mortal_remains_status" DEFAULT 'UNIDENTIFIED' NOT NULL,
	CONSTRAINT "mortal_remains_reference_unique" UNIQUE("reference"),
	CONSTRAINT "mortal_remains_held_unless_returned" CHECK (("forensics"."mortal_remains"."status" = 'RETURNED') = ("forensics"."mortal_remains"."held_at" is null))
);
--> statement-breakpoint
ALTER TABLE "forensics"."field_operations" ADD CONSTRAINT "field_operations_site_id_grave_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "forensics"."grave_sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forensics"."identifications" ADD CONSTRAINT "identifications_remains_id_mortal_remains_id_fk" FOREIGN KEY ("remains_id") REFERENCES "forensics"."mortal_remains"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forensics"."identifications" ADD CONSTRAINT "identifications_missing_person_id_missing_persons_id_fk" FOREIGN KEY ("missing_person_id") REFERENCES "forensics"."missing_persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forensics"."mortal_remains" ADD CONSTRAINT "mortal_remains_recovered_by_operation_id_field_operations_id_fk" FOREIGN KEY ("recovered_by_operation_id") REFERENCES "forensics"."field_operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "field_operations_by_start" ON "forensics"."field_operations" USING btree ("started_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "field_operations_by_kind" ON "forensics"."field_operations" USING btree ("kind","started_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "field_operations_by_site" ON "forensics"."field_operations" USING btree ("site_id");--> statement-breakpoint
CREATE INDEX "grave_sites_by_kind" ON "forensics"."grave_sites" USING btree ("kind","site_code");--> statement-breakpoint
CREATE INDEX "grave_sites_by_status" ON "forensics"."grave_sites" USING btree ("status","site_code");--> statement-breakpoint
CREATE INDEX "grave_sites_by_municipality" ON "forensics"."grave_sites" USING btree ("municipality","site_code");--> statement-breakpoint
CREATE INDEX "identifications_by_date" ON "forensics"."identifications" USING btree ("identified_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "identifications_by_method" ON "forensics"."identifications" USING btree ("method","identified_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "missing_persons_by_disappearance" ON "forensics"."missing_persons" USING btree ("disappearance_date","case_number");--> statement-breakpoint
CREATE INDEX "missing_persons_by_status" ON "forensics"."missing_persons" USING btree ("status","disappearance_date","case_number");--> statement-breakpoint
CREATE INDEX "missing_persons_by_municipality" ON "forensics"."missing_persons" USING btree ("municipality","disappearance_date","case_number");--> statement-breakpoint
CREATE INDEX "mortal_remains_by_status" ON "forensics"."mortal_remains" USING btree ("status","reference");--> statement-breakpoint
CREATE INDEX "mortal_remains_by_operation" ON "forensics"."mortal_remains" USING btree ("recovered_by_operation_id");