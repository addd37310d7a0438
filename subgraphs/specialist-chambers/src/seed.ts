import { syntheticId, type Db } from '@mission-graph/service-kit';
import { sql, type SQL } from 'drizzle-orm';
import type * as schema from './db/schema.js';
import {
  protectedWitnesses,
  PG_SCHEMA,
  relocations,
  protectedWitnessStatus,
  supportRequestInstitution,
  supportRequestKind,
  supportRequestStatus,
  supportRequestTransitions,
  supportRequests,
  threatAssessments,
  witnessIdentities,
  protectionOfficerAction,
  protectionOfficerAssignmentEvents,
  protectionOfficerAssignments,
  witnessRiskLevel,
} from './db/schema.js';

/**
 * Deterministic synthetic data: every run on every machine produces the same rows
 * and ids, so tests and analysts can rely on exact figures. Rows are generated in
 * SQL (`generate_series`), one statement per table. All names are invented.
 *
 * Support requests (300, 2020-09-01 … 2026-10-31, two per day of request):
 *   institution  n % 3 = 0 → Prosecutor's Office (100), otherwise Chambers (200)
 *   kind         n % 5 in (0, 1) → OPERATIONAL (120), otherwise LOGISTIC (180)
 *   status       the 30 newest are REQUESTED / APPROVED / IN_PROGRESS (10 each);
 *                of the older ones every tenth was DECLINED (27), the rest COMPLETED (243)
 * Protected witnesses (40, referred 2021-01-15 … 2026-06-30), each with an identity:
 *   status       n % 5 → REFERRED … EXITED (8 each)
 *   risk level   n % 4 → LOW … CRITICAL (10 each)
 * Their history (ids numbered per witness n, then event k):
 *   threat assessments  1 + (7n) % 4 per witness → 10 witnesses each with 4, 3, 2, 1
 *                       (100 in all), the k-th on referredOn + 7 + 60 (k - 1) days;
 *                       the newest one's level is the witness's risk level, earlier
 *                       ones (n + k) % 4 → LOW … CRITICAL
 *   relocations         RELOCATED and EXITED witnesses only (16): 1 + n % 2 each
 *                       (8 with two, 8 with one; 24 in all), the j-th on
 *                       referredOn + 30 + 90 (j - 1) days (never an assessment's day);
 *                       the last one ends at the identity's current location
 *   protection officers officer-NN (synthetic principal ids = token subjects):
 *                       witness n has officer-{1 + (n - 1) % 12}, and even n also
 *                       officer-{1 + (n + 5) % 12} (60 assignments; test/seed-facts.ts
 *                       `officersOf` computes the same), each proposed by
 *                       programme-manager-01 at 09:00 UTC a week after referral and
 *                       approved by programme-manager-02 at 11:00 (120 history steps);
 *                       and one proposal awaiting approval (officer-13 for witness 1)
 *   EXITED witnesses are written as RELOCATED and closed (moved to EXITED) last, as
 *   the database refuses additions to a closed file.
 * Support-request history: each request's submission (REQUESTED, 09:00 UTC on
 * requestedOn) and the moves to its current status: APPROVED +2 days, IN_PROGRESS
 * +5, COMPLETED +20, DECLINED +3 (1,086 transitions in all).
 * Deployments: the 30 newest operational requests in progress or completed are
 * linked to operations' deployments syntheticId('deployment', 1…30), newest first
 * (so the first page of `supportRequests` already shows linked ones).
 */
const SUPPORT_REQUESTS = 300;
const PROTECTED_WITNESSES = 40;
const MAX_THREAT_ASSESSMENTS = 4;
const MAX_RELOCATIONS = 2;
const MAX_TRANSITIONS = 4;
const LINKED_DEPLOYMENTS = 30;
/** Officer principal ids run officer-01 … officer-12. */
export const SEEDED_OFFICERS = 12;

const LOGISTIC_TITLES = [
  'Secure transport of case files',
  'Video-link equipment for a remote hearing',
  'Vehicles for a court field visit',
  'Temporary secure storage of exhibits',
  'Interpretation booth set-up',
  'Office space for a visiting delegation',
];

const OPERATIONAL_TITLES = [
  'Close protection during a site visit',
  'Support to the service of a summons',
  'Security perimeter for a search',
  'Escort for the transfer of a detained person',
  'Public order support at a court-related event',
  'Support to the collection of evidence',
];

const CODENAME_WORDS = [
  'KESTREL', 'HERON', 'MERLIN', 'OSPREY', 'PLOVER', 'SISKIN', 'WAGTAIL', 'LINNET', 'BUNTING', 'CURLEW',
  'DUNLIN', 'EGRET', 'FULMAR', 'GANNET', 'HOBBY', 'IBIS', 'JACKDAW', 'KITE', 'LAPWING', 'MARTIN',
];

