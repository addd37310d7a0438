CREATE TABLE "specialist_chambers"."support_request_transitions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"support_request_id" uuid NOT NULL,
	"from_status" "specialist_chambers"."support_request_status",
	"to_status" "specialist_chambers"."support_request_status" NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"note" text,
	CONSTRAINT "support_request_transitions_legal" CHECK (("specialist_chambers"."support_request_transitions"."from_status" is null and "specialist_chambers"."support_request_transitions"."to_status" = 'REQUESTED')
        or ("specialist_chambers"."support_request_transitions"."from_status" = 'REQUESTED' and "specialist_chambers"."support_request_transitions"."to_status" in ('APPROVED', 'DECLINED'))
        or ("specialist_chambers"."support_request_transitions"."from_status" = 'APPROVED' and "specialist_chambers"."support_request_transitions"."to_status" = 'IN_PROGRESS')
        or ("specialist_chambers"."support_request_transitions"."from_status" = 'IN_PROGRESS' and "specialist_chambers"."support_request_transitions"."to_status" = 'COMPLETED')),
	CONSTRAINT "support_request_transitions_note_length" CHECK ("specialist_chambers"."support_request_transitions"."note" is null or length(trim("specialist_chambers"."support_request_transitions"."note")) between 1 and 2000)
);
--> statement-breakpoint
CREATE TABLE "specialist_chambers"."witness_protection_officers" (
	"witness_id" uuid NOT NULL,
	"officer_subject" text NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "witness_protection_officers_pk" PRIMARY KEY("witness_id","officer_subject"),
	CONSTRAINT "witness_protection_officers_subject_format" CHECK ("specialist_chambers"."witness_protection_officers"."officer_subject" ~ '^[^[:space:]]{1,200}$')
);
--> statement-breakpoint
ALTER TABLE "specialist_chambers"."support_requests" ADD COLUMN "deployment_id" uuid;--> statement-breakpoint
ALTER TABLE "specialist_chambers"."support_request_transitions" ADD CONSTRAINT "support_request_transitions_support_request_id_support_requests_id_fk" FOREIGN KEY ("support_request_id") REFERENCES "specialist_chambers"."support_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "specialist_chambers"."witness_protection_officers" ADD CONSTRAINT "witness_protection_officers_witness_id_protected_witnesses_id_fk" FOREIGN KEY ("witness_id") REFERENCES "specialist_chambers"."protected_witnesses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "support_request_transitions_request_occurred_at_idx" ON "specialist_chambers"."support_request_transitions" USING btree ("support_request_id","occurred_at","id");--> statement-breakpoint
ALTER TABLE "specialist_chambers"."support_requests" ADD CONSTRAINT "support_requests_reference_matches_institution" CHECK (("specialist_chambers"."support_requests"."institution" = 'KOSOVO_SPECIALIST_CHAMBERS') = ("specialist_chambers"."support_requests"."reference" like 'KSC-%'));--> statement-breakpoint
ALTER TABLE "specialist_chambers"."support_requests" ADD CONSTRAINT "support_requests_deployment_only_operational" CHECK ("specialist_chambers"."support_requests"."deployment_id" is null or "specialist_chambers"."support_requests"."kind" = 'OPERATIONAL');