import { sql, type SQL } from 'drizzle-orm';
import { syntheticId } from '@mission-graph/service-kit';
import type { ForensicsDb } from './db/database.js';
import { MUNICIPALITIES } from './domain/municipalities.js';
import { PRISTINA_MORGUE } from './domain/records.js';
import { DISAPPEARANCE_PERIOD, MANDATE_START, PUBLISHED_FIGURES_UNTIL } from './domain/periods.js';

/**
 * Deterministic synthetic seed. Every name is invented ("Synthetic Person 0042");
 * municipalities and institutions are real places and bodies, never people.
 *
 * It reproduces the mission's published figures exactly: from MANDATE_START to
 * PUBLISHED_FIGURES_UNTIL, 873 field operations including 219 exhumations, and 543
 * identifications including 370 missing persons; a few later records sit after that
 * day so a period check that leaks past it shows up. Rows are generated in SQL
 * (`generate_series`), one statement per table, so seeding takes well under a second.
 * Spreading uses `(n * p) % count` with p coprime to count: a permutation of 0..count-1,
 * so each share (e.g. "the first 219 values are exhumations") is hit exactly.
 * Remains identified before 2025-04-01 were returned to their families (each with a
 * handover to a synthetic relative); four cases were closed, one for each closure reason.
 */
const SEED_FIGURES = {
  missingPersons: 1200,
  graveSites: 300,
  published: { fieldOperations: 873, exhumations: 219, identifications: 543, missingPersonsIdentified: 370 },
  later: { fieldOperations: 15, exhumations: 5, identifications: 12, missingPersonsIdentified: 8 },
  /** Persons whose remains are recovered but not yet identified. */
  remainsRecoveredPersons: 30,
  /** Remains still at the morgue without an identification. */
  unidentifiedRemains: 260,
  /** Cases closed without an identification by the mission, one for each reason. */
  closedCases: 4,
} as const;

/** The reasons of the closed cases, earliest disappearance first. */
const CLOSURE_REASONS = ['FOUND_ALIVE', 'IDENTIFIED_BY_OTHER_AUTHORITY', 'DUPLICATE_CASE', 'REPORT_WITHDRAWN'] as const;

const { published, later } = SEED_FIGURES;
const operationCount = published.fieldOperations + later.fieldOperations;
const exhumationCount = published.exhumations + later.exhumations;
const identificationCount = published.identifications + later.identifications;
const remainsCount = identificationCount + SEED_FIGURES.unidentifiedRemains;
/** Kinds of the published field operations besides exhumations; surveys take the rest. */
const PUBLISHED_EXCAVATIONS = 200;
const PUBLISHED_ASSESSMENTS = 250;
/** Identifications after this day are not yet handed over to the family. */
const HANDOVER_BACKLOG_FROM = '2025-04-01';
/** Identifications from this day on are not yet notified to the family. */
const FAMILY_NOTIFICATION_BACKLOG_FROM = '2025-08-01';
/** Identified remains reviewed before identification: identifications first, first+step, … (within the first list page). */
const EARLY_REVIEWS = { count: 7, first: 20, step: 5 } as const;
/** What the seeded morgue reviews of remains UNDER_REVIEW decided. */
const REVIEW_ACTIONS = ['NEW_DNA_SAMPLES', 'ANTHROPOLOGICAL_REEXAMINATION', 'ANTE_MORTEM_COMPARISON', 'REASSOCIATION'];
const CONFIRMING_INSTITUTION = 'Institute of Forensic Medicine';

/** `syntheticId(kind, n)` for n = 1..count as one `uuid[]` parameter; element n is record n. */
function syntheticIdArray(kind: string, count: number): SQL {
  const ids = Array.from({ length: count }, (_, index) => syntheticId(kind, index + 1));
  return sql`string_to_array(${ids.join(',')}, ',')::uuid[]`;
}

/** Record `n` of `count` dated evenly from `from` to `to`, both days hit. */
function spreadDate(n: SQL, count: number, from: string, to: string): SQL {
  return sql`(${from}::date + ((${n} - 1) * (${to}::date - ${from}::date)) / ${count - 1}::int)`;
}

