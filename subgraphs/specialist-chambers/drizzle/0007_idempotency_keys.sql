CREATE TABLE "specialist_chambers"."idempotency_keys" (
	"client" text NOT NULL,
	"key" text NOT NULL,
	"operation" text NOT NULL,
	"payload_hash" text NOT NULL,
	"result_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_pk" PRIMARY KEY("client","key"),
	CONSTRAINT "idempotency_keys_key_format" CHECK ("specialist_chambers"."idempotency_keys"."key" ~ '^[A-Za-z0-9._:-]{8,128}$'),
	CONSTRAINT "idempotency_keys_hash_format" CHECK ("specialist_chambers"."idempotency_keys"."payload_hash" ~ '^[0-9a-f]{64}$')
);
