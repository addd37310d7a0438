-- Every event the audit service writes is signed with the audit signing key (not in the
-- database) over its hash. Events recorded before this migration have no signature: the
-- constraint is added NOT VALID, so it binds every row inserted from now on — the
-- service's own INSERT-only role cannot append an unsigned row — and `audit:verify`
-- names any row after the first signed one whose signature is missing or does not verify.
ALTER TABLE "audit"."audit_events" ADD COLUMN "signature_key_id" text;--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD COLUMN "signature" text;--> statement-breakpoint
ALTER TABLE "audit"."audit_events" ADD CONSTRAINT "audit_events_signed" CHECK ("audit"."audit_events"."signature" is not null and "audit"."audit_events"."signature_key_id" is not null) NOT VALID;
