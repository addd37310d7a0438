-- Rules that span rows or tables, which CHECK constraints cannot express. Each trigger
-- raises check_violation (SQLSTATE 23514) with a constraint name, so the service maps
-- it to a typed GraphQL error like any other constraint. The transition tables mirror
-- src/domain/workflow.ts.

-- A missing-person case moves MISSING -> REMAINS_RECOVERED -> IDENTIFIED (or CLOSED);
-- IDENTIFIED and CLOSED are final, and IDENTIFIED needs the identification on record.
CREATE FUNCTION "forensics"."missing_persons_status_transition"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    IF NOT ((OLD.status = 'MISSING' AND NEW.status IN ('REMAINS_RECOVERED', 'IDENTIFIED', 'CLOSED'))
        OR (OLD.status = 'REMAINS_RECOVERED' AND NEW.status IN ('MISSING', 'IDENTIFIED', 'CLOSED'))) THEN
      RAISE EXCEPTION 'missing person % cannot move from % to %', OLD.id, OLD.status, NEW.status
        USING ERRCODE = 'check_violation', CONSTRAINT = 'missing_persons_status_transition';
    END IF;
    IF NEW.status = 'IDENTIFIED' AND NOT EXISTS (
        SELECT 1 FROM "forensics"."identifications" i WHERE i.missing_person_id = NEW.id) THEN
      RAISE EXCEPTION 'missing person % is not identified by any identification', NEW.id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'missing_persons_identified_by_identification';
    END IF;
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "missing_persons_status_transition" BEFORE UPDATE OF "status" ON "forensics"."missing_persons"
  FOR EACH ROW EXECUTE FUNCTION "forensics"."missing_persons_status_transition"();--> statement-breakpoint

-- Mortal remains move UNIDENTIFIED <-> UNDER_REVIEW -> IDENTIFIED -> RETURNED;
-- IDENTIFIED needs the identification on record.
CREATE FUNCTION "forensics"."mortal_remains_status_transition"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    IF NOT ((OLD.status = 'UNIDENTIFIED' AND NEW.status IN ('UNDER_REVIEW', 'IDENTIFIED'))
        OR (OLD.status = 'UNDER_REVIEW' AND NEW.status IN ('UNIDENTIFIED', 'IDENTIFIED'))
        OR (OLD.status = 'IDENTIFIED' AND NEW.status = 'RETURNED')) THEN
      RAISE EXCEPTION 'mortal remains % cannot move from % to %', OLD.id, OLD.status, NEW.status
        USING ERRCODE = 'check_violation', CONSTRAINT = 'mortal_remains_status_transition';
    END IF;
    IF NEW.status = 'IDENTIFIED' AND NOT EXISTS (
        SELECT 1 FROM "forensics"."identifications" i WHERE i.remains_id = NEW.id) THEN
      RAISE EXCEPTION 'mortal remains % are not identified by any identification', NEW.id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'mortal_remains_identified_by_identification';
    END IF;
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "mortal_remains_status_transition" BEFORE UPDATE OF "status" ON "forensics"."mortal_remains"
  FOR EACH ROW EXECUTE FUNCTION "forensics"."mortal_remains_status_transition"();--> statement-breakpoint

-- Remains are recovered by exhumations (other operations only assess, survey or dig to confirm).
CREATE FUNCTION "forensics"."mortal_remains_recovered_by_exhumation"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.recovered_by_operation_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM "forensics"."field_operations" o
      WHERE o.id = NEW.recovered_by_operation_id AND o.kind = 'EXHUMATION') THEN
    RAISE EXCEPTION 'operation % is not an exhumation', NEW.recovered_by_operation_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'mortal_remains_recovered_by_exhumation';
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "mortal_remains_recovered_by_exhumation"
  BEFORE INSERT OR UPDATE OF "recovered_by_operation_id" ON "forensics"."mortal_remains"
  FOR EACH ROW EXECUTE FUNCTION "forensics"."mortal_remains_recovered_by_exhumation"();--> statement-breakpoint

-- Morgue reviews concern remains not yet identified: unidentified now, or (a review
-- recorded afterwards, e.g. migrated history) identified only after the review day.
CREATE FUNCTION "forensics"."morgue_reviews_of_unidentified_remains"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
      SELECT 1 FROM "forensics"."mortal_remains" r
      WHERE r.id = NEW.remains_id AND r.status IN ('UNIDENTIFIED', 'UNDER_REVIEW'))
    AND NOT EXISTS (
      SELECT 1 FROM "forensics"."identifications" i
      WHERE i.remains_id = NEW.remains_id AND i.identified_on > NEW.reviewed_on) THEN
    RAISE EXCEPTION 'mortal remains % are not unidentified on %', NEW.remains_id, NEW.reviewed_on
      USING ERRCODE = 'check_violation', CONSTRAINT = 'morgue_reviews_of_unidentified_remains';
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "morgue_reviews_of_unidentified_remains" BEFORE INSERT ON "forensics"."morgue_reviews"
  FOR EACH ROW EXECUTE FUNCTION "forensics"."morgue_reviews_of_unidentified_remains"();--> statement-breakpoint

-- An identification settles its remains (IDENTIFIED or RETURNED) and its case (IDENTIFIED)
-- in the same transaction: checked at commit, so the statements may come in any order.
CREATE FUNCTION "forensics"."identifications_settle_statuses"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
      SELECT 1 FROM "forensics"."mortal_remains" r
      WHERE r.id = NEW.remains_id AND r.status IN ('IDENTIFIED', 'RETURNED')) THEN
    RAISE EXCEPTION 'identification % leaves its remains unidentified', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'identifications_settle_statuses';
  END IF;
  IF NEW.missing_person_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM "forensics"."missing_persons" p
      WHERE p.id = NEW.missing_person_id AND p.status = 'IDENTIFIED') THEN
    RAISE EXCEPTION 'identification % leaves its missing-person case open', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'identifications_settle_statuses';
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "identifications_settle_statuses" AFTER INSERT ON "forensics"."identifications"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "forensics"."identifications_settle_statuses"();
