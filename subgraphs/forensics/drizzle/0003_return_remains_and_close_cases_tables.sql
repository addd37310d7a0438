CREATE TYPE "forensics"."case_closure_reason" AS ENUM('FOUND_ALIVE', 'IDENTIFIED_BY_OTHER_AUTHORITY', 'DUPLICATE_CASE', 'REPORT_WITHDRAWN');--> statement-breakpoint
CREATE TABLE "forensics"."idempotency_keys" (
	"client" text NOT NULL,
	"key" text NOT NULL,
	"operation" text NOT NULL,
	"payload_hash" text NOT NULL,
	"result_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_pk" PRIMARY KEY("client","key"),
	CONSTRAINT "idempotency_keys_key_format" CHECK ("forensics"."idempotency_keys"."key" ~ '^[A-Za-z0-9._:-]{8,128}$'),
	CONSTRAINT "idempotency_keys_hash_format" CHECK ("forensics"."idempotency_keys"."payload_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "forensics"."remains_handovers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"remains_id" uuid NOT NULL,
	"handed_over_on" date NOT NULL,
	"receiving_relative" text NOT NULL,
	CONSTRAINT "remains_handovers_remains_id_unique" UNIQUE("remains_id"),
	CONSTRAINT "remains_handovers_within_mandate" CHECK ("forensics"."remains_handovers"."handed_over_on" >= date '2008-12-09'),
	CONSTRAINT "remains_handovers_relative_named" CHECK (length(btrim("forensics"."remains_handovers"."receiving_relative")) between 1 and 300)
);
--> statement-breakpoint
ALTER TABLE "forensics"."missing_persons" ADD COLUMN "closed_on" date;--> statement-breakpoint
ALTER TABLE "forensics"."missing_persons" ADD COLUMN "closure_reason" "forensics"."case_closure_reason";--> statement-breakpoint
ALTER TABLE "forensics"."remains_handovers" ADD CONSTRAINT "remains_handovers_remains_id_mortal_remains_id_fk" FOREIGN KEY ("remains_id") REFERENCES "forensics"."mortal_remains"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forensics"."missing_persons" ADD CONSTRAINT "missing_persons_closed_with_reason" CHECK (("forensics"."missing_persons"."status" = 'CLOSED') = ("forensics"."missing_persons"."closed_on" is not null) and ("forensics"."missing_persons"."closed_on" is null) = ("forensics"."missing_persons"."closure_reason" is null));--> statement-breakpoint
ALTER TABLE "forensics"."missing_persons" ADD CONSTRAINT "missing_persons_closed_within_mandate" CHECK ("forensics"."missing_persons"."closed_on" >= date '2008-12-09');