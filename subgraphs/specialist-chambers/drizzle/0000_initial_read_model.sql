CREATE TYPE "specialist_chambers"."protected_witness_status" AS ENUM('REFERRED', 'ASSESSED', 'ADMITTED', 'RELOCATED', 'EXITED');--> statement-breakpoint
CREATE TYPE "specialist_chambers"."support_request_institution" AS ENUM('KOSOVO_SPECIALIST_CHAMBERS', 'SPECIALIST_PROSECUTORS_OFFICE');--> statement-breakpoint
CREATE TYPE "specialist_chambers"."support_request_kind" AS ENUM('LOGISTIC', 'OPERATIONAL');--> statement-breakpoint
CREATE TYPE "specialist_chambers"."support_request_status" AS ENUM('REQUESTED', 'APPROVED', 'DECLINED', 'IN_PROGRESS', 'COMPLETED');--> statement-breakpoint
CREATE TYPE "specialist_chambers"."witness_risk_level" AS ENUM('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');--> statement-breakpoint
CREATE TABLE "specialist_chambers"."protected_witnesses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"codename" text NOT NULL,
	"status" "specialist_chambers"."protected_witness_status" DEFAULT 'REFERRED' NOT NULL,
	"risk_level" "specialist_chambers"."witness_risk_level" NOT NULL,
	"referred_on" date NOT NULL,
	CONSTRAINT "protected_witnesses_codename_unique" UNIQUE("codename"),
	CONSTRAINT "protected_witnesses_codename_format" CHECK ("specialist_chambers"."protected_witnesses"."codename" ~ '^[A-Z]{3,12}-[0-9]{2,3}$')
);
--> statement-breakpoint
CREATE TABLE "specialist_chambers"."support_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"institution" "specialist_chambers"."support_request_institution" NOT NULL,
	"kind" "specialist_chambers"."support_request_kind" NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"requested_on" date NOT NULL,
	"status" "specialist_chambers"."support_request_status" DEFAULT 'REQUESTED' NOT NULL,
	CONSTRAINT "support_requests_reference_unique" UNIQUE("reference"),
	CONSTRAINT "support_requests_reference_format" CHECK ("specialist_chambers"."support_requests"."reference" ~ '^(KSC|SPO)-[0-9]{4}-[0-9]{4}$'),
	CONSTRAINT "support_requests_title_not_blank" CHECK (length(trim("specialist_chambers"."support_requests"."title")) between 1 and 200),
	CONSTRAINT "support_requests_description_not_blank" CHECK (length(trim("specialist_chambers"."support_requests"."description")) > 0)
);
--> statement-breakpoint
CREATE TABLE "specialist_chambers"."witness_identities" (
	"witness_id" uuid PRIMARY KEY NOT NULL,
	"full_name" text NOT NULL,
	"date_of_birth" date NOT NULL,
	"current_location" text NOT NULL,
	CONSTRAINT "witness_identities_full_name_not_blank" CHECK (length(trim("specialist_chambers"."witness_identities"."full_name")) > 0),
	CONSTRAINT "witness_identities_current_location_not_blank" CHECK (length(trim("specialist_chambers"."witness_identities"."current_location")) > 0),
	CONSTRAINT "witness_identities_date_of_birth_plausible" CHECK ("specialist_chambers"."witness_identities"."date_of_birth" >= date '1900-01-01')
);
--> statement-breakpoint
ALTER TABLE "specialist_chambers"."witness_identities" ADD CONSTRAINT "witness_identities_witness_id_protected_witnesses_id_fk" FOREIGN KEY ("witness_id") REFERENCES "specialist_chambers"."protected_witnesses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "protected_witnesses_referred_on_id_idx" ON "specialist_chambers"."protected_witnesses" USING btree ("referred_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "protected_witnesses_status_referred_on_idx" ON "specialist_chambers"."protected_witnesses" USING btree ("status","referred_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "protected_witnesses_risk_level_referred_on_idx" ON "specialist_chambers"."protected_witnesses" USING btree ("risk_level","referred_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "support_requests_requested_on_id_idx" ON "specialist_chambers"."support_requests" USING btree ("requested_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "support_requests_institution_requested_on_idx" ON "specialist_chambers"."support_requests" USING btree ("institution","requested_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "support_requests_kind_requested_on_idx" ON "specialist_chambers"."support_requests" USING btree ("kind","requested_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "support_requests_status_requested_on_idx" ON "specialist_chambers"."support_requests" USING btree ("status","requested_on" DESC NULLS LAST,"id" DESC NULLS LAST);