import { syntheticId } from '@mission-graph/service-kit';
import { sql, type SQL } from 'drizzle-orm';
import {
  deploymentOfficers,
  deployments,
  engagementDecision,
  engagementRequests,
  exerciseParticipants,
  exercises,
  formedPoliceUnits,
  incidentKind,
  incidents,
  officerRank,
  officers,
  patrols,
  securityResponderCode,
  securityResponders,
  type OfficerRank,
  type OperationsDb,
  type SecurityResponderCode,
  typeOf,
} from './db/schema.js';
import { readExerciseParticipants } from './domain/exercise-participants.js';

/**
 * Deterministic synthetic data: the same rows, with the same ids, on every run and
 * every database. Names are invented ("Officer Synthetic-001"); places are real
 * municipalities. Bulk rows are generated in SQL (`generate_series`), so seeding
 * takes well under a second.
 */

const UNIT_ID = syntheticId('formed-police-unit', 1);

/** The FPU's roster: how many officers hold each rank, most senior first (105 in all). */
const ROSTER: readonly (readonly [OfficerRank, number])[] = [
  ['SUB_INSPECTOR', 1],
  ['CHIEF_COMMISSIONER', 2],
  ['COMMISSIONER', 3],
  ['SUB_COMMISSIONER', 4],
  ['STAFF_ASPIRANT', 5],
  ['SENIOR_ASPIRANT', 8],
  ['ASPIRANT', 10],
  ['JUNIOR_ASPIRANT', 12],
  ['STAFF_SERGEANT', 14],
  ['SENIOR_SERGEANT', 16],
  ['SERGEANT', 14],
  ['SENIOR_CONSTABLE', 10],
  ['CONSTABLE', 6],
];

/** Patrols run in three eight-hour shifts a day (00-08, 08-16, 16-24 UTC) over this span. */
const PATROLS_FROM = '2024-01-01';
const PATROL_DAYS = 1035; // 2024-01-01 to 2026-10-31
/** Shifts deliberately left uncovered, so coverage gaps have something to find. */
const PATROL_GAPS = [
  '2024-03-15T00:00:00Z',
  '2024-11-02T00:00:00Z',
  '2024-11-02T08:00:00Z',
  '2024-11-02T16:00:00Z',
  '2025-06-10T16:00:00Z',
  '2026-02-20T08:00:00Z',
];
const PATROL_ROUTES = [
  ['North Mitrovica', 'N1: main bridge – city centre – northern bypass'],
  ['Zvečan', 'N2: Zvečan – Banjska road'],
  ['Leposavić', 'N3: Leposavić – Jarinje road'],
  ['Zubin Potok', 'N4: Zubin Potok – Gazivoda lake road'],
  ['South Mitrovica', 'C1: southern bank – Vushtrri road'],
  ['Pristina', 'C2: Pristina ring road'],
] as const;

/** One incident every 41 days from this day; each gets a request from Kosovo Police. */
const INCIDENTS = 40;
const INCIDENTS_FROM = '2022-01-10';
const MUNICIPALITIES = [
  'North Mitrovica',
  'Zvečan',
  'Leposavić',
  'Zubin Potok',
  'South Mitrovica',
  'Pristina',
  'Prizren',
  'Peja',
];
/** Kosovo Police's requests not accepted by the FPU (by incident number); all others lead to a deployment. */
const DECLINED = [5, 16, 27, 33, 37];
const WITHDRAWN = [8, 22, 35];
const PENDING = [39, 40];
/** Deployments still going on (by deployment number): the unit's deployed strength. */
const OPEN_DEPLOYMENTS_FROM = 29;

/** One joint exercise every 130 days from this day. */
const EXERCISES = 25;
const EXERCISES_FROM = '2018-03-05';
const EXERCISE_LOCATIONS = [
  'FPU training ground, Pristina',
  'North Mitrovica',
  'Prizren',
  'Peja',
  'KFOR training area, Novo Selo',
];

/** Ids `syntheticId(kind, 1..count)`: stable across runs, so other pillars can link to them. */
const idsOf = (kind: string, count: number) => Array.from({ length: count }, (_, i) => syntheticId(kind, i + 1));

/** A JS list as one SQL array parameter (drizzle would spread a JS array into a parameter list). */
function arrayOf(values: readonly string[], elementType: SQL = sql`text`): SQL {
  return sql`array(select e.value::${elementType} from jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)
    with ordinality as e(value, n) order by e.n)`;
}

/** Which responders train with the FPU in exercise `n`: Kosovo Police, KFOR or both, in turn. */
function participantsOfExercise(n: number): SecurityResponderCode[] {
  const partners: SecurityResponderCode[][] = [['KOSOVO_POLICE', 'KFOR'], ['KOSOVO_POLICE'], ['KFOR']];
  return readExerciseParticipants(['EULEX_FPU', ...(partners[n % 3] ?? [])], 'seed.exerciseParticipants');
}

