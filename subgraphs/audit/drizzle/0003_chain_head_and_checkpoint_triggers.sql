-- Rules the database keeps for every writer, the audit service's own role included:
-- * an event can only be appended at the head of the chain (next position, linked to the
--   current head's hash): no event slipped into a gap, none forked off an older one;
-- * an OUTCOME closes an INTENT of the same principal; a REVIEW reviews a break-glass
--   event of somebody else (four eyes). One of each per event: unique indexes (0002);
-- * checkpoints are append-only like events, numbered upwards, each covering a later
--   position than the one before, and naming the hash the chain really has there.
-- None of this binds someone who can disable triggers (the owner, a superuser): what
-- catches them is the signed checkpoints outside the database (`pnpm audit:verify`).
CREATE FUNCTION "audit"."check_audit_event_append"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  head_sequence bigint;
  head_hash text;
  target_kind text;
  target_principal text;
  target_break_glass boolean;
BEGIN
  SELECT sequence, hash INTO head_sequence, head_hash
    FROM "audit"."audit_events" ORDER BY sequence DESC LIMIT 1;
  IF NEW.sequence IS DISTINCT FROM coalesce(head_sequence, 0) + 1
     OR NEW.previous_hash IS DISTINCT FROM coalesce(head_hash, repeat('0', 64)) THEN
    RAISE EXCEPTION 'audit event % must be appended at the head of the chain (after event %)', NEW.sequence, coalesce(head_sequence, 0)
      USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_events_appended_at_head';
  END IF;

  IF NEW.kind = 'OUTCOME' THEN
    SELECT kind, principal INTO target_kind, target_principal FROM "audit"."audit_events" WHERE id = NEW.intent_id;
    IF target_kind IS DISTINCT FROM 'INTENT' OR target_principal IS DISTINCT FROM NEW.principal THEN
      RAISE EXCEPTION 'an OUTCOME must close an INTENT of the same principal; % is not one', NEW.intent_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_events_outcome_closes_intent';
    END IF;
  END IF;

  IF NEW.kind = 'REVIEW' THEN
    SELECT principal, break_glass INTO target_principal, target_break_glass FROM "audit"."audit_events" WHERE id = NEW.reviewed_event_id;
    IF target_break_glass IS DISTINCT FROM true THEN
      RAISE EXCEPTION 'a REVIEW must review a break-glass event; % is not one', NEW.reviewed_event_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_events_review_of_break_glass';
    END IF;
    IF target_principal = NEW.principal THEN
      RAISE EXCEPTION 'four eyes: % cannot review their own break-glass event', NEW.principal
        USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_events_review_four_eyes';
    END IF;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_append_at_head"
  BEFORE INSERT ON "audit"."audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit"."check_audit_event_append"();
--> statement-breakpoint
CREATE FUNCTION "audit"."check_audit_checkpoint_append"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_number bigint;
  last_sequence bigint;
  event_hash text;
BEGIN
  SELECT number, sequence INTO last_number, last_sequence
    FROM "audit"."audit_checkpoints" ORDER BY number DESC LIMIT 1;
  IF NEW.number <= coalesce(last_number, 0) OR NEW.sequence <= coalesce(last_sequence, 0) THEN
    RAISE EXCEPTION 'checkpoint % (event %) must come after checkpoint % (event %)', NEW.number, NEW.sequence, last_number, last_sequence
      USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_checkpoints_ascending';
  END IF;
  SELECT hash INTO event_hash FROM "audit"."audit_events" WHERE sequence = NEW.sequence;
  IF event_hash IS DISTINCT FROM NEW.head_hash THEN
    RAISE EXCEPTION 'checkpoint % names hash % for event %, which the chain does not have', NEW.number, NEW.head_hash, NEW.sequence
      USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_checkpoints_match_chain';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_checkpoints_append_ascending"
  BEFORE INSERT ON "audit"."audit_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION "audit"."check_audit_checkpoint_append"();
--> statement-breakpoint
CREATE TRIGGER "audit_checkpoints_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "audit"."audit_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION "audit"."refuse_audit_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_checkpoints_no_truncate"
  BEFORE TRUNCATE ON "audit"."audit_checkpoints"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit"."refuse_audit_change"();
