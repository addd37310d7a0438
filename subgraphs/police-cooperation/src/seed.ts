import { sql } from 'drizzle-orm';
import { syntheticId, type Db } from '@mission-graph/service-kit';
import { informationExchangeRequests, type ExchangeChannel, type schema } from './db/schema.js';

/**
 * Deterministic synthetic information-exchange requests. Inside the mission's
 * reporting period (1 June 2018 – 14 June 2025) the counts per channel are exactly
 * the published ones, so the graph can be checked against them; a few requests fall
 * before and after it, so the period bounds matter. Everything else (direction,
 * status, counterpart, unit, answer day) is derived from a hash of the request's
 * serial number, and every 50th serial concerns a missing person: the same records
 * on every run and on both database drivers.
 */

interface ChannelPlan {
  channel: ExchangeChannel;
  /** Reference prefix, e.g. EUR-2019-000123. */
  prefix: string;
  before: number;
  published: number;
  after: number;
}

const PUBLISHED_PERIOD = { from: '2018-06-01', to: '2025-06-14' } as const;

const CHANNEL_PLANS: readonly ChannelPlan[] = [
  { channel: 'EUROPOL', prefix: 'EUR', before: 48, published: 1_871, after: 57 },
  { channel: 'SERBIAN_MOI', prefix: 'MOI', before: 66, published: 3_653, after: 79 },
  { channel: 'INTERPOL', prefix: 'INT', before: 91, published: 14_645, after: 98 },
];

const BEFORE = { from: '2017-09-01', to: '2018-05-31' } as const;
const AFTER = { from: '2025-06-15', to: '2026-10-31' } as const;

/** Forensics seeds missing persons n = 1..1200 with ids syntheticId('missing-person', n). */
const MISSING_PERSONS_IN_FORENSICS = 1_200;
/** Every 50th request concerns a missing person; 300 persons, so some have two requests. */
const MISSING_PERSON_EVERY = 50;
const MISSING_PERSONS_REFERENCED = 300;

const INTERPOL_COUNTERPARTS = [
  'Interpol General Secretariat',
  'Interpol NCB Tirana',
  'Interpol NCB Skopje',
  'Interpol NCB Podgorica',
  'Interpol NCB Sarajevo',
  'Interpol NCB Zagreb',
  'Interpol NCB Vienna',
  'Interpol NCB Wiesbaden',
  'Interpol NCB Bern',
  'Interpol NCB Ankara',
];

const COORDINATION_UNIT = 'International Law Enforcement Coordination Unit';
const INVESTIGATION_UNITS = [
  'Directorate for Investigation of Organised Crime',
  'Directorate for Investigation of Trafficking in Human Beings',
  'Directorate for Investigation of Economic Crime and Corruption',
  'Directorate for Missing Persons Cases',
];

interface Segment {
  channel: ExchangeChannel;
  prefix: string;
  firstDay: string;
  lastDay: string;
  size: number;
  /** Serials before this segment: global (ids, subjects) and per channel (references). */
  serialOffset: number;
  channelSerialOffset: number;
}

function segments(): Segment[] {
  const result: Segment[] = [];
  let serialOffset = 0;
  for (const plan of CHANNEL_PLANS) {
    let channelSerialOffset = 0;
    for (const [window, size] of [
      [BEFORE, plan.before],
      [PUBLISHED_PERIOD, plan.published],
      [AFTER, plan.after],
    ] as const) {
      result.push({
        channel: plan.channel,
        prefix: plan.prefix,
        firstDay: window.from,
        lastDay: window.to,
        size,
        serialOffset,
        channelSerialOffset,
      });
      serialOffset += size;
      channelSerialOffset += size;
    }
  }
  return result;
}

/**
 * Legal basis, handling code and 4x4 evaluation of a seeded request, from dice of its
 * id: the same expressions migration 0001 used to backfill rows seeded before it.
 * H0 60 %, H1 25 %, H2 10 %, H3 5 % (with conditions); A 10 %, B 50 %, C 30 %, X 10 %;
 * accuracy 1 15 %, 2 45 %, 3 30 %, 4 10 %.
 */