/** A Postgres array literal, passed as one parameter (drizzle would spread a JS array into a list). */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value}"`).join(',')}}`;
}

function syntheticIds(kind: string, count: number): string {
  return arrayLiteral(Array.from({ length: count }, (_, i) => syntheticId(kind, i + 1)));
}

/** The schema-qualified name of one of this pillar's enum types, for casts. */
function enumType(pgEnum: { enumName: string }): SQL {
  return sql`${sql.identifier(PG_SCHEMA)}.${sql.identifier(pgEnum.enumName)}`;
}

async function seedSupportRequests(tx: Db<typeof schema>): Promise<void> {
  const days = sql`(date '2026-10-31' - date '2020-09-01')`;
  const lastPair = SUPPORT_REQUESTS / 2 - 1;
  await tx.execute(sql`
    insert into ${supportRequests} (id, reference, institution, kind, title, description, requested_on, status)
    select
      (${syntheticIds('support-request', SUPPORT_REQUESTS)}::uuid[])[n],
      case when n % 3 = 0 then 'SPO' else 'KSC' end || '-' || to_char(requested_on, 'YYYY') || '-' || lpad(n::text, 4, '0'),
      (case when n % 3 = 0 then 'SPECIALIST_PROSECUTORS_OFFICE' else 'KOSOVO_SPECIALIST_CHAMBERS' end)::${enumType(supportRequestInstitution)},
      kind::${enumType(supportRequestKind)},
      title,
      'Synthetic request ' || n || ': ' || lower(title) || '. Generated seed data, not a real case.',
      requested_on,
      (case
        when n > ${SUPPORT_REQUESTS - 30} then (array['REQUESTED', 'APPROVED', 'IN_PROGRESS'])[1 + n % 3]
        when n % 10 = 0 then 'DECLINED'
        else 'COMPLETED'
      end)::${enumType(supportRequestStatus)}
    from generate_series(1, ${SUPPORT_REQUESTS}) as n
    cross join lateral (
      select
        -- Pairs of requests share a day, so list order needs its id tie-breaker.
        date '2020-09-01' + ((n - 1) / 2) * ${days} / ${lastPair} as requested_on,
        case when n % 5 in (0, 1) then 'OPERATIONAL' else 'LOGISTIC' end as kind
    ) as day_and_kind
    cross join lateral (
      select case kind
        when 'OPERATIONAL' then (${arrayLiteral(OPERATIONAL_TITLES)}::text[])[1 + (n / 5) % ${OPERATIONAL_TITLES.length}]
        else (${arrayLiteral(LOGISTIC_TITLES)}::text[])[1 + (n / 5) % ${LOGISTIC_TITLES.length}]
      end as title
    ) as titled`);
}

/** Synthetic place names: the identity's current location, and earlier ones, all invented. */
const safeLocation = (n: SQL) => sql`'Synthetic Safe Location ' || lpad(((${n} * 13) % 97)::text, 2, '0')`;
const transitLocation = (n: SQL) => sql`'Synthetic Transit Location ' || lpad(((${n} * 29) % 97)::text, 2, '0')`;
const homeLocation = (n: SQL) => sql`'Synthetic Home Town ' || lpad(${n}::text, 2, '0')`;

async function seedProtectedWitnesses(tx: Db<typeof schema>): Promise<void> {
  const ids = syntheticIds('protected-witness', PROTECTED_WITNESSES);
  await tx.execute(sql`
    insert into ${protectedWitnesses} (id, codename, status, risk_level, referred_on)
    select
      (${ids}::uuid[])[n],
      (${arrayLiteral(CODENAME_WORDS)}::text[])[1 + (n - 1) % ${CODENAME_WORDS.length}] || '-' || lpad(n::text, 2, '0'),
      -- EXITED (n % 5 = 4) is written as RELOCATED here and closed by closeExitedWitnesses.
      (array['REFERRED', 'ASSESSED', 'ADMITTED', 'RELOCATED', 'RELOCATED'])[1 + n % 5]::${enumType(protectedWitnessStatus)},
      (array['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'])[1 + n % 4]::${enumType(witnessRiskLevel)},
      date '2021-01-15' + (n - 1) * (date '2026-06-30' - date '2021-01-15') / ${PROTECTED_WITNESSES - 1}
    from generate_series(1, ${PROTECTED_WITNESSES}) as n`);
  await tx.execute(sql`
    insert into ${witnessIdentities} (witness_id, full_name, date_of_birth, current_location)
    select
      (${ids}::uuid[])[n],
      'Synthetic Witness ' || lpad(n::text, 2, '0'),
      date '1955-01-01' + (n * 331) % 15000,
      ${safeLocation(sql`n`)}
    from generate_series(1, ${PROTECTED_WITNESSES}) as n`);
}

