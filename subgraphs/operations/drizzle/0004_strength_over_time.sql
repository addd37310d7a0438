-- Strength over time: at no instant do overlapping deployments commit more officers
-- than the unit's authorized strength. The check of migration 0002 counted only the
-- deployments open now, so a back-dated deployment overlapping an earlier (since
-- ended) one could exceed 105 for that period. A deployment occupies [started_at,
-- ended_at), open-ended while it goes on; the load is a step function that rises only
-- where a deployment starts, so its peak over a period is at the period's start or at
-- a start inside it. The unit row is locked first, so deployments written at the same
-- moment (two concurrent back-dated ones included) are checked one after the other.
CREATE OR REPLACE FUNCTION "operations"."deployed_peak"(unit uuid, excluded uuid, from_at timestamptz, until_at timestamptz)
RETURNS TABLE (peak integer, peak_at timestamptz)
LANGUAGE sql AS $$
  SELECT load::integer, at
  FROM (
    SELECT c.at, (
      SELECT coalesce(sum(d.officers_committed), 0) FROM "operations"."deployments" d
      WHERE d.unit_id = unit AND d.id IS DISTINCT FROM excluded
        AND d.started_at <= c.at AND (d.ended_at IS NULL OR d.ended_at > c.at)
    ) AS load
    FROM (
      SELECT from_at AS at
      UNION
      SELECT d.started_at FROM "operations"."deployments" d
      WHERE d.unit_id = unit AND d.id IS DISTINCT FROM excluded
        AND d.started_at > from_at AND d.started_at < coalesce(until_at, 'infinity')
    ) AS c
  ) AS loads
  ORDER BY load DESC, at
  LIMIT 1
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "operations"."guard_deployment"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  request record;
  authorized integer;
  busiest record;
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
  -- Checked whenever the deployment occupies more: new, earlier start, later (or no) end, more officers.
  IF TG_OP = 'INSERT' OR NEW.started_at < OLD.started_at OR NEW.officers_committed > OLD.officers_committed
    OR (OLD.ended_at IS NOT NULL AND (NEW.ended_at IS NULL OR NEW.ended_at > OLD.ended_at)) THEN
    SELECT authorized_strength INTO authorized
    FROM "operations"."formed_police_units" WHERE id = NEW.unit_id FOR UPDATE;
    IF NEW.officers_committed > authorized THEN
      RAISE EXCEPTION 'the unit has % officers; % requested', authorized, NEW.officers_committed
        USING ERRCODE = 'check_violation', CONSTRAINT = 'deployments_officers_committed_within_unit';
    END IF;
    SELECT * INTO busiest FROM "operations"."deployed_peak"(NEW.unit_id, NEW.id, NEW.started_at, NEW.ended_at);
    IF busiest.peak + NEW.officers_committed > authorized THEN
      RAISE EXCEPTION 'at % the unit had % of % officers available; % requested',
        busiest.peak_at, authorized - busiest.peak, authorized, NEW.officers_committed
        USING ERRCODE = 'check_violation', CONSTRAINT = 'deployments_within_available_strength';
    END IF;
  END IF;
  RETURN NEW;
END;
$$;