const CODES_OF_SEEDED_REQUEST = sql`
  case when segment.channel = 'SERBIAN_MOI'
    then 'Protocol on police cooperation (Kosovo Police and Serbian Ministry of Interior, facilitated by EULEX)' end,
  (case when code_dice.h < 60 then 'H0' when code_dice.h < 85 then 'H1' when code_dice.h < 95 then 'H2' else 'H3' end)::police_cooperation.handling_code,
  case when code_dice.h >= 95 then 'Not to be passed on to third parties without the consent of the provider (synthetic)' end,
  (case when code_dice.s < 10 then 'A' when code_dice.s < 60 then 'B' when code_dice.s < 90 then 'C' else 'X' end)::police_cooperation.source_reliability,
  (case when code_dice.a < 15 then '1' when code_dice.a < 60 then '2' when code_dice.a < 90 then '3' else '4' end)::police_cooperation.information_accuracy`;

/**
 * The history of requests that have none yet, derived from their state: recorded on
 * the request date, forwarded (or rejected) the same day, answered and closed on the
 * answer day. Migration 0001 ran the same statement for requests seeded before it.
 */
export const HISTORY_OF_SEEDED_REQUESTS = sql`
  insert into police_cooperation.exchange_request_transitions
    (request_id, sequence, from_status, to_status, occurred_on, previous_sequence, previous_occurred_on, recorded_at)
  select r.id, step.sequence, step.from_status::police_cooperation.exchange_request_status,
    step.to_status::police_cooperation.exchange_request_status,
    step.occurred_on, step.previous_sequence, step.previous_occurred_on, step.occurred_on::timestamp at time zone 'UTC'
  from police_cooperation.information_exchange_requests as r
  cross join lateral (values
    (1, null, r.direction::text, r.request_date, null::int, null::date, true),
    (2, r.direction::text, 'FORWARDED', r.request_date, 1, r.request_date, r.status in ('FORWARDED', 'ANSWERED', 'CLOSED')),
    (2, r.direction::text, 'REJECTED', r.request_date, 1, r.request_date, r.status = 'REJECTED'),
    (3, 'FORWARDED', 'ANSWERED', r.answered_on, 2, r.request_date, r.status in ('ANSWERED', 'CLOSED') and r.answered_on is not null),
    (4, 'ANSWERED', 'CLOSED', r.answered_on, 3, r.answered_on, r.status = 'CLOSED' and r.answered_on is not null)
  ) as step(sequence, from_status, to_status, occurred_on, previous_sequence, previous_occurred_on, applies)
  where step.applies
    and not exists (select 1 from police_cooperation.exchange_request_transitions as t where t.request_id = r.id)`;

/** Moves each channel's reference sequence past the highest serial in the table. */
export const ADVANCE_REFERENCE_SERIALS = sql`
  select setval(c.sequence_name::regclass, coalesce(serial.highest, 0) + 1, false)
  from (values
    ('EUROPOL', 'police_cooperation.exchange_reference_serial_europol'),
    ('SERBIAN_MOI', 'police_cooperation.exchange_reference_serial_serbian_moi'),
    ('INTERPOL', 'police_cooperation.exchange_reference_serial_interpol')
  ) as c(name, sequence_name)
  cross join lateral (
    select max(substr(reference, 10)::int) as highest
    from police_cooperation.information_exchange_requests
    where information_exchange_requests.channel::text = c.name
  ) as serial`;

