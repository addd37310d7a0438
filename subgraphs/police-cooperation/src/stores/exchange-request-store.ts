import { and, count, desc, eq, gte, ilike, inArray, isNotNull, isNull, lte, sql, type SQL } from 'drizzle-orm';
import {
  afterKeysetCursor,
  badUserInput,
  checkPeriodBounds,
  FILTER_PERIOD_ARGUMENTS,
  isIsoDate,
  readKeysetCursor,
  rowsOf,
  toConnection,
  type Connection,
  type CursorKey,
  type Db,
  type PageRequest,
  type Period,
} from '@mission-graph/service-kit';
import {
  informationExchangeRequests as requests,
  type ExchangeChannel,
  type ExchangeDirection,
  type ExchangeRequestStatus,
  type InformationExchangeRequestRow,
  type schema,
} from '../db/schema.js';

/** The `InformationExchangeRequestFilter` input; absent fields do not filter. */
export interface ExchangeRequestFilter {
  channel?: ExchangeChannel | null;
  direction?: ExchangeDirection | null;
  status?: ExchangeRequestStatus | null;
  from?: string | null;
  to?: string | null;
  referenceContains?: string | null;
  hasRelatedMissingPerson?: boolean | null;
}

/** `PoliceCooperationFigures` of one period. */
export interface PeriodFigures extends Period {
  europolRequests: number;
  serbianMoiRequests: number;
  interpolRequests: number;
}

const MAX_REFERENCE_FRAGMENT = 64;

/** The list order, newest first; `id` breaks ties so the key is unique. */
const NEWEST_FIRST = [desc(requests.requestDate), desc(requests.id)];
const cursorKeyOf = (row: InformationExchangeRequestRow): CursorKey => [row.requestDate, row.id];

/** All SQL about information-exchange requests. */
export function createExchangeRequestStore(db: Db<typeof schema>) {
  return {
    /** One page, newest first, continuing after the cursor's (request_date, id). */
    async list(filter: ExchangeRequestFilter, page: PageRequest): Promise<Connection<InformationExchangeRequestRow>> {
      const where = filterConditions(filter);
      const after = afterKeysetCursor(requests.requestDate, requests.id, readKeysetCursor(page, isIsoDate), sql`date`);
      const rows = await db
        .select()
        .from(requests)
        .where(and(...where, after))
        .orderBy(...NEWEST_FIRST)
        .limit(page.size + 1);
      return toConnection(rows, page, cursorKeyOf, async () => {
        const [result] = await db.select({ total: count() }).from(requests).where(and(...where));
        return result?.total ?? 0;
      });
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
  if (period.from) conditions.push(gte(requests.requestDate, period.from));
  if (period.to) conditions.push(lte(requests.requestDate, period.to));
  if (filter.hasRelatedMissingPerson === true) conditions.push(isNotNull(requests.missingPersonId));
  if (filter.hasRelatedMissingPerson === false) conditions.push(isNull(requests.missingPersonId));
  if (filter.referenceContains) {
    if (filter.referenceContains.length > MAX_REFERENCE_FRAGMENT) {
      throw badUserInput('filter.referenceContains', `must be at most ${MAX_REFERENCE_FRAGMENT} characters`);
    }
    conditions.push(ilike(requests.reference, `%${likeLiteral(filter.referenceContains)}%`));
  }
  return conditions;
}

/** The fragment matched literally: `%`, `_` and `\` lose their LIKE meaning. */
function likeLiteral(fragment: string): string {
  return fragment.replace(/[\\%_]/g, (character) => `\\${character}`);
}
