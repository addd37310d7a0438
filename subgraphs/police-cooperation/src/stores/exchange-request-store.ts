import { and, asc, desc, eq, gte, ilike, inArray, isNotNull, isNull, lte, sql, type SQL } from 'drizzle-orm';
import {
  badUserInput,
  notFound,
  recordOnce,
  rethrowAsTypedError,
  type IdempotentCall,
  checkPeriodBounds,
  FILTER_PERIOD_ARGUMENTS,
  isIsoDate,
  rowsOf,
  tableConnection,
  idPart,
  keyPart,
  type KeysetOrder,
  type PageArgs,
  type Connection,
  type Db,
  type Period,
} from '@mission-graph/service-kit';
import {
  idempotencyKeys,
  exchangeRequestTransitions as transitions,
  informationExchangeRequests as requests,
  type ExchangeChannel,
  type ExchangeDirection,
  type ExchangeRequestStatus,
  type ExchangeRequestTransitionRow,
  type HandlingCode,
  type InformationExchangeRequestRow,
  type SourceReliability,
  type schema,
} from '../db/schema.js';
import type { NewExchangeRequest } from '../domain/exchange-request-input.js';
import { ACCURACY_GRADE, type InformationAccuracyName } from '../domain/information-accuracy.js';
import type { StatisticsDimension, StatisticsQuery } from '../domain/exchange-statistics.js';
import { entryStatus, planTransition } from '../domain/exchange-workflow.js';
import { EXCHANGE_REQUEST_RECORD_VIOLATIONS, EXCHANGE_REQUEST_TRANSITION_VIOLATIONS } from './violations.js';

/** The `InformationExchangeRequestFilter` input; absent fields do not filter. */
export interface ExchangeRequestFilter {
  channel?: ExchangeChannel | null;
  direction?: ExchangeDirection | null;
  status?: ExchangeRequestStatus | null;
  from?: string | null;
  to?: string | null;
  referenceContains?: string | null;
  hasRelatedMissingPerson?: boolean | null;
  handlingCode?: HandlingCode | null;
  sourceReliability?: SourceReliability | null;
  informationAccuracy?: InformationAccuracyName | null;
  /** Only these handling codes (not a GraphQL field: set for callers that may not see the others). */
  handlingCodes?: readonly HandlingCode[] | undefined;
}

/** One group of `exchangeStatistics`; a dimension not grouped by is null. */
export interface StatisticsGroup {
  channel: ExchangeChannel | null;
  direction: ExchangeDirection | null;
  month: string | null;
  status: ExchangeRequestStatus | null;
  requests: number;
  answered: number;
  medianDaysToAnswer: number | null;
}

/** Reference prefix and serial sequence of each channel. */
export const CHANNEL_REFERENCES: Readonly<Record<ExchangeChannel, { prefix: string; sequence: string }>> = {
  EUROPOL: { prefix: 'EUR', sequence: 'police_cooperation.exchange_reference_serial_europol' },
  SERBIAN_MOI: { prefix: 'MOI', sequence: 'police_cooperation.exchange_reference_serial_serbian_moi' },
  INTERPOL: { prefix: 'INT', sequence: 'police_cooperation.exchange_reference_serial_interpol' },
};

/**
 * The SQL of each statistics dimension. Enums group and sort in their declared order
 * (EUROPOL, SERBIAN_MOI, INTERPOL; RECEIVED … REJECTED), months chronologically.
 */
const DIMENSION_SQL: Readonly<Record<StatisticsDimension, SQL>> = {
  CHANNEL: sql`${requests.channel}`,
  DIRECTION: sql`${requests.direction}`,
  MONTH: sql`to_char(${requests.requestDate}, 'YYYY-MM')`,
  STATUS: sql`${requests.status}`,
};
const DIMENSION_NAME: Readonly<Record<StatisticsDimension, keyof StatisticsGroup>> = {
  CHANNEL: 'channel',
  DIRECTION: 'direction',
  MONTH: 'month',
  STATUS: 'status',
};


