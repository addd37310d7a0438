-- The audit trail is append-only, enforced by the database itself: no UPDATE, DELETE
-- or TRUNCATE of audit events, whoever asks (the application, a console, a script).
-- Tampering that gets around these triggers (a superuser disabling them) is caught by
-- the hash chain: `pnpm audit:verify`.
CREATE FUNCTION "audit"."refuse_audit_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "audit"."audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit"."refuse_audit_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate"
  BEFORE TRUNCATE ON "audit"."audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit"."refuse_audit_change"();
