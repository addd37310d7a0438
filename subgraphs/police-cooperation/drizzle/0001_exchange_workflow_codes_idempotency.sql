CREATE TYPE "police_cooperation"."handling_code" AS ENUM('H0', 'H1', 'H2', 'H3');--> statement-breakpoint
CREATE TYPE "police_cooperation"."information_accuracy" AS ENUM('1', '2', '3', '4');--> statement-breakpoint
CREATE TYPE "police_cooperation"."source_reliability" AS ENUM('A', 'B', 'C', 'X');--> statement-breakpoint
CREATE SEQUENCE "police_cooperation"."exchange_reference_serial_europol" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE SEQUENCE "police_cooperation"."exchange_reference_serial_interpol" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE SEQUENCE "police_cooperation"."exchange_reference_serial_serbian_moi" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "police_cooperation"."exchange_request_idempotency_keys" (
	"client" text NOT NULL,
	"key" text NOT NULL,
	"payload_hash" text NOT NULL,
	"request_id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exchange_request_idempotency_keys_client_key_unique" UNIQUE("client","key"),
	CONSTRAINT "exchange_request_idempotency_keys_key_format" CHECK ("police_cooperation"."exchange_request_idempotency_keys"."key" ~ '^[A-Za-z0-9._:-]{8,128}$'),
	CONSTRAINT "exchange_request_idempotency_keys_hash_format" CHECK ("police_cooperation"."exchange_request_idempotency_keys"."payload_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "police_cooperation"."exchange_request_transitions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"sequence" integer NOT NULL,
	"from_status" "police_cooperation"."exchange_request_status",
	"to_status" "police_cooperation"."exchange_request_status" NOT NULL,
	"occurred_on" date NOT NULL,
	"previous_sequence" integer,
	"previous_occurred_on" date,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exchange_request_transitions_request_sequence_unique" UNIQUE("request_id","sequence"),
	CONSTRAINT "exchange_request_transitions_chain_target" UNIQUE("request_id","sequence","to_status","occurred_on"),
	CONSTRAINT "exchange_request_transitions_chain_shape" CHECK (case when "police_cooperation"."exchange_request_transitions"."sequence" = 1
        then "police_cooperation"."exchange_request_transitions"."from_status" is null and "police_cooperation"."exchange_request_transitions"."previous_sequence" is null and "police_cooperation"."exchange_request_transitions"."previous_occurred_on" is null
        else "police_cooperation"."exchange_request_transitions"."from_status" is not null and "police_cooperation"."exchange_request_transitions"."previous_sequence" = "police_cooperation"."exchange_request_transitions"."sequence" - 1
          and "police_cooperation"."exchange_request_transitions"."previous_occurred_on" is not null and "police_cooperation"."exchange_request_transitions"."occurred_on" >= "police_cooperation"."exchange_request_transitions"."previous_occurred_on" end),
	CONSTRAINT "exchange_request_transitions_legal_step" CHECK (case
        when "police_cooperation"."exchange_request_transitions"."from_status" is null then "police_cooperation"."exchange_request_transitions"."to_status" in ('RECEIVED', 'SENT')
        when "police_cooperation"."exchange_request_transitions"."from_status" in ('RECEIVED', 'SENT') then "police_cooperation"."exchange_request_transitions"."to_status" in ('FORWARDED', 'REJECTED')
        when "police_cooperation"."exchange_request_transitions"."from_status" = 'FORWARDED' then "police_cooperation"."exchange_request_transitions"."to_status" in ('ANSWERED', 'REJECTED')
        when "police_cooperation"."exchange_request_transitions"."from_status" = 'ANSWERED' then "police_cooperation"."exchange_request_transitions"."to_status" = 'CLOSED'
        else false end)
);
--> statement-breakpoint
ALTER TABLE "police_cooperation"."information_exchange_requests" ADD COLUMN "legal_basis" text;--> statement-breakpoint
ALTER TABLE "police_cooperation"."information_exchange_requests" ADD COLUMN "handling_code" "police_cooperation"."handling_code";--> statement-breakpoint
ALTER TABLE "police_cooperation"."information_exchange_requests" ADD COLUMN "handling_conditions" text;--> statement-breakpoint
ALTER TABLE "police_cooperation"."information_exchange_requests" ADD COLUMN "source_reliability" "police_cooperation"."source_reliability";--> statement-breakpoint
ALTER TABLE "police_cooperation"."information_exchange_requests" ADD COLUMN "information_accuracy" "police_cooperation"."information_accuracy";--> statement-breakpoint
-- Hand-written (drizzle-kit generated the rest): requests seeded before this migration
-- get their codes, legal basis and history deterministically, by the same expressions
-- as src/seed.ts, then the columns become NOT NULL.
UPDATE "police_cooperation"."information_exchange_requests" AS r SET
	"handling_code" = (CASE WHEN d.h < 60 THEN 'H0' WHEN d.h < 85 THEN 'H1' WHEN d.h < 95 THEN 'H2' ELSE 'H3' END)::"police_cooperation"."handling_code",
	"handling_conditions" = CASE WHEN d.h >= 95 THEN 'Not to be passed on to third parties without the consent of the provider (synthetic)' END,
	"source_reliability" = (CASE WHEN d.s < 10 THEN 'A' WHEN d.s < 60 THEN 'B' WHEN d.s < 90 THEN 'C' ELSE 'X' END)::"police_cooperation"."source_reliability",
	"information_accuracy" = (CASE WHEN d.a < 15 THEN '1' WHEN d.a < 60 THEN '2' WHEN d.a < 90 THEN '3' ELSE '4' END)::"police_cooperation"."information_accuracy",
	"legal_basis" = CASE WHEN r."channel" = 'SERBIAN_MOI' THEN 'Protocol on police cooperation (Kosovo Police and Serbian Ministry of Interior, facilitated by EULEX)' END
FROM (
	SELECT "id",
		('x' || substr(md5('codes:' || "id"::text), 1, 4))::bit(16)::int % 100 AS h,
		('x' || substr(md5('codes:' || "id"::text), 5, 4))::bit(16)::int % 100 AS s,
		('x' || substr(md5('codes:' || "id"::text), 9, 4))::bit(16)::int % 100 AS a
	FROM "police_cooperation"."information_exchange_requests"
) AS d
WHERE d."id" = r."id";--> statement-breakpoint
ALTER TABLE "police_cooperation"."information_exchange_requests" ALTER COLUMN "handling_code" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "police_cooperation"."information_exchange_requests" ALTER COLUMN "source_reliability" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "police_cooperation"."information_exchange_requests" ALTER COLUMN "information_accuracy" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "police_cooperation"."exchange_request_idempotency_keys" ADD CONSTRAINT "exchange_request_idempotency_keys_request_id_information_exchange_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "police_cooperation"."information_exchange_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "police_cooperation"."exchange_request_transitions" ADD CONSTRAINT "exchange_request_transitions_request_id_information_exchange_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "police_cooperation"."information_exchange_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "police_cooperation"."exchange_request_transitions" ADD CONSTRAINT "exchange_request_transitions_previous_fk" FOREIGN KEY ("request_id","previous_sequence","from_status","previous_occurred_on") REFERENCES "police_cooperation"."exchange_request_transitions"("request_id","sequence","to_status","occurred_on") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "information_exchange_requests_handling_date_id_idx" ON "police_cooperation"."information_exchange_requests" USING btree ("handling_code","request_date","id");--> statement-breakpoint
CREATE INDEX "information_exchange_requests_direction_date_id_idx" ON "police_cooperation"."information_exchange_requests" USING btree ("direction","request_date","id");--> statement-breakpoint
ALTER TABLE "police_cooperation"."information_exchange_requests" ADD CONSTRAINT "information_exchange_requests_h3_conditions" CHECK (("police_cooperation"."information_exchange_requests"."handling_code" = 'H3') = coalesce(btrim("police_cooperation"."information_exchange_requests"."handling_conditions") <> '', false) and ("police_cooperation"."information_exchange_requests"."handling_conditions" is null or btrim("police_cooperation"."information_exchange_requests"."handling_conditions") <> ''));--> statement-breakpoint
ALTER TABLE "police_cooperation"."information_exchange_requests" ADD CONSTRAINT "information_exchange_requests_legal_basis_present" CHECK ("police_cooperation"."information_exchange_requests"."legal_basis" is null or btrim("police_cooperation"."information_exchange_requests"."legal_basis") <> '');--> statement-breakpoint
ALTER TABLE "police_cooperation"."information_exchange_requests" ADD CONSTRAINT "information_exchange_requests_serbian_moi_legal_basis" CHECK ("police_cooperation"."information_exchange_requests"."channel" <> 'SERBIAN_MOI' or "police_cooperation"."information_exchange_requests"."legal_basis" is not null);--> statement-breakpoint
ALTER TABLE "police_cooperation"."information_exchange_requests" ADD CONSTRAINT "information_exchange_requests_text_lengths" CHECK (char_length("police_cooperation"."information_exchange_requests"."counterpart") <= 200 and char_length("police_cooperation"."information_exchange_requests"."kosovo_police_unit") <= 200 and char_length("police_cooperation"."information_exchange_requests"."subject") <= 500 and coalesce(char_length("police_cooperation"."information_exchange_requests"."legal_basis"), 0) <= 500 and coalesce(char_length("police_cooperation"."information_exchange_requests"."handling_conditions"), 0) <= 500);--> statement-breakpoint
-- Hand-written: history of the requests that existed before this migration (same steps as src/seed.ts).
INSERT INTO "police_cooperation"."exchange_request_transitions"
	("request_id", "sequence", "from_status", "to_status", "occurred_on", "previous_sequence", "previous_occurred_on", "recorded_at")
SELECT r."id", step.sequence, step.from_status::"police_cooperation"."exchange_request_status", step.to_status::"police_cooperation"."exchange_request_status",
	step.occurred_on, step.previous_sequence, step.previous_occurred_on, step.occurred_on::timestamp AT TIME ZONE 'UTC'
FROM "police_cooperation"."information_exchange_requests" AS r
CROSS JOIN LATERAL (VALUES
	(1, NULL, r."direction"::text, r."request_date", NULL::int, NULL::date, true),
	(2, r."direction"::text, 'FORWARDED', r."request_date", 1, r."request_date", r."status" IN ('FORWARDED', 'ANSWERED', 'CLOSED')),
	(2, r."direction"::text, 'REJECTED', r."request_date", 1, r."request_date", r."status" = 'REJECTED'),
	(3, 'FORWARDED', 'ANSWERED', r."answered_on", 2, r."request_date", r."status" IN ('ANSWERED', 'CLOSED') AND r."answered_on" IS NOT NULL),
	(4, 'ANSWERED', 'CLOSED', r."answered_on", 3, r."answered_on", r."status" = 'CLOSED' AND r."answered_on" IS NOT NULL)
) AS step(sequence, from_status, to_status, occurred_on, previous_sequence, previous_occurred_on, applies)
WHERE step.applies;--> statement-breakpoint
-- Hand-written: new references continue after the highest serial of each channel.
SELECT setval('"police_cooperation"."exchange_reference_serial_europol"', coalesce((SELECT max(substr("reference", 10)::int) FROM "police_cooperation"."information_exchange_requests" WHERE "channel" = 'EUROPOL'), 0) + 1, false);--> statement-breakpoint
SELECT setval('"police_cooperation"."exchange_reference_serial_serbian_moi"', coalesce((SELECT max(substr("reference", 10)::int) FROM "police_cooperation"."information_exchange_requests" WHERE "channel" = 'SERBIAN_MOI'), 0) + 1, false);--> statement-breakpoint
SELECT setval('"police_cooperation"."exchange_reference_serial_interpol"', coalesce((SELECT max(substr("reference", 10)::int) FROM "police_cooperation"."information_exchange_requests" WHERE "channel" = 'INTERPOL'), 0) + 1, false);--> statement-breakpoint
-- Hand-written: the workflow in the database. A request's status moves only along the
-- legal steps (domain/exchange-workflow.ts holds the same table); anything else is a
-- check violation named like a constraint, which the store maps to CONFLICT.
CREATE FUNCTION "police_cooperation"."exchange_request_legal_transition"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NOT (
		(OLD."status" IN ('RECEIVED', 'SENT') AND NEW."status" IN ('FORWARDED', 'REJECTED'))
		OR (OLD."status" = 'FORWARDED' AND NEW."status" IN ('ANSWERED', 'REJECTED'))
		OR (OLD."status" = 'ANSWERED' AND NEW."status" = 'CLOSED')
	) THEN
		RAISE EXCEPTION 'exchange request % cannot move from % to %', OLD."id", OLD."status", NEW."status"
			USING ERRCODE = 'check_violation', CONSTRAINT = 'information_exchange_requests_legal_transition';
	END IF;
	RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "information_exchange_requests_legal_transition"
	BEFORE UPDATE OF "status" ON "police_cooperation"."information_exchange_requests"
	FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status")
	EXECUTE FUNCTION "police_cooperation"."exchange_request_legal_transition"();