/**
 * Threat assessments and relocations, one statement per table. Ids are numbered
 * by witness and event (`syntheticId(kind, MAX * (n - 1) + k)`), so they are stable
 * whatever the counts.
 */
async function seedWitnessHistory(tx: Db<typeof schema>): Promise<void> {
  const witnessIds = syntheticIds('protected-witness', PROTECTED_WITNESSES);
  await tx.execute(sql`
    insert into ${threatAssessments} (id, witness_id, occurred_on, risk_level, summary)
    select
      (${syntheticIds('threat-assessment', PROTECTED_WITNESSES * MAX_THREAT_ASSESSMENTS)}::uuid[])[${MAX_THREAT_ASSESSMENTS} * (n - 1) + k],
      w.id,
      w.referred_on + 7 + 60 * (k - 1),
      case when k = assessments then w.risk_level
        else (array['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'])[1 + (n + k) % 4]::${enumType(witnessRiskLevel)}
      end,
      'Synthetic threat assessment ' || k || ' of ' || assessments || ' for ' || w.codename
        || '. Generated seed data, not a real case.'
    from generate_series(1, ${PROTECTED_WITNESSES}) as n
    cross join lateral (select 1 + (7 * n) % 4 as assessments) as planned
    cross join lateral generate_series(1, assessments) as k
    join ${protectedWitnesses} as w on w.id = (${witnessIds}::uuid[])[n]`);
  await tx.execute(sql`
    insert into ${relocations} (id, witness_id, occurred_on, from_location, to_location)
    select
      (${syntheticIds('relocation', PROTECTED_WITNESSES * MAX_RELOCATIONS)}::uuid[])[${MAX_RELOCATIONS} * (n - 1) + j],
      w.id,
      w.referred_on + 30 + 90 * (j - 1),
      case when j = 1 then ${homeLocation(sql`n`)} else ${transitLocation(sql`n`)} end,
      case when j = moves then ${safeLocation(sql`n`)} else ${transitLocation(sql`n`)} end
    from generate_series(1, ${PROTECTED_WITNESSES}) as n
    cross join lateral (select 1 + n % 2 as moves) as planned
    cross join lateral generate_series(1, moves) as j
    join ${protectedWitnesses} as w on w.id = (${witnessIds}::uuid[])[n]
    where w.status in ('RELOCATED', 'EXITED')`);
}

/** The programme managers who propose and approve the seeded assignments (four eyes). */
export const SEED_PROPOSER = 'programme-manager-01';
export const SEED_APPROVER = 'programme-manager-02';
const MAX_OFFICERS = 2;
/** The one seeded proposal awaiting approval: officer-13 for witness 1 (KESTREL-01). */
export const PENDING_PROPOSAL = { witness: 1, officer: 'officer-13', at: '2026-11-02T09:00:00Z' } as const;

/**
 * 1–2 officers a witness (the formula is repeated in test/seed-facts.ts, `officersOf`),
 * each assignment proposed by one programme manager and approved by another a week
 * after referral. One statement for the assignments, one for their history.
 */
async function seedProtectionOfficers(tx: Db<typeof schema>): Promise<void> {
  const witnessIds = syntheticIds('protected-witness', PROTECTED_WITNESSES);
  const assignmentIds = syntheticIds('protection-officer-assignment', PROTECTED_WITNESSES * MAX_OFFICERS);
  await tx.execute(sql`
    insert into ${protectionOfficerAssignments} (id, witness_id, officer_subject, proposed_by)
    select (${assignmentIds}::uuid[])[${MAX_OFFICERS} * (n - 1) + assigned.k], (${witnessIds}::uuid[])[n],
      'officer-' || lpad(assigned.officer::text, 2, '0'), ${SEED_PROPOSER}
    from generate_series(1, ${PROTECTED_WITNESSES}) as n
    cross join lateral (
      select 1 as k, 1 + (n - 1) % ${SEEDED_OFFICERS} as officer
      union all
      select 2, 1 + (n + 5) % ${SEEDED_OFFICERS} where n % 2 = 0
    ) as assigned`);
  // One statement per step: the history's trigger checks each step against the ones
  // already written, so every proposal is in before any approval.
  const steps = [
    { i: 1, action: 'PROPOSED', actor: SEED_PROPOSER, at: '09:00' },
    { i: 2, action: 'APPROVED', actor: SEED_APPROVER, at: '11:00' },
  ] as const;
  const eventIds = syntheticIds('protection-officer-assignment-event', PROTECTED_WITNESSES * MAX_OFFICERS * steps.length);
  for (const step of steps) {
    await tx.execute(sql`
      insert into ${protectionOfficerAssignmentEvents} (id, assignment_id, action, actor, occurred_at)
      select
        (${eventIds}::uuid[])[${steps.length} * (array_position(${assignmentIds}::uuid[], a.id) - 1) + ${step.i}],
        a.id, ${step.action}::${enumType(protectionOfficerAction)}, ${step.actor},
        (w.referred_on + 7 + ${step.at}::time) at time zone 'UTC'
      from ${protectionOfficerAssignments} as a
      join ${protectedWitnesses} as w on w.id = a.witness_id`);
  }
  // And one proposal still awaiting approval, so the approval queue is not empty.
  const pending = syntheticId('protection-officer-assignment', PROTECTED_WITNESSES * MAX_OFFICERS + 1);
  await tx.insert(protectionOfficerAssignments).values({
    id: pending,
    witnessId: syntheticId('protected-witness', PENDING_PROPOSAL.witness),
    officerSubject: PENDING_PROPOSAL.officer,
    proposedBy: SEED_PROPOSER,
  });
  await tx.insert(protectionOfficerAssignmentEvents).values({
    id: syntheticId('protection-officer-assignment-event', PROTECTED_WITNESSES * MAX_OFFICERS * steps.length + 1),
    assignmentId: pending,
    action: 'PROPOSED',
    actor: SEED_PROPOSER,
    occurredAt: PENDING_PROPOSAL.at,
  });
}