export async function seed(tx: OperationsDb): Promise<void> {
  await tx.insert(securityResponders).values([
    {
      code: 'KOSOVO_POLICE',
      name: 'Kosovo Police',
      tier: 1,
      role: 'First responder to every security incident; asks the FPU to engage when it needs support.',
    },
    {
      code: 'EULEX_FPU',
      name: 'EULEX Formed Police Unit',
      tier: 2,
      role: 'Second responder; engages only at the explicit request of Kosovo Police.',
    },
    {
      code: 'KFOR',
      name: 'Kosovo Force (KFOR)',
      tier: 3,
      role: 'NATO-led third responder; engages when the first two tiers need support.',
    },
  ]);
  await tx.insert(formedPoliceUnits).values({
    id: UNIT_ID,
    responderCode: 'EULEX_FPU',
    name: 'EULEX Formed Police Unit',
    contributingCountry: 'Poland',
    authorizedStrength: 105,
  });

  const ranks = ROSTER.flatMap(([rank, count]) => Array<string>(count).fill(rank));
  await tx.execute(sql`
    insert into ${officers} (id, unit_id, rank, service_number, full_name)
    select ids[n], ${UNIT_ID}, ranks[n], 'PL-FPU-' || lpad(n::text, 3, '0'), 'Officer Synthetic-' || lpad(n::text, 3, '0')
    from generate_series(1, ${ranks.length}) as n,
      (select ${arrayOf(idsOf('officer', ranks.length), sql`uuid`)} as ids,
              ${arrayOf(ranks, typeOf(officerRank))} as ranks) as lists`);

  const shifts = PATROL_DAYS * 3;
  await tx.execute(sql`
    insert into ${patrols} (id, unit_id, kind, shift_start, shift_end, area, route)
    select ids[n + 1], ${UNIT_ID}, 'MOBILE_RECONNAISSANCE', shift_start, shift_start + interval '8 hours',
      areas[1 + n % ${PATROL_ROUTES.length}], routes[1 + n % ${PATROL_ROUTES.length}]
    from generate_series(0, ${shifts - 1}) as n,
      lateral (select (${PATROLS_FROM}::timestamp at time zone 'UTC') + n * interval '8 hours' as shift_start) as shift,
      (select ${arrayOf(idsOf('patrol', shifts), sql`uuid`)} as ids,
              ${arrayOf(PATROL_ROUTES.map(([area]) => area))} as areas,
              ${arrayOf(PATROL_ROUTES.map(([, route]) => route))} as routes,
              ${arrayOf(PATROL_GAPS, sql`timestamptz`)} as gaps) as lists
    where shift_start <> all(gaps)`);

  // Day and time of incident n: every 41 days, at an hour and minute that vary.
  await tx.execute(sql`
    insert into ${incidents} (id, kind, occurred_at, municipality, description)
    select ids[n], kind::${typeOf(incidentKind)},
      (${INCIDENTS_FROM}::timestamp + (n - 1) * interval '41 days' + (n * 7 % 24) * interval '1 hour'
        + (n * 13 % 60) * interval '1 minute') at time zone 'UTC',
      municipalities[1 + (n - 1) % ${MUNICIPALITIES.length}],
      'Synthetic incident ' || n || ': ' || case kind
        when 'RIOT' then 'riot with stones thrown at a police line'
        when 'CIVIL_DISTURBANCE' then 'crowd gathering blocking a main road'
        else 'suspicious vehicle reported near a patrol route' end
    from generate_series(1, ${INCIDENTS}) as n,
      lateral (select case when n % 5 = 0 then 'RIOT' when n % 5 = 3 then 'OTHER' else 'CIVIL_DISTURBANCE' end as kind) as k,
      (select ${arrayOf(idsOf('incident', INCIDENTS), sql`uuid`)} as ids,
              ${arrayOf(MUNICIPALITIES)} as municipalities) as lists`);

  // Kosovo Police asks the FPU to engage on every incident, half an hour after it began.
  const requestIds = idsOf('engagement-request', INCIDENTS * 2);
  await tx.execute(sql`
    insert into ${engagementRequests} (id, incident_id, from_responder, to_responder, requested_at, decision, decided_at)
    select request_ids[n], incident_ids[n], 'KOSOVO_POLICE', 'EULEX_FPU', requested_at, decision::${typeOf(engagementDecision)},
      case when decision = 'PENDING' then null else requested_at + interval '20 minutes' end
    from generate_series(1, ${INCIDENTS}) as n,
      (select ${arrayOf(requestIds, sql`uuid`)} as request_ids,
              ${arrayOf(idsOf('incident', INCIDENTS), sql`uuid`)} as incident_ids,
              ${arrayOf(DECLINED.map(String), sql`int`)} as declined,
              ${arrayOf(WITHDRAWN.map(String), sql`int`)} as withdrawn,
              ${arrayOf(PENDING.map(String), sql`int`)} as pending) as lists,
      lateral (select occurred_at + interval '30 minutes' as requested_at from ${incidents} where id = incident_ids[n]) as incident,
      lateral (select case when n = any(declined) then 'DECLINED' when n = any(withdrawn) then 'WITHDRAWN'
                           when n = any(pending) then 'PENDING' else 'ACCEPTED' end as decision) as d`);

  // On riots the FPU engaged in, it asks KFOR in turn: odd escalations accepted, even declined.
  await tx.execute(sql`
    insert into ${engagementRequests} (id, incident_id, from_responder, to_responder, requested_at, decision, decided_at)
    select request_ids[${INCIDENTS} + k], incident_id, 'EULEX_FPU', 'KFOR', requested_at,
      case when k % 2 = 1 then 'ACCEPTED' else 'DECLINED' end::${typeOf(engagementDecision)},
      requested_at + interval '30 minutes'
    from (
      select r.incident_id, r.requested_at + interval '150 minutes' as requested_at,
        row_number() over (order by r.requested_at) as k
      from ${engagementRequests} r join ${incidents} i on i.id = r.incident_id
      where i.kind = 'RIOT' and r.decision = 'ACCEPTED' and r.to_responder = 'EULEX_FPU'
    ) as escalated,
      (select ${arrayOf(requestIds, sql`uuid`)} as request_ids) as lists`);

  // Every accepted request of Kosovo Police deploys the FPU 45 minutes after the decision.
  const acceptedCount = INCIDENTS - DECLINED.length - WITHDRAWN.length - PENDING.length;
  await tx.execute(sql`
    insert into ${deployments} (id, unit_id, incident_id, engagement_request_id, officers_committed, started_at, ended_at)
    select ids[k], ${UNIT_ID}, incident_id, request_id, 20 + k * 37 % 71, started_at,
      case when k >= ${OPEN_DEPLOYMENTS_FROM} then null else started_at + (1 + k % 4) * interval '6 hours' end
    from (
      select r.id as request_id, r.incident_id, r.decided_at + interval '45 minutes' as started_at,
        row_number() over (order by r.requested_at) as k
      from ${engagementRequests} r
      where r.from_responder = 'KOSOVO_POLICE' and r.to_responder = 'EULEX_FPU' and r.decision = 'ACCEPTED'
    ) as accepted,
      (select ${arrayOf(idsOf('deployment', acceptedCount), sql`uuid`)} as ids) as lists`);

  // Ended deployments name the officers they committed, most junior service numbers first;
  // the open ones give only a head count, so every officer is free for a new deployment.
  await tx.execute(sql`
    insert into ${deploymentOfficers} (deployment_id, officer_id)
    select d.id, o.id
    from ${deployments} d
      cross join lateral (select id from ${officers} order by service_number limit d.officers_committed) as o
    where d.ended_at is not null`);

  await tx.execute(sql`
    insert into ${exercises} (id, title, kind, starts_on, ends_on, location, objectives)
    select ids[n], 'Joint crowd-and-riot-control exercise "Synthetic Shield ' || lpad(n::text, 2, '0') || '"',
      'CROWD_AND_RIOT_CONTROL', starts_on, starts_on + n % 3, locations[1 + (n - 1) % ${EXERCISE_LOCATIONS.length}],
      case n % 3
        when 0 then 'Hand-over of a riot scene from Kosovo Police to the FPU and from the FPU to KFOR.'
        when 1 then 'Joint crowd-control formations of Kosovo Police and the FPU; request and engagement drill.'
        else 'FPU and KFOR coordination at a blocked crossing; escalation to the third tier.' end
    from generate_series(1, ${EXERCISES}) as n,
      lateral (select ${EXERCISES_FROM}::date + (n - 1) * 130 as starts_on) as day,
      (select ${arrayOf(idsOf('exercise', EXERCISES), sql`uuid`)} as ids,
              ${arrayOf(EXERCISE_LOCATIONS)} as locations) as lists`);

  const participants = idsOf('exercise', EXERCISES).flatMap((exerciseId, i) =>
    participantsOfExercise(i + 1).map((responderCode) => ({ exerciseId, responderCode })),
  );
  await tx.execute(sql`
    insert into ${exerciseParticipants} (exercise_id, responder_code)
    select p."exerciseId", p."responderCode"::${typeOf(securityResponderCode)}
    from jsonb_to_recordset(${JSON.stringify(participants)}::jsonb) as p("exerciseId" uuid, "responderCode" text)`);
}