/** `PoliceCooperationFigures` of one period. */
export interface PeriodFigures extends Period {
  europolRequests: number;
  serbianMoiRequests: number;
  interpolRequests: number;
}

const MAX_REFERENCE_FRAGMENT = 64;

/** The list order, newest first; `id` breaks ties so the key is unique. */
const NEWEST_FIRST = [desc(requests.requestDate), desc(requests.id)];
const NEWEST_FIRST_ORDER: KeysetOrder<InformationExchangeRequestRow> = {
  direction: 'desc',
  key: [keyPart(requests.requestDate, sql`date`, isIsoDate, (row) => row.requestDate), idPart(requests.id)],
};

/** All SQL about information-exchange requests. */
export function createExchangeRequestStore(db: Db<typeof schema>) {
  return {
    /** One page, newest first, continuing after the cursor's (request_date, id). */
    connection(filter: ExchangeRequestFilter, args: PageArgs): Promise<Connection<InformationExchangeRequestRow>> {
      return tableConnection(db, requests, NEWEST_FIRST_ORDER, and(...filterConditions(filter)), args);
    },

    async findById(id: string): Promise<InformationExchangeRequestRow | null> {
      const [row] = await db.select().from(requests).where(eq(requests.id, id)).limit(1);
      return row ?? null;
    },

    /** Batch for entity references: one statement for all ids. */
    byIds(ids: readonly string[]): Promise<InformationExchangeRequestRow[]> {
      return db.select().from(requests).where(inArray(requests.id, [...ids]));
    },

    /** Batch for `MissingPerson.informationExchangeRequests`: one statement, newest first. */
    byMissingPersonIds(missingPersonIds: readonly string[]): Promise<InformationExchangeRequestRow[]> {
      return db
        .select()
        .from(requests)
        .where(inArray(requests.missingPersonId, [...missingPersonIds]))
        .orderBy(...NEWEST_FIRST);
    },

    /** The history of each request, oldest step first: one statement for all ids. */
    historyOf(requestIds: readonly string[]): Promise<ExchangeRequestTransitionRow[]> {
      return db
        .select()
        .from(transitions)
        .where(inArray(transitions.requestId, [...requestIds]))
        .orderBy(asc(transitions.requestId), asc(transitions.sequence));
    },

    /**
     * Records a request and its first history entry in one transaction. With an
     * idempotency key (the kit's `recordOnce`), the first recording under the key (per
     * client) wins: a retry with the same payload gets that request back and creates
     * nothing, one with a different payload is refused with CONFLICT.
     */
    async record(request: NewExchangeRequest, call: IdempotentCall | null): Promise<InformationExchangeRequestRow> {
      const { prefix, sequence } = CHANNEL_REFERENCES[request.channel];
      return recordOnce(db, idempotencyKeys, call, {
        record: async (outer) => {
          try {
            return await outer.transaction(async (tx) => {
              const [row] = await tx
                .insert(requests)
                .values({
                  reference: sql`${prefix} || '-' || to_char(${request.requestDate}::date, 'YYYY') || '-' || lpad(nextval(${sequence}::regclass)::text, 6, '0')`,
                  channel: request.channel,
                  direction: request.direction,
                  counterpart: request.counterpart,
                  kosovoPoliceUnit: request.kosovoPoliceUnit,
                  requestDate: request.requestDate,
                  status: entryStatus(request.direction),
                  subject: request.subject,
                  missingPersonId: request.missingPersonId,
                  legalBasis: request.legalBasis,
                  handlingCode: request.handlingCode,
                  handlingConditions: request.handlingConditions,
                  sourceReliability: request.sourceReliability,
                  informationAccuracy: request.informationAccuracy,
                })
                .returning();
              await tx.insert(transitions).values({
                requestId: row!.id,
                sequence: 1,
                toStatus: row!.status,
                occurredOn: row!.requestDate,
              });
              return { id: row!.id, result: row! };
            });
          } catch (error) {
            return rethrowAsTypedError(error, EXCHANGE_REQUEST_RECORD_VIOLATIONS);
          }
        },
        replay: async (id) => {
          const [row] = await db.select().from(requests).where(eq(requests.id, id));
          if (!row) throw notFound('InformationExchangeRequest', id);
          return row;
        },
      });
    },

    /**
     * Moves a request to `to` on `occurredOn` and appends the step to its history, in
     * one transaction with the request row locked: concurrent moves of the same request
     * run one after the other, and the second sees the first's state.
     */
    async transition(id: string, to: ExchangeRequestStatus, occurredOn: string): Promise<InformationExchangeRequestRow> {
      try {
        return await db.transaction(async (tx) => {
          const [current] = await tx.select().from(requests).where(eq(requests.id, id)).for('update');
          if (!current) throw notFound('InformationExchangeRequest', id);
          const [last] = await tx
            .select()
            .from(transitions)
            .where(eq(transitions.requestId, id))
            .orderBy(desc(transitions.sequence))
            .limit(1);
          const plan = planTransition(
            {
              reference: current.reference,
              status: current.status,
              requestDate: current.requestDate,
              lastOccurredOn: last?.occurredOn ?? current.requestDate,
            },
            to,
            occurredOn,
          );
          const [updated] = await tx
            .update(requests)
            .set(plan.answeredOn ? { status: plan.status, answeredOn: plan.answeredOn } : { status: plan.status })
            .where(eq(requests.id, id))
            .returning();
          await tx.insert(transitions).values({
            requestId: id,
            sequence: (last?.sequence ?? 0) + 1,
            fromStatus: current.status,
            toStatus: plan.status,
            occurredOn,
            previousSequence: last?.sequence ?? null,
            previousOccurredOn: last?.occurredOn ?? null,
          });
          return updated!;
        });
      } catch (error) {
        return rethrowAsTypedError(error, EXCHANGE_REQUEST_TRANSITION_VIOLATIONS);
      }
    },

    /**
     * Counts and median days to answer per group, in one SQL statement. The median is
     * over the requests of the period that have an answer day (ANSWERED, or CLOSED after
     * an answer): `percentile_cont(0.5)` of (answered_on - request_date).
     */
    async statistics(query: StatisticsQuery): Promise<StatisticsGroup[]> {
      const dimensions = query.groupBy.map((dimension) => sql`${DIMENSION_SQL[dimension]} as ${sql.identifier(DIMENSION_NAME[dimension])}`);
      const grouped = query.groupBy.map((dimension) => DIMENSION_SQL[dimension]);
      const result = await db.execute(sql`
        select
          ${sql.join([...dimensions, sql`count(*)::int as "requests"`], sql`, `)},
          count(${requests.answeredOn})::int as "answered",
          (percentile_cont(0.5) within group (order by ${requests.answeredOn} - ${requests.requestDate}))::float8 as "medianDaysToAnswer"
        from ${requests}
        where ${requests.requestDate} between ${query.from}::date and ${query.to}::date
        ${grouped.length > 0 ? sql`group by ${sql.join(grouped, sql`, `)} order by ${sql.join(grouped, sql`, `)}` : sql``}
      `);
      return rowsOf<Partial<StatisticsGroup>>(result).map((row) => ({
        channel: row.channel ?? null,
        direction: row.direction ?? null,
        month: row.month ?? null,
        status: row.status ?? null,
        requests: Number(row.requests ?? 0),
        answered: Number(row.answered ?? 0),
        medianDaysToAnswer: row.medianDaysToAnswer === null || row.medianDaysToAnswer === undefined ? null : Number(row.medianDaysToAnswer),
      }));
    },

    /** Requests per channel dated within each period (both days inclusive), all periods in one statement. */
    async figuresForPeriods(periods: readonly Period[]): Promise<PeriodFigures[]> {
      const periodRows = sql.join(
        periods.map((period) => sql`(${period.from}::date, ${period.to}::date)`),
        sql`, `,
      );
      const result = await db.execute(sql`
        select
          period.from_day::text as "from",
          period.to_day::text as "to",
          (count(${requests.id}) filter (where ${requests.channel} = 'EUROPOL'))::int as "europolRequests",
          (count(${requests.id}) filter (where ${requests.channel} = 'SERBIAN_MOI'))::int as "serbianMoiRequests",
          (count(${requests.id}) filter (where ${requests.channel} = 'INTERPOL'))::int as "interpolRequests"
        from (values ${periodRows}) as period(from_day, to_day)
        left join ${requests} on ${requests.requestDate} between period.from_day and period.to_day
        group by period.from_day, period.to_day
      `);
      return rowsOf<PeriodFigures>(result);
    },
  };
}