/** Witnesses n % 5 = 4 leave the programme, after their history was written. */
async function closeExitedWitnesses(tx: Db<typeof schema>): Promise<void> {
  const witnessIds = syntheticIds('protected-witness', PROTECTED_WITNESSES);
  await tx.execute(sql`
    update ${protectedWitnesses} set status = 'EXITED'
    where id in (select (${witnessIds}::uuid[])[n] from generate_series(1, ${PROTECTED_WITNESSES}) as n where n % 5 = 4)`);
}

/** Each request's submission and the moves that brought it to its seeded status. */
async function seedSupportRequestHistory(tx: Db<typeof schema>): Promise<void> {
  const requestIds = syntheticIds('support-request', SUPPORT_REQUESTS);
  const status = enumType(supportRequestStatus);
  await tx.execute(sql`
    insert into ${supportRequestTransitions} (id, support_request_id, from_status, to_status, occurred_at)
    select
      (${syntheticIds('support-request-transition', SUPPORT_REQUESTS * MAX_TRANSITIONS)}::uuid[])[${MAX_TRANSITIONS} * (n - 1) + step.k],
      r.id,
      step.from_status::${status},
      step.to_status::${status},
      (r.requested_on + step.days + time '09:00') at time zone 'UTC'
    from generate_series(1, ${SUPPORT_REQUESTS}) as n
    join ${supportRequests} as r on r.id = (${requestIds}::uuid[])[n]
    cross join (values
      (1, null, 'REQUESTED', 0),
      (2, 'REQUESTED', 'APPROVED', 2),
      (3, 'APPROVED', 'IN_PROGRESS', 5),
      (4, 'IN_PROGRESS', 'COMPLETED', 20),
      (2, 'REQUESTED', 'DECLINED', 3)
    ) as step (k, from_status, to_status, days)
    where step.k = 1
      or (r.status = 'DECLINED' and step.to_status = 'DECLINED')
      or (r.status <> 'DECLINED' and step.to_status <> 'DECLINED' and step.k <= case r.status
            when 'APPROVED' then 2 when 'IN_PROGRESS' then 3 when 'COMPLETED' then 4 else 1 end)`);
}

/** Operational support given through the operations pillar's seeded deployments. */
async function linkSupportRequestsToDeployments(tx: Db<typeof schema>): Promise<void> {
  await tx.execute(sql`
    update ${supportRequests} as r
    set deployment_id = (${syntheticIds('deployment', LINKED_DEPLOYMENTS)}::uuid[])[ranked.k]
    from (
      select id, row_number() over (order by requested_on desc, reference desc) as k
      from ${supportRequests}
      where kind = 'OPERATIONAL' and status in ('IN_PROGRESS', 'COMPLETED')
    ) as ranked
    where r.id = ranked.id and ranked.k <= ${LINKED_DEPLOYMENTS}`);
}

export async function seedSpecialistChambers(tx: Db<typeof schema>): Promise<void> {
  await seedSupportRequests(tx);
  await seedSupportRequestHistory(tx);
  await linkSupportRequestsToDeployments(tx);
  await seedProtectedWitnesses(tx);
  await seedWitnessHistory(tx);
  await seedProtectionOfficers(tx);
  await closeExitedWitnesses(tx);
}
