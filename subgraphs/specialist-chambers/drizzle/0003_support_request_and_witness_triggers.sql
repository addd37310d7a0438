-- Rules that no CHECK can express, because they compare a row with its previous
-- version or with rows of other tables. Each violation is raised with a constraint
-- name, so the service answers it with a typed error, never a raw SQL error.

-- A support request moves only along its workflow:
-- REQUESTED → APPROVED | DECLINED, APPROVED → IN_PROGRESS, IN_PROGRESS → COMPLETED.
CREATE FUNCTION "specialist_chambers"."check_support_request_transition"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
       (OLD.status = 'REQUESTED' AND NEW.status IN ('APPROVED', 'DECLINED'))
    OR (OLD.status = 'APPROVED' AND NEW.status = 'IN_PROGRESS')
    OR (OLD.status = 'IN_PROGRESS' AND NEW.status = 'COMPLETED')
  ) THEN
    RAISE EXCEPTION 'a support request cannot move from % to %', OLD.status, NEW.status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'support_requests_status_transition';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "support_requests_status_transition"
  BEFORE UPDATE OF "status" ON "specialist_chambers"."support_requests"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."check_support_request_transition"();
--> statement-breakpoint

-- A protected witness moves only forward: REFERRED → ASSESSED → ADMITTED → RELOCATED,
-- and from any of these to EXITED, which is final.
CREATE FUNCTION "specialist_chambers"."check_witness_transition"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
       (OLD.status = 'REFERRED' AND NEW.status = 'ASSESSED')
    OR (OLD.status = 'ASSESSED' AND NEW.status = 'ADMITTED')
    OR (OLD.status = 'ADMITTED' AND NEW.status = 'RELOCATED')
    OR (OLD.status <> 'EXITED' AND NEW.status = 'EXITED')
  ) THEN
    RAISE EXCEPTION 'a protected witness cannot move from % to %', OLD.status, NEW.status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'protected_witnesses_status_transition';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "protected_witnesses_status_transition"
  BEFORE UPDATE OF "status" ON "specialist_chambers"."protected_witnesses"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."check_witness_transition"();
--> statement-breakpoint

-- Assessed, admitted and relocated witnesses have at least one threat assessment;
-- relocated ones at least one relocation. Checked at commit, so one transaction may
-- write the witness and its history in either order.
CREATE FUNCTION "specialist_chambers"."check_witness_prerequisites"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  current_status "specialist_chambers"."protected_witness_status";
BEGIN
  SELECT status INTO current_status FROM "specialist_chambers"."protected_witnesses" WHERE id = NEW.id;
  IF current_status IN ('ASSESSED', 'ADMITTED', 'RELOCATED') AND NOT EXISTS (
    SELECT 1 FROM "specialist_chambers"."threat_assessments" WHERE witness_id = NEW.id
  ) THEN
    RAISE EXCEPTION 'a protected witness in status % needs a threat assessment', current_status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'protected_witnesses_assessment_required';
  END IF;
  IF current_status = 'RELOCATED' AND NOT EXISTS (
    SELECT 1 FROM "specialist_chambers"."relocations" WHERE witness_id = NEW.id
  ) THEN
    RAISE EXCEPTION 'a relocated protected witness needs a relocation'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'protected_witnesses_relocation_required';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "protected_witnesses_prerequisites"
  AFTER INSERT OR UPDATE OF "status" ON "specialist_chambers"."protected_witnesses"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."check_witness_prerequisites"();
--> statement-breakpoint

-- Nothing is added to the file of a witness who has exited (it is closed); events are
-- not dated before the referral; relocations only once the witness is admitted.
CREATE FUNCTION "specialist_chambers"."check_witness_open"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  witness record;
BEGIN
  SELECT status, referred_on INTO witness
    FROM "specialist_chambers"."protected_witnesses" WHERE id = NEW.witness_id FOR SHARE;
  IF NOT FOUND THEN
    RETURN NEW; -- the foreign key refuses it
  END IF;
  IF TG_TABLE_NAME = 'relocations' AND witness.status NOT IN ('ADMITTED', 'RELOCATED') THEN
    RAISE EXCEPTION 'a protected witness in status % cannot be relocated', witness.status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'relocations_witness_admitted';
  END IF;
  IF witness.status = 'EXITED' THEN
    RAISE EXCEPTION 'the file of an exited protected witness is closed'
      USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_witness_open';
  END IF;
  -- Nested: PL/pgSQL does not short-circuit, and officers have no occurred_on.
  IF TG_TABLE_NAME IN ('threat_assessments', 'relocations') THEN
    IF (to_jsonb(NEW) ->> 'occurred_on')::date < witness.referred_on THEN
      RAISE EXCEPTION 'an event of a protected witness cannot precede the referral'
        USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_after_referral';
    END IF;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "threat_assessments_witness_open"
  BEFORE INSERT OR UPDATE ON "specialist_chambers"."threat_assessments"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."check_witness_open"();
--> statement-breakpoint
CREATE TRIGGER "relocations_witness_open"
  BEFORE INSERT OR UPDATE ON "specialist_chambers"."relocations"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."check_witness_open"();
--> statement-breakpoint
CREATE TRIGGER "witness_protection_officers_witness_open"
  BEFORE INSERT OR UPDATE ON "specialist_chambers"."witness_protection_officers"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."check_witness_open"();
--> statement-breakpoint

-- The programme's records are never erased, and the dated history (threat
-- assessments, relocations, support-request transitions) is never rewritten: a
-- witness who exits is closed, not deleted.
CREATE FUNCTION "specialist_chambers"."refuse_erasure"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% of % refused: these records are never erased or rewritten', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_never_erased';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "protected_witnesses_never_erased"
  BEFORE DELETE ON "specialist_chambers"."protected_witnesses"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
--> statement-breakpoint
CREATE TRIGGER "witness_identities_never_erased"
  BEFORE DELETE ON "specialist_chambers"."witness_identities"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
--> statement-breakpoint
CREATE TRIGGER "witness_protection_officers_never_erased"
  BEFORE DELETE ON "specialist_chambers"."witness_protection_officers"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
--> statement-breakpoint
CREATE TRIGGER "threat_assessments_never_erased"
  BEFORE UPDATE OR DELETE ON "specialist_chambers"."threat_assessments"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
--> statement-breakpoint
CREATE TRIGGER "relocations_never_erased"
  BEFORE UPDATE OR DELETE ON "specialist_chambers"."relocations"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
--> statement-breakpoint
CREATE TRIGGER "support_request_transitions_never_erased"
  BEFORE UPDATE OR DELETE ON "specialist_chambers"."support_request_transitions"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
--> statement-breakpoint
CREATE TRIGGER "protected_witnesses_never_truncated"
  BEFORE TRUNCATE ON "specialist_chambers"."protected_witnesses"
  FOR EACH STATEMENT EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
--> statement-breakpoint
CREATE TRIGGER "witness_identities_never_truncated"
  BEFORE TRUNCATE ON "specialist_chambers"."witness_identities"
  FOR EACH STATEMENT EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
--> statement-breakpoint
CREATE TRIGGER "threat_assessments_never_truncated"
  BEFORE TRUNCATE ON "specialist_chambers"."threat_assessments"
  FOR EACH STATEMENT EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
--> statement-breakpoint
CREATE TRIGGER "relocations_never_truncated"
  BEFORE TRUNCATE ON "specialist_chambers"."relocations"
  FOR EACH STATEMENT EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
