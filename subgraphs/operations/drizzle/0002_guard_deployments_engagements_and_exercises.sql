-- Rules that span rows or tables, enforced by the database whoever writes (the service,
-- the seed, a console). Each violation is raised as a check violation naming a
-- constraint, so the service maps it to a typed GraphQL error like any CHECK.

-- Engagement requests: the requester must itself be engaged (Kosovo Police always is,
-- the FPU only on an accepted request of Kosovo Police), the request comes after the
-- incident, and a decision, once taken, is final.
CREATE FUNCTION "operations"."guard_engagement_request"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.requested_at < (SELECT occurred_at FROM "operations"."incidents" WHERE id = NEW.incident_id) THEN
      RAISE EXCEPTION 'an engagement request cannot precede its incident'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'engagement_requests_after_incident';
    END IF;
    IF NEW.from_responder <> 'KOSOVO_POLICE' AND NOT EXISTS (
      SELECT 1 FROM "operations"."engagement_requests"
      WHERE incident_id = NEW.incident_id AND to_responder = NEW.from_responder AND decision = 'ACCEPTED'
    ) THEN
      RAISE EXCEPTION '% is not engaged on incident %, so it cannot ask the next tier', NEW.from_responder, NEW.incident_id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'engagement_requests_requester_engaged';
    END IF;
  ELSIF OLD.decision <> 'PENDING'
    AND (NEW.decision IS DISTINCT FROM OLD.decision OR NEW.decided_at IS DISTINCT FROM OLD.decided_at) THEN
    RAISE EXCEPTION 'engagement request % is already %', OLD.id, OLD.decision
      USING ERRCODE = 'check_violation', CONSTRAINT = 'engagement_requests_decision_is_final';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "engagement_requests_guard"
  BEFORE INSERT OR UPDATE ON "operations"."engagement_requests"
  FOR EACH ROW EXECUTE FUNCTION "operations"."guard_engagement_request"();
--> statement-breakpoint

-- Deployments: only on an accepted request of Kosovo Police to the FPU for the same
-- incident, not before that acceptance; open deployments never commit more officers
-- than the unit's authorized strength (the unit row is locked, so two deployments
-- committed at once are checked one after the other); an end, once recorded, is final.
CREATE FUNCTION "operations"."guard_deployment"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  request record;
  authorized integer;
  deployed integer;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT from_responder, to_responder, decision, decided_at INTO request
    FROM "operations"."engagement_requests"
    WHERE id = NEW.engagement_request_id AND incident_id = NEW.incident_id;
    -- A request that does not exist for this incident is the foreign key's to refuse.
    IF FOUND AND (request.from_responder <> 'KOSOVO_POLICE' OR request.to_responder <> 'EULEX_FPU'
      OR request.decision <> 'ACCEPTED') THEN
      RAISE EXCEPTION 'the FPU deploys only on an accepted request of Kosovo Police for the incident'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'deployments_require_accepted_request';
    END IF;
    IF FOUND AND NEW.started_at < request.decided_at THEN
      RAISE EXCEPTION 'a deployment cannot start before its request was accepted'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'deployments_start_after_acceptance';
    END IF;
  ELSIF OLD.ended_at IS NOT NULL AND NEW.ended_at IS DISTINCT FROM OLD.ended_at THEN
    RAISE EXCEPTION 'deployment % has already ended', OLD.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'deployments_end_is_final';
  END IF;
  IF NEW.ended_at IS NULL AND (TG_OP = 'INSERT' OR NEW.officers_committed > OLD.officers_committed) THEN
    SELECT authorized_strength INTO authorized
    FROM "operations"."formed_police_units" WHERE id = NEW.unit_id FOR UPDATE;
    SELECT coalesce(sum(officers_committed), 0) INTO deployed
    FROM "operations"."deployments" WHERE unit_id = NEW.unit_id AND ended_at IS NULL AND id <> NEW.id;
    IF deployed + NEW.officers_committed > authorized THEN
      RAISE EXCEPTION 'the unit has % of % officers available; % requested', authorized - deployed, authorized, NEW.officers_committed
        USING ERRCODE = 'check_violation', CONSTRAINT = 'deployments_within_available_strength';
    END IF;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "deployments_guard"
  BEFORE INSERT OR UPDATE ON "operations"."deployments"
  FOR EACH ROW EXECUTE FUNCTION "operations"."guard_deployment"();