/** Record `n` of a series of `publishedCount` inside the published period, then every `stepDays` after it. */
function seriesDate(n: SQL, publishedCount: number, stepDays: number): SQL {
  return sql`case when ${n} <= ${publishedCount}::int
    then ${spreadDate(n, publishedCount, MANDATE_START, PUBLISHED_FIGURES_UNTIL)}
    else ${PUBLISHED_FIGURES_UNTIL}::date + 1 + (${n} - ${publishedCount + 1}::int) * ${stepDays}::int end`;
}

const identificationDate = (i: SQL) => seriesDate(i, published.identifications, 11);

/** The missing person (1..N) behind the k-th identified or recovered case: a permutation, so never twice. */
const personOfRank = (k: SQL) => sql`1 + (${k} * 7) % ${SEED_FIGURES.missingPersons}::int`;

const municipalityTable = sql`municipalities(idx, name, latitude, longitude) as (values ${sql.join(
  MUNICIPALITIES.map(
    (m, idx) => sql`(${idx}::int, ${m.name}::text, ${m.latitude}::float8, ${m.longitude}::float8)`,
  ),
  sql`, `,
)})`;

const n = sql.raw('n');
const i = sql.raw('i');
const r = sql.raw('r');

export async function seedForensics(db: ForensicsDb): Promise<void> {
  await db.execute(sql`
    with ids as (select ${syntheticIdArray('missing-person', SEED_FIGURES.missingPersons)} as list),
      ${municipalityTable},
      persons as (
        select n, ${DISAPPEARANCE_PERIOD.from}::date
          + (n * 37) % (${DISAPPEARANCE_PERIOD.to}::date - ${DISAPPEARANCE_PERIOD.from}::date + 1) as disappeared
        from generate_series(1, ${SEED_FIGURES.missingPersons}::int) as n)
    insert into forensics.missing_persons
      (id, case_number, disappearance_date, municipality, full_name, date_of_birth, place_last_seen, family_contact)
    select ids.list[n], format('MP-%s-%s', to_char(disappeared, 'YYYY'), lpad(n::text, 5, '0')), disappeared,
      m.name, format('Synthetic Person %s', lpad(n::text, 4, '0')),
      case when n % 17 <> 0 then disappeared - (365 * (1 + (n * 13) % 80) + n % 365) end,
      case when n % 11 <> 0 then format('Invented hamlet %s near %s', 1 + n % 97, m.name) end,
      case when n % 5 <> 0 then format('Synthetic Relative %s, family liaison file FL-%s', lpad(n::text, 4, '0'), lpad(n::text, 5, '0')) end
    from persons cross join ids join municipalities m on m.idx = n % ${MUNICIPALITIES.length}::int`);

  await db.execute(sql`
    with ids as (select ${syntheticIdArray('grave-site', SEED_FIGURES.graveSites)} as list),
      ${municipalityTable}
    insert into forensics.grave_sites (id, site_code, kind, municipality, latitude, longitude)
    select ids.list[n], format('GS-%s', lpad(n::text, 4, '0')),
      (case when n % 10 = 0 then 'MASS' when n % 10 < 5 then 'UNMARKED' else 'CLANDESTINE' end)::forensics.grave_site_kind,
      m.name,
      round((m.latitude + ((n * 17) % 101 - 50) / 2000.0)::numeric, 5)::float8,
      round((m.longitude + ((n * 29) % 101 - 50) / 2000.0)::numeric, 5)::float8
    from generate_series(1, ${SEED_FIGURES.graveSites}::int) as n cross join ids
      join municipalities m on m.idx = (n * 3) % ${MUNICIPALITIES.length}::int`);

  const share = sql`(n * 383) % ${published.fieldOperations}::int`;
  await db.execute(sql`
    with ids as (select ${syntheticIdArray('field-operation', operationCount)} as list),
      sites as (select ${syntheticIdArray('grave-site', SEED_FIGURES.graveSites)} as list),
      operations as (
        select n, ${seriesDate(n, published.fieldOperations, 9)} as started,
          case when n <= ${published.fieldOperations}::int then
            case when ${share} < ${published.exhumations}::int then 'EXHUMATION'
              when ${share} < ${published.exhumations + PUBLISHED_EXCAVATIONS}::int then 'EXCAVATION'
              when ${share} < ${published.exhumations + PUBLISHED_EXCAVATIONS + PUBLISHED_ASSESSMENTS}::int then 'ASSESSMENT'
              else 'SURVEY' end
          else case (n - ${published.fieldOperations}::int) % 3 when 1 then 'EXHUMATION' when 2 then 'ASSESSMENT' else 'SURVEY' end
          end as kind
        from generate_series(1, ${operationCount}::int) as n)
    insert into forensics.field_operations (id, reference, kind, started_on, ended_on, site_id, partner_institutions)
    select ids.list[n], format('FO-%s-%s', to_char(started, 'YYYY'), lpad(n::text, 4, '0')),
      kind::forensics.field_operation_kind, started,
      -- the three most recent operations are still under way
      case when n <= ${operationCount - 3}::int then started + 1 + n % 12 end,
      case when kind <> 'SURVEY' then sites.list[1 + (n * 7) % ${SEED_FIGURES.graveSites}::int] end,
      case kind
        when 'ASSESSMENT' then array['Government Commission on Missing Persons', ${CONFIRMING_INSTITUTION}]
        when 'SURVEY' then array['Kosovo Police']
        else array[${CONFIRMING_INSTITUTION}, 'Kosovo Police', 'International Committee of the Red Cross'] end
    from operations cross join ids cross join sites`);

  // Identified remains come from the latest exhumation finished a month before the
  // identification (none for the earliest ones: recovered before the mandate).
  await db.execute(sql`
    with ids as (select ${syntheticIdArray('mortal-remains', remainsCount)} as list),
      remains as (
        select r, case when r <= ${identificationCount}::int then ${identificationDate(r)} end as identified
        from generate_series(1, ${remainsCount}::int) as r),
      planned as (
        select r, identified,
          case when identified is null then
            case when r % 4 = 0 then 'UNDER_REVIEW' else 'UNIDENTIFIED' end
          when identified >= ${HANDOVER_BACKLOG_FROM}::date then 'IDENTIFIED' else 'RETURNED' end as status
        from remains)
    insert into forensics.mortal_remains (id, reference, recovered_by_operation_id, held_at, status)
    select ids.list[r], format('MR-%s', lpad(r::text, 5, '0')),
      case when identified is not null then
        (select o.id from forensics.field_operations o
          where o.kind = 'EXHUMATION' and o.ended_on <= identified - 30
          order by o.started_on desc, o.id desc offset r % 4 limit 1)
      when r % 3 <> 0 then
        (select o.id from forensics.field_operations o where o.kind = 'EXHUMATION'
          order by o.started_on, o.id offset r % ${exhumationCount}::int limit 1)
      end,
      case when status <> 'RETURNED' then ${PRISTINA_MORGUE} end,
      status::forensics.mortal_remains_status
    from planned cross join ids`);

  await db.execute(sql`
    with ids as (select ${syntheticIdArray('identification', identificationCount)} as list),
      remains as (select ${syntheticIdArray('mortal-remains', identificationCount)} as list),
      persons as (select ${syntheticIdArray('missing-person', SEED_FIGURES.missingPersons)} as list),
      planned as (
        select i, ${identificationDate(i)} as identified,
          case when i <= ${published.identifications}::int
            then (i * 233) % ${published.identifications}::int < ${published.missingPersonsIdentified}::int
            else i - ${published.identifications}::int <= ${later.missingPersonsIdentified}::int end as concerns_person
        from generate_series(1, ${identificationCount}::int) as i),
      ranked as (select *, sum(concerns_person::int) over (order by i) as k from planned)
    insert into forensics.identifications
      (id, remains_id, missing_person_id, method, identified_on, confirming_institution, family_notified_on)
    select ids.list[i], remains.list[i],
      case when concerns_person then persons.list[${personOfRank(sql.raw('k'))}] end,
      (case when i % 10 < 7 then 'DNA' when i % 10 = 7 then 'ANTHROPOLOGICAL' when i % 10 = 8 then 'DENTAL'
        when i % 20 = 9 then 'FINGERPRINTS' else 'CIRCUMSTANTIAL' end)::forensics.identification_method,
      identified, ${CONFIRMING_INSTITUTION},
      -- families are told within two weeks; the latest identifications are not yet notified
      case when identified < ${FAMILY_NOTIFICATION_BACKLOG_FROM}::date then identified + i % 15 end
    from ranked cross join ids cross join remains cross join persons`);

  // One review for each set of remains under review at the morgue.
  await db.execute(sql`
    with ids as (select ${syntheticIdArray('mortal-remains', remainsCount)} as list),
      reviews as (select ${syntheticIdArray('morgue-review', SEED_FIGURES.unidentifiedRemains)} as list),
      actions as (select string_to_array(${REVIEW_ACTIONS.join(',')}, ',') as list)
    insert into forensics.morgue_reviews (id, remains_id, reviewed_on, findings, next_action)
    select reviews.list[r - ${identificationCount}::int], ids.list[r], date '2024-01-15' + (r * 7) % 500,
      format('Synthetic findings %s: partial skeleton, no match with current reference samples', lpad(r::text, 5, '0')),
      actions.list[1 + r % 4]::forensics.morgue_next_action
    from generate_series(${identificationCount + 1}::int, ${remainsCount}::int) as r
      cross join ids cross join reviews cross join actions
    -- the remains planned UNDER_REVIEW above
    where r % 4 = 0`);

  // Some identified remains were reviewed at the morgue before their identification.
  await db.execute(sql`
    with reviews as (select ${syntheticIdArray('morgue-review-before-identification', EARLY_REVIEWS.count)} as list)
    insert into forensics.morgue_reviews (id, remains_id, reviewed_on, findings, next_action)
    select reviews.list[k], i.remains_id, i.identified_on - 20,
      format('Synthetic findings before identification %s: DNA profile obtained, awaiting a match', k),
      'ANTE_MORTEM_COMPARISON'::forensics.morgue_next_action
    from generate_series(1, ${EARLY_REVIEWS.count}::int) as k cross join reviews
      join forensics.identifications i on i.id = (${syntheticIdArray('identification', identificationCount)})[${EARLY_REVIEWS.first}::int + (k - 1) * ${EARLY_REVIEWS.step}::int]`);

  await db.execute(sql`
    update forensics.missing_persons p set status = 'IDENTIFIED'
    from forensics.identifications i where i.missing_person_id = p.id`);

  // The next cases in the same permutation: remains recovered, identification pending.
  const firstRecovered = published.missingPersonsIdentified + later.missingPersonsIdentified + 1;
  await db.execute(sql`
    with persons as (select ${syntheticIdArray('missing-person', SEED_FIGURES.missingPersons)} as list)
    update forensics.missing_persons set status = 'REMAINS_RECOVERED'
    where id in (
      select persons.list[${personOfRank(sql.raw('k'))}] from persons,
        generate_series(${firstRecovered}::int, ${firstRecovered + SEED_FIGURES.remainsRecoveredPersons - 1}::int) as k)`);

  // Returned remains went to a relative of the family, two to six weeks after identification.
  await db.execute(sql`
    insert into forensics.remains_handovers (id, remains_id, handed_over_on, receiving_relative)
    select ids.list[r], i.remains_id, i.identified_on + 14 + r % 29,
      format('Synthetic Relative of MR-%s (next of kin)', lpad(r::text, 5, '0'))
    from (select ${syntheticIdArray('remains-handover', remainsCount)} as list) as ids
      cross join generate_series(1, ${remainsCount}::int) as r
      join forensics.mortal_remains m on m.reference = format('MR-%s', lpad(r::text, 5, '0'))
      join forensics.identifications i on i.remains_id = m.id
    where m.status = 'RETURNED'`);

  // A few cases were closed without an identification by the mission, one per reason:
  // the earliest disappearances still missing, so the first page of the list shows them.
  await db.execute(sql`
    with reasons as (select string_to_array(${CLOSURE_REASONS.join(',')}, ',') as list),
      closing as (
        select id, row_number() over (order by disappearance_date, case_number) - 1 as k
        from forensics.missing_persons where status = 'MISSING'
        order by disappearance_date, case_number limit ${SEED_FIGURES.closedCases}::int)
    update forensics.missing_persons p
    set status = 'CLOSED', closed_on = date '2016-03-01' + 90 * closing.k::int,
      closure_reason = reasons.list[1 + closing.k]::forensics.case_closure_reason
    from closing, reasons
    where p.id = closing.id`);

  // A site is exhausted once an exhumation there has finished, confirmed once digging started.
  await db.execute(sql`
    update forensics.grave_sites s set status = (case
      when exists (select 1 from forensics.field_operations o
        where o.site_id = s.id and o.kind = 'EXHUMATION' and o.ended_on is not null) then 'EXHAUSTED'
      when exists (select 1 from forensics.field_operations o
        where o.site_id = s.id and o.kind in ('EXCAVATION', 'EXHUMATION')) then 'CONFIRMED'
      else 'SUSPECTED' end)::forensics.grave_site_status`);
}