const textArray = (values: readonly string[]) => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]`;

/** One INSERT … SELECT over generate_series for all requests: ~20k rows in well under a second. */
export async function seedExchangeRequests(db: Db<typeof schema>): Promise<void> {
  const segmentValues = sql.join(
    segments().map(
      (s) =>
        sql`(${s.channel}::text, ${s.prefix}::text, ${s.firstDay}::date, ${s.lastDay}::date, ${s.size}::int, ${s.serialOffset}::int, ${s.channelSerialOffset}::int)`,
    ),
    sql`, `,
  );
  const missingPersonIds = Array.from({ length: MISSING_PERSONS_IN_FORENSICS }, (_, i) =>
    syntheticId('missing-person', i + 1),
  ).join(',');

  await db.execute(sql`
    insert into ${informationExchangeRequests}
      (id, reference, channel, direction, counterpart, kosovo_police_unit, request_date, answered_on, status, subject, missing_person_id,
       legal_basis, handling_code, handling_conditions, source_reliability, information_accuracy)
    select
      -- No other pillar links to a request, so its id need not be syntheticId(); an
      -- md5 of the serial is just as stable and stays inside SQL.
      request.hash::uuid,
      segment.prefix || '-' || to_char(request.request_date, 'YYYY') || '-' || lpad(request.channel_serial::text, 6, '0'),
      segment.channel::police_cooperation.exchange_channel,
      request.direction::police_cooperation.exchange_direction,
      case segment.channel
        when 'EUROPOL' then 'Europol'
        when 'SERBIAN_MOI' then 'Serbian Ministry of Interior'
        else (${textArray(INTERPOL_COUNTERPARTS)})[1 + request.dice_counterpart % ${INTERPOL_COUNTERPARTS.length}::int]
      end,
      case when request.dice_unit % 10 < 6 then ${COORDINATION_UNIT}
        else (${textArray(INVESTIGATION_UNITS)})[1 + request.dice_unit % ${INVESTIGATION_UNITS.length}::int]
      end,
      request.request_date,
      -- The seeded world ends with the last window: no answer is dated after it.
      case when request.status in ('ANSWERED', 'CLOSED') then
        least(request.request_date + 1 + request.dice_answer % 60, ${AFTER.to}::date)
      end,
      request.status::police_cooperation.exchange_request_status,
      'Subject PC-' || lpad(request.serial::text, 6, '0') || ' (synthetic)',
      -- 37 is coprime to 1200, so the 300 referenced persons are spread over 1..1200.
      case when request.serial % ${MISSING_PERSON_EVERY}::int = 7 then
        missing.ids[1 + (((request.serial / ${MISSING_PERSON_EVERY}::int) % ${MISSING_PERSONS_REFERENCED}::int) * 37) % ${MISSING_PERSONS_IN_FORENSICS}::int]
      end,
      ${CODES_OF_SEEDED_REQUEST}
    from (values ${segmentValues})
      as segment(channel, prefix, first_day, last_day, size, serial_offset, channel_serial_offset)
    cross join lateral generate_series(1, segment.size) as k
    cross join (select string_to_array(${missingPersonIds}, ',')::uuid[] as ids) as missing
    cross join lateral (
      select
        segment.serial_offset + k as serial,
        segment.channel_serial_offset + k as channel_serial,
        -- Evenly spread, first and last day of the window included.
        segment.first_day + ((k - 1) * (segment.last_day - segment.first_day) / greatest(segment.size - 1, 1)) as request_date,
        md5('mission-graph:information-exchange-request:' || (segment.serial_offset + k)) as hash
    ) as base
    -- The evaluation codes' dice, from the id (as migration 0001 backfilled them).
    cross join lateral (
      select
        ('x' || substr(md5('codes:' || base.hash::uuid::text), 1, 4))::bit(16)::int % 100 as h,
        ('x' || substr(md5('codes:' || base.hash::uuid::text), 5, 4))::bit(16)::int % 100 as s,
        ('x' || substr(md5('codes:' || base.hash::uuid::text), 9, 4))::bit(16)::int % 100 as a
    ) as code_dice
    -- Independent "dice" per attribute: 16-bit slices of the serial's md5.
    cross join lateral (
      select
        base.*,
        ('x' || substr(base.hash, 1, 4))::bit(16)::int % 100 < 56 as received,
        ('x' || substr(base.hash, 5, 4))::bit(16)::int as dice_status,
        ('x' || substr(base.hash, 9, 4))::bit(16)::int as dice_answer,
        ('x' || substr(base.hash, 13, 4))::bit(16)::int as dice_counterpart,
        ('x' || substr(base.hash, 17, 4))::bit(16)::int as dice_unit
    ) as dice
    cross join lateral (
      select
        dice.*,
        case when dice.received then 'RECEIVED' else 'SENT' end as direction,
        case
          when dice.dice_status % 100 < 8 then case when dice.received then 'RECEIVED' else 'SENT' end
          when dice.dice_status % 100 < 18 then 'FORWARDED'
          when dice.dice_status % 100 < 52 then 'ANSWERED'
          when dice.dice_status % 100 < 94 then 'CLOSED'
          else 'REJECTED'
        end as status
    ) as request
  `);
  await db.execute(HISTORY_OF_SEEDED_REQUESTS);
  await db.execute(ADVANCE_REFERENCE_SERIALS);
}