--> statement-breakpoint

-- Named officers of a deployment: no more than it commits, and an officer is on at most
-- one open deployment at a time (the officer row is locked against concurrent assignment).
CREATE FUNCTION "operations"."guard_deployment_officer"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "operations"."officers" WHERE id = NEW.officer_id FOR UPDATE;
  IF EXISTS (
    SELECT 1 FROM "operations"."deployment_officers" o
    JOIN "operations"."deployments" d ON d.id = o.deployment_id
    WHERE o.officer_id = NEW.officer_id AND d.ended_at IS NULL AND d.id <> NEW.deployment_id
  ) THEN
    RAISE EXCEPTION 'officer % is already on an open deployment', NEW.officer_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'deployment_officers_one_open_deployment';
  END IF;
  IF (SELECT count(*) FROM "operations"."deployment_officers" WHERE deployment_id = NEW.deployment_id)
     >= (SELECT officers_committed FROM "operations"."deployments" WHERE id = NEW.deployment_id) THEN
    RAISE EXCEPTION 'deployment % names more officers than it commits', NEW.deployment_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'deployment_officers_within_committed';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "deployment_officers_guard"
  BEFORE INSERT ON "operations"."deployment_officers"
  FOR EACH ROW EXECUTE FUNCTION "operations"."guard_deployment_officer"();
--> statement-breakpoint

-- A joint exercise has at least two participants, the FPU among them. Checked at
-- commit (deferred), so an exercise and its participants are written in one transaction.
CREATE FUNCTION "operations"."check_exercise_participants"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  target uuid;
  participants integer;
  with_fpu boolean;
BEGIN
  IF TG_TABLE_NAME = 'exercises' THEN
    target := NEW.id;
  ELSIF TG_OP = 'DELETE' THEN
    target := OLD.exercise_id;
  ELSE
    target := NEW.exercise_id;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM "operations"."exercises" WHERE id = target) THEN
    RETURN NULL;
  END IF;
  SELECT count(*), coalesce(bool_or(responder_code = 'EULEX_FPU'), false) INTO participants, with_fpu
  FROM "operations"."exercise_participants" WHERE exercise_id = target;
  IF participants < 2 OR NOT with_fpu THEN
    RAISE EXCEPTION 'exercise % needs the FPU and at least one other responder', target
      USING ERRCODE = 'check_violation', CONSTRAINT = 'exercises_joint_with_fpu';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "exercises_joint_with_fpu"
  AFTER INSERT ON "operations"."exercises"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "operations"."check_exercise_participants"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "exercise_participants_joint_with_fpu"
  AFTER INSERT OR UPDATE OR DELETE ON "operations"."exercise_participants"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "operations"."check_exercise_participants"();
--> statement-breakpoint

-- An exercise's outcome is recorded once.
CREATE FUNCTION "operations"."guard_exercise_outcome"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.outcome_recorded_at IS NOT NULL AND (NEW.outcome IS DISTINCT FROM OLD.outcome
    OR NEW.lessons_learned IS DISTINCT FROM OLD.lessons_learned
    OR NEW.outcome_recorded_at IS DISTINCT FROM OLD.outcome_recorded_at) THEN
    RAISE EXCEPTION 'the outcome of exercise % is already recorded', OLD.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'exercises_outcome_is_final';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "exercises_outcome_guard"
  BEFORE UPDATE ON "operations"."exercises"
  FOR EACH ROW EXECUTE FUNCTION "operations"."guard_exercise_outcome"();
