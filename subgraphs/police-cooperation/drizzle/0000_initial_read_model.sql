CREATE TYPE "police_cooperation"."exchange_channel" AS ENUM('EUROPOL', 'SERBIAN_MOI', 'INTERPOL');--> statement-breakpoint
CREATE TYPE "police_cooperation"."exchange_direction" AS ENUM('RECEIVED', 'SENT');--> statement-breakpoint
CREATE TYPE "police_cooperation"."exchange_request_status" AS ENUM('RECEIVED', 'SENT', 'FORWARDED', 'ANSWERED', 'CLOSED', 'REJECTED');--> statement-breakpoint
CREATE TABLE "police_cooperation"."information_exchange_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"channel" "police_cooperation"."exchange_channel" NOT NULL,
	"direction" "police_cooperation"."exchange_direction" NOT NULL,
	"counterpart" text NOT NULL,
	"kosovo_police_unit" text NOT NULL,
	"request_date" date NOT NULL,
	"answered_on" date,
	"status" "police_cooperation"."exchange_request_status" NOT NULL,
	"subject" text NOT NULL,
	"missing_person_id" uuid,
	CONSTRAINT "information_exchange_requests_reference_unique" UNIQUE("reference"),
	CONSTRAINT "information_exchange_requests_reference_format" CHECK ("police_cooperation"."information_exchange_requests"."reference" ~ '^[A-Z]{3}-[0-9]{4}-[0-9]{6}$'),
	CONSTRAINT "information_exchange_requests_counterpart_present" CHECK (btrim("police_cooperation"."information_exchange_requests"."counterpart") <> ''),
	CONSTRAINT "information_exchange_requests_unit_present" CHECK (btrim("police_cooperation"."information_exchange_requests"."kosovo_police_unit") <> ''),
	CONSTRAINT "information_exchange_requests_subject_present" CHECK (btrim("police_cooperation"."information_exchange_requests"."subject") <> ''),
	CONSTRAINT "information_exchange_requests_answered_after_request" CHECK ("police_cooperation"."information_exchange_requests"."answered_on" is null or "police_cooperation"."information_exchange_requests"."answered_on" >= "police_cooperation"."information_exchange_requests"."request_date"),
	CONSTRAINT "information_exchange_requests_answered_on_matches_status" CHECK (("police_cooperation"."information_exchange_requests"."answered_on" is null or "police_cooperation"."information_exchange_requests"."status" in ('ANSWERED', 'CLOSED')) and ("police_cooperation"."information_exchange_requests"."status" <> 'ANSWERED' or "police_cooperation"."information_exchange_requests"."answered_on" is not null)),
	CONSTRAINT "information_exchange_requests_entry_status_matches_direction" CHECK (("police_cooperation"."information_exchange_requests"."status" <> 'RECEIVED' or "police_cooperation"."information_exchange_requests"."direction" = 'RECEIVED') and ("police_cooperation"."information_exchange_requests"."status" <> 'SENT' or "police_cooperation"."information_exchange_requests"."direction" = 'SENT'))
);
--> statement-breakpoint
CREATE INDEX "information_exchange_requests_date_id_idx" ON "police_cooperation"."information_exchange_requests" USING btree ("request_date","id");--> statement-breakpoint
CREATE INDEX "information_exchange_requests_channel_date_id_idx" ON "police_cooperation"."information_exchange_requests" USING btree ("channel","request_date","id");--> statement-breakpoint
CREATE INDEX "information_exchange_requests_status_date_id_idx" ON "police_cooperation"."information_exchange_requests" USING btree ("status","request_date","id");--> statement-breakpoint
CREATE INDEX "information_exchange_requests_missing_person_idx" ON "police_cooperation"."information_exchange_requests" USING btree ("missing_person_id","request_date","id") WHERE "police_cooperation"."information_exchange_requests"."missing_person_id" is not null;