-- Protection-officer assignments need two people (four eyes): one principal proposes,
-- another approves, never the proposer and never the proposed officer; anyone holding
-- the assign scope may revoke, which closes access at once. These rules hold in the
-- database too, whoever writes: each violation is raised with a constraint name, so
-- the service answers it with a typed error.

-- Assignments made by one person before this migration carry over as proposals
-- awaiting a second person's approval: they open nothing until approved. Copied before
-- the rules below exist, so the history of exited witnesses is kept too.
INSERT INTO "specialist_chambers"."protection_officer_assignments" (id, witness_id, officer_subject, proposed_by)
SELECT gen_random_uuid(), o.witness_id, o.officer_subject, 'legacy-single-person-assignment'
FROM "specialist_chambers"."witness_protection_officers" o
WHERE o.officer_subject <> 'legacy-single-person-assignment';
--> statement-breakpoint
INSERT INTO "specialist_chambers"."protection_officer_assignment_events" (id, assignment_id, action, actor, occurred_at)
SELECT gen_random_uuid(), a.id, 'PROPOSED', a.proposed_by, o.assigned_at
FROM "specialist_chambers"."protection_officer_assignments" a
JOIN "specialist_chambers"."witness_protection_officers" o
  ON o.witness_id = a.witness_id AND o.officer_subject = a.officer_subject;
--> statement-breakpoint

-- Each step of an assignment's history is legal when it is written:
--   PROPOSED  by the principal the assignment names as proposer, for an open file;
--   APPROVED  after the proposal, not after a revocation, by neither the proposer nor
--             the officer, for an open file;
--   REVOKED   after the proposal (a pending proposal is withdrawn this way);
-- every step at most once (UNIQUE), in time order, never dated in the future. The
-- witness row is locked, so steps on one witness's assignments run one at a time.
CREATE FUNCTION "specialist_chambers"."check_protection_officer_event"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  assignment record;
  witness_status "specialist_chambers"."protected_witness_status";
  proposed_at timestamptz;
  last_at timestamptz;
BEGIN
  SELECT a.witness_id, a.officer_subject, a.proposed_by INTO assignment
    FROM "specialist_chambers"."protection_officer_assignments" a WHERE a.id = NEW.assignment_id;
  IF NOT FOUND THEN
    RETURN NEW; -- the foreign key refuses it
  END IF;
  SELECT status INTO witness_status
    FROM "specialist_chambers"."protected_witnesses" WHERE id = assignment.witness_id FOR UPDATE;
  SELECT max(occurred_at) FILTER (WHERE action = 'PROPOSED'), max(occurred_at) INTO proposed_at, last_at
    FROM "specialist_chambers"."protection_officer_assignment_events" WHERE assignment_id = NEW.assignment_id;

  IF NEW.occurred_at > now() THEN
    RAISE EXCEPTION 'a step of an assignment cannot be dated in the future'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'protection_officer_assignment_events_not_in_future';
  END IF;
  IF NEW.action = 'PROPOSED' THEN
    IF NEW.actor IS DISTINCT FROM assignment.proposed_by THEN
      RAISE EXCEPTION 'the proposal of an assignment is made by the principal it names as proposer'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'protection_officer_assignment_events_proposed_by_proposer';
    END IF;
  ELSE
    IF proposed_at IS NULL THEN
      RAISE EXCEPTION 'an assignment is % only after it was proposed', NEW.action
        USING ERRCODE = 'check_violation', CONSTRAINT = 'protection_officer_assignment_events_proposal_first';
    END IF;
    IF NEW.occurred_at < last_at THEN
      RAISE EXCEPTION 'the steps of an assignment are dated in the order they happen'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'protection_officer_assignment_events_in_time_order';
    END IF;
  END IF;
  IF NEW.action = 'APPROVED' THEN
    IF EXISTS (SELECT 1 FROM "specialist_chambers"."protection_officer_assignment_events"
               WHERE assignment_id = NEW.assignment_id AND action = 'REVOKED') THEN
      RAISE EXCEPTION 'a revoked assignment cannot be approved'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'protection_officer_assignment_events_revocation_final';
    END IF;
    IF NEW.actor = assignment.proposed_by THEN
      RAISE EXCEPTION 'four eyes: the proposer cannot approve the assignment'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'protection_officer_assignment_events_not_approved_by_proposer';
    END IF;
    IF NEW.actor = assignment.officer_subject THEN
      RAISE EXCEPTION 'four eyes: the proposed officer cannot approve the assignment'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'protection_officer_assignment_events_not_approved_by_officer';
    END IF;
  END IF;
  IF NEW.action IN ('PROPOSED', 'APPROVED') AND witness_status = 'EXITED' THEN
    RAISE EXCEPTION 'the file of an exited protected witness is closed'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'protection_officer_assignment_events_witness_open';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "protection_officer_assignment_events_legal"
  BEFORE INSERT ON "specialist_chambers"."protection_officer_assignment_events"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."check_protection_officer_event"();
--> statement-breakpoint

-- An assignment exists only with its proposal: checked at commit, so the assignment and
-- its PROPOSED step are written in one transaction, in either order.
CREATE FUNCTION "specialist_chambers"."check_protection_officer_proposed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "specialist_chambers"."protection_officer_assignment_events"
                 WHERE assignment_id = NEW.id AND action = 'PROPOSED') THEN
    RAISE EXCEPTION 'assignment % has no proposal', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'protection_officer_assignments_proposed';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "protection_officer_assignments_proposed"
  AFTER INSERT ON "specialist_chambers"."protection_officer_assignments"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."check_protection_officer_proposed"();
--> statement-breakpoint

-- Neither an assignment nor a step of its history is ever changed or erased: a mistake
-- is corrected by revoking, and the record of who did what stays.
CREATE TRIGGER "protection_officer_assignments_never_erased"
  BEFORE UPDATE OR DELETE ON "specialist_chambers"."protection_officer_assignments"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
--> statement-breakpoint
CREATE TRIGGER "protection_officer_assignment_events_never_erased"
  BEFORE UPDATE OR DELETE ON "specialist_chambers"."protection_officer_assignment_events"
  FOR EACH ROW EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
--> statement-breakpoint
CREATE TRIGGER "protection_officer_assignments_never_truncated"
  BEFORE TRUNCATE ON "specialist_chambers"."protection_officer_assignments"
  FOR EACH STATEMENT EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
--> statement-breakpoint
CREATE TRIGGER "protection_officer_assignment_events_never_truncated"
  BEFORE TRUNCATE ON "specialist_chambers"."protection_officer_assignment_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "specialist_chambers"."refuse_erasure"();
