-- Returning remains to the family: a handover record (when, to whom) and RETURNED go
-- together, whoever writes. Closing a case needs a day and a reason (CHECK
-- missing_persons_closed_with_reason, migration return_remains_and_close_cases_tables);
-- the status trigger of migration morgue_and_status_workflow_rules already allows only
-- MISSING or REMAINS_RECOVERED -> CLOSED and keeps CLOSED final.

-- Remains returned before handovers were recorded get one, marked as such, so the rule
-- below holds for every row. Written before the rules exist.
INSERT INTO "forensics"."remains_handovers" (id, remains_id, handed_over_on, receiving_relative)
SELECT gen_random_uuid(), r.id, greatest(coalesce(i.identified_on, date '2008-12-09'), date '2008-12-09'),
  'Not recorded (returned before handovers were recorded)'
FROM "forensics"."mortal_remains" r
LEFT JOIN "forensics"."identifications" i ON i.remains_id = r.id
WHERE r.status = 'RETURNED'
  AND NOT EXISTS (SELECT 1 FROM "forensics"."remains_handovers" h WHERE h.remains_id = r.id);
--> statement-breakpoint

-- A handover is of identified remains, not before their identification.
CREATE FUNCTION "forensics"."remains_handovers_after_identification"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  identified date;
BEGIN
  SELECT i.identified_on INTO identified FROM "forensics"."identifications" i WHERE i.remains_id = NEW.remains_id;
  IF identified IS NULL THEN
    RAISE EXCEPTION 'mortal remains % are not identified: only identified remains are returned', NEW.remains_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'remains_handovers_of_identified_remains';
  END IF;
  IF NEW.handed_over_on < identified THEN
    RAISE EXCEPTION 'remains cannot be returned (%) before their identification (%)', NEW.handed_over_on, identified
      USING ERRCODE = 'check_violation', CONSTRAINT = 'remains_handovers_after_identification';
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "remains_handovers_after_identification" BEFORE INSERT ON "forensics"."remains_handovers"
  FOR EACH ROW EXECUTE FUNCTION "forensics"."remains_handovers_after_identification"();--> statement-breakpoint

-- RETURNED remains have their handover, and a handover's remains are RETURNED: checked at
-- commit, so one transaction writes both in either order.
CREATE FUNCTION "forensics"."mortal_remains_returned_with_handover"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'mortal_remains' THEN
    IF EXISTS (SELECT 1 FROM "forensics"."mortal_remains" r WHERE r.id = NEW.id AND r.status = 'RETURNED')
      AND NOT EXISTS (SELECT 1 FROM "forensics"."remains_handovers" h WHERE h.remains_id = NEW.id) THEN
      RAISE EXCEPTION 'mortal remains % are RETURNED without a handover', NEW.id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'mortal_remains_returned_with_handover';
    END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM "forensics"."mortal_remains" r WHERE r.id = NEW.remains_id AND r.status = 'RETURNED') THEN
    RAISE EXCEPTION 'the handover of mortal remains % leaves them unreturned', NEW.remains_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'remains_handovers_return_the_remains';
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "mortal_remains_returned_with_handover" AFTER INSERT OR UPDATE OF "status" ON "forensics"."mortal_remains"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "forensics"."mortal_remains_returned_with_handover"();--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "remains_handovers_return_the_remains" AFTER INSERT ON "forensics"."remains_handovers"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "forensics"."mortal_remains_returned_with_handover"();--> statement-breakpoint

-- A handover is a record of what happened: never rewritten or erased.
CREATE FUNCTION "forensics"."remains_handovers_never_rewritten"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% of a remains handover refused: the record of a return is never rewritten or erased', TG_OP
    USING ERRCODE = 'check_violation', CONSTRAINT = 'remains_handovers_never_rewritten';
END $$;--> statement-breakpoint
CREATE TRIGGER "remains_handovers_never_rewritten" BEFORE UPDATE OR DELETE ON "forensics"."remains_handovers"
  FOR EACH ROW EXECUTE FUNCTION "forensics"."remains_handovers_never_rewritten"();--> statement-breakpoint
CREATE TRIGGER "remains_handovers_never_truncated" BEFORE TRUNCATE ON "forensics"."remains_handovers"
  FOR EACH STATEMENT EXECUTE FUNCTION "forensics"."remains_handovers_never_rewritten"();