export type ExchangeRequestStore = ReturnType<typeof createExchangeRequestStore>;

function filterConditions(filter: ExchangeRequestFilter): SQL[] {
  const period = checkPeriodBounds(filter.from, filter.to, FILTER_PERIOD_ARGUMENTS);
  const conditions: SQL[] = [];
  if (filter.channel) conditions.push(eq(requests.channel, filter.channel));
  if (filter.direction) conditions.push(eq(requests.direction, filter.direction));
  if (filter.status) conditions.push(eq(requests.status, filter.status));
  if (filter.handlingCode) conditions.push(eq(requests.handlingCode, filter.handlingCode));
  if (filter.handlingCodes) conditions.push(inArray(requests.handlingCode, [...filter.handlingCodes]));
  if (filter.sourceReliability) conditions.push(eq(requests.sourceReliability, filter.sourceReliability));
  if (filter.informationAccuracy) conditions.push(eq(requests.informationAccuracy, ACCURACY_GRADE[filter.informationAccuracy]));
  if (period.from) conditions.push(gte(requests.requestDate, period.from));
  if (period.to) conditions.push(lte(requests.requestDate, period.to));
  if (filter.hasRelatedMissingPerson === true) conditions.push(isNotNull(requests.missingPersonId));
  if (filter.hasRelatedMissingPerson === false) conditions.push(isNull(requests.missingPersonId));
  if (filter.referenceContains) {
    if (filter.referenceContains.length > MAX_REFERENCE_FRAGMENT) {
      throw badUserInput('filter.referenceContains', `must be at most ${MAX_REFERENCE_FRAGMENT} characters`);
    }
    const fragment = filter.referenceContains.toUpperCase();
    // References are `AAA-YYYY-NNNNNN` (upper case, digits, dashes): a fragment that
    // starts with three letters can only match at the start, so it is a prefix search
    // the reference_pattern index serves. Anything else scans.
    // A fragment that names the year (`EUR-2013-…`) also bounds the request date
    // (CHECK information_exchange_requests_reference_year), so the newest-first index
    // walk stays inside that year instead of scanning the years after it.
    const year = /^[A-Z]{3}-(\d{4})-/.exec(fragment)?.[1];
    if (year) conditions.push(gte(requests.requestDate, `${year}-01-01`), lte(requests.requestDate, `${year}-12-31`));
    conditions.push(
      /^[A-Z]{3}/.test(fragment)
        ? sql`${requests.reference} like ${`${likeLiteral(fragment)}%`}`
        : ilike(requests.reference, `%${likeLiteral(filter.referenceContains)}%`),
    );
  }
  return conditions;
}

/** The fragment matched literally: `%`, `_` and `\` lose their LIKE meaning. */
function likeLiteral(fragment: string): string {
  return fragment.replace(/[\\%_]/g, (character) => `\\${character}`);
}
