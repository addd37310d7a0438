/**
 * Adds synthetic information-exchange requests for load tests:
 *
 *   DATABASE_URL=postgres://… pnpm --filter @mission-graph/police-cooperation run seed --scale 1000000
 *
 * Migrates (and seeds once) the database first, like the service would, then inserts
 * `n` requests in batches of INSERT … SELECT generate_series, with their first history
 * entry. They are dated 1 September 2007 – 31 August 2017, before everything the normal
 * seed writes, so the published totals (1 June 2018 – 14 June 2025) stay exact. Each run
 * adds `n` more; references continue each channel's serial sequence.
 */
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf, runCli, seedOnce, UsageError, wholeNumberOption } from '@mission-graph/service-kit';
import { PG_SCHEMA, schema } from './db/schema.js';
import { ADVANCE_REFERENCE_SERIALS, seedExchangeRequests } from './seed.js';

const WINDOW = { from: '2007-09-01', to: '2017-08-31' } as const;
const BATCH = 50_000;
/** References carry six serial digits per channel. */
const MAX_SERIAL = 999_999;

const USAGE = `
Usage: DATABASE_URL=postgres://… pnpm seed --scale <n>

Adds n synthetic information-exchange requests (dated 2007-09-01 … 2017-08-31, outside the
published window) to the police-cooperation tables of DATABASE_URL, migrating and seeding
the database first if needed.

Options:
  --scale <n>   requests to add, 1 to 10,000,000 (required)
  -h, --help    this text
`;

export async function scaleSeed(databaseUrl: string, n: number, log: (line: string) => void = console.log): Promise<void> {
  const database = await openDatabase({
    service: 'police-cooperation',
    pgSchema: PG_SCHEMA,
    schema,
    migrationsFolder: new URL('../drizzle', import.meta.url).pathname,
    databaseUrl,
    poolSize: 1,
  });
  try {
    await seedOnce(database, PG_SCHEMA, seedExchangeRequests);
    const { db } = database;
    const [highest] = rowsOf<{ serial: number }>(
      await db.execute(sql`select coalesce(max(substr(reference, 10)::int), 0)::int as serial from police_cooperation.information_exchange_requests`),
    );
    if ((highest?.serial ?? 0) + Math.ceil(n / 3) > MAX_SERIAL) {
      throw new Error(`refusing: ${n} more requests would exceed the six-digit reference serials of a channel`);
    }
    const started = Date.now();
    for (let done = 0; done < n; done += BATCH) {
      const size = Math.min(BATCH, n - done);
      await db.transaction(async (tx) => {
        // Channel by serial (1 in 10 Europol, 2 in 10 Serbian MoI, the rest Interpol),
        // everything else from dice of a random id; the history's first entry alongside.
        await tx.execute(sql`
          with added as (
            insert into police_cooperation.information_exchange_requests
              (id, reference, channel, direction, counterpart, kosovo_police_unit, request_date, answered_on, status, subject,
               legal_basis, handling_code, handling_conditions, source_reliability, information_accuracy)
            select
              d.id,
              case d.channel when 'EUROPOL' then 'EUR' when 'SERBIAN_MOI' then 'MOI' else 'INT' end
                || '-' || to_char(d.request_date, 'YYYY') || '-' || lpad(nextval(
                  case d.channel when 'EUROPOL' then 'police_cooperation.exchange_reference_serial_europol'::regclass
                    when 'SERBIAN_MOI' then 'police_cooperation.exchange_reference_serial_serbian_moi'::regclass
                    else 'police_cooperation.exchange_reference_serial_interpol'::regclass end)::text, 6, '0'),
              d.channel::police_cooperation.exchange_channel,
              d.direction::police_cooperation.exchange_direction,
              case d.channel when 'EUROPOL' then 'Europol' when 'SERBIAN_MOI' then 'Serbian Ministry of Interior' else 'Interpol NCB Vienna' end,
              'International Law Enforcement Coordination Unit',
              d.request_date,
              case when d.status in ('ANSWERED', 'CLOSED') then d.request_date + 1 + d.dice % 45 end,
              d.status::police_cooperation.exchange_request_status,
              'Scale subject ' || d.id || ' (synthetic)',
              case when d.channel = 'SERBIAN_MOI' then 'Protocol on police cooperation (synthetic scale row)' end,
              (case when d.dice % 100 < 60 then 'H0' when d.dice % 100 < 85 then 'H1' when d.dice % 100 < 95 then 'H2' else 'H3' end)::police_cooperation.handling_code,
              case when d.dice % 100 >= 95 then 'Not to be passed on without consent (synthetic)' end,
              (array['A','B','B','B','B','B','C','C','C','X'])[1 + d.dice / 100 % 10]::police_cooperation.source_reliability,
              (array['1','2','2','2','3','3','3','4'])[1 + d.dice / 1000 % 8]::police_cooperation.information_accuracy
            from (
              select
                r.*,
                case when r.dice / 7 % 100 < 8 then r.direction
                  when r.dice / 7 % 100 < 18 then 'FORWARDED'
                  when r.dice / 7 % 100 < 52 then 'ANSWERED'
                  when r.dice / 7 % 100 < 94 then 'CLOSED'
                  else 'REJECTED' end as status
              from (
                select
                  gen_random_uuid() as id,
                  case when k % 10 = 0 then 'EUROPOL' when k % 10 < 3 then 'SERBIAN_MOI' else 'INTERPOL' end as channel,
                  case when k % 7 < 4 then 'RECEIVED' else 'SENT' end as direction,
                  ${WINDOW.from}::date + (k::bigint * 7919 % (${WINDOW.to}::date - ${WINDOW.from}::date + 1))::int as request_date,
                  (random() * 1000000)::int as dice
                from generate_series(${done + 1}::int, ${done + size}::int) as k
              ) as r
            ) as d
            returning id, direction, request_date
          )
          insert into police_cooperation.exchange_request_transitions (request_id, sequence, to_status, occurred_on, recorded_at)
          select id, 1, direction::text::police_cooperation.exchange_request_status, request_date, request_date::timestamp at time zone 'UTC'
          from added`);
      });
      log(`added ${done + size} of ${n} requests (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    await db.execute(ADVANCE_REFERENCE_SERIALS);
    // Fresh statistics for the planner, and a visibility map for index-only scans.
    await db.execute(sql`vacuum analyze police_cooperation.information_exchange_requests`);
    await db.execute(sql`vacuum analyze police_cooperation.exchange_request_transitions`);
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runCli({ usage: USAGE, options: { scale: { type: 'string' } } }, async (values) => {
    const scale = wholeNumberOption(values.scale, 'scale', 1, 10_000_000);
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new UsageError('DATABASE_URL is required: the scale seed is for PostgreSQL');
    await scaleSeed(databaseUrl, scale);
  });
}
