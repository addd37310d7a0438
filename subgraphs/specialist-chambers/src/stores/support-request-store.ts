import {
  afterKeysetCursor,
  isIsoDate,
  readKeysetCursor,
  rowsOf,
  type Db,
  type PageRequest,
  type Period,
} from '@mission-graph/service-kit';
import { and, count, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { supportRequests } from '../db/schema.js';

export type SupportRequestRow = typeof supportRequests.$inferSelect;

export interface SupportRequestFilter {
  institution?: SupportRequestRow['institution'] | null;
  kind?: SupportRequestRow['kind'] | null;
  status?: SupportRequestRow['status'] | null;
  from?: string | null;
  to?: string | null;
}

/** The figures this pillar gives a `MissionReport` for one period. */
export interface SupportRequestFigures extends Period {
  supportRequests: number;
}

/** All SQL about support requests. */
export function createSupportRequestStore(db: Db<typeof schema>) {
  const matching = (filter: SupportRequestFilter) =>
    and(
      filter.institution ? eq(supportRequests.institution, filter.institution) : undefined,
      filter.kind ? eq(supportRequests.kind, filter.kind) : undefined,
      filter.status ? eq(supportRequests.status, filter.status) : undefined,
      filter.from ? gte(supportRequests.requestedOn, filter.from) : undefined,
      filter.to ? lte(supportRequests.requestedOn, filter.to) : undefined,
    );

  return {
    /** One page plus one row (to tell whether a next page exists), newest first. */
    list(filter: SupportRequestFilter, page: PageRequest): Promise<SupportRequestRow[]> {
      const after = afterKeysetCursor(
        supportRequests.requestedOn,
        supportRequests.id,
        readKeysetCursor(page, isIsoDate),
        sql`date`,
      );
      return db
        .select()
        .from(supportRequests)
        .where(and(matching(filter), after))
        .orderBy(desc(supportRequests.requestedOn), desc(supportRequests.id))
        .limit(page.size + 1);
    },

    async count(filter: SupportRequestFilter): Promise<number> {
      const [row] = await db.select({ total: count() }).from(supportRequests).where(matching(filter));
      return row?.total ?? 0;
    },

    byIds(ids: readonly string[]): Promise<SupportRequestRow[]> {
      return db.select().from(supportRequests).where(inArray(supportRequests.id, [...ids]));
    },

    /** Figures of many periods in one statement: one row per period, bounds inclusive. */
    async figuresOf(periods: readonly Period[]): Promise<SupportRequestFigures[]> {
      const values = sql.join(
        periods.map((period) => sql`(${period.from}::date, ${period.to}::date)`),
        sql`, `,
      );
      const result = await db.execute(sql`
        select p.from_date::text as "from", p.to_date::text as "to", figures.support_requests as "supportRequests"
        from (values ${values}) as p (from_date, to_date)
        cross join lateral (
          -- The period bounds the scan (index on requested_on); a figure about a subset
          -- of the period's requests would be a count(*) filter (where ...) beside this one.
          select count(*)::int as support_requests
          from ${supportRequests}
          where ${supportRequests.requestedOn} between p.from_date and p.to_date
        ) as figures`);
      return rowsOf<SupportRequestFigures>(result);
    },
  };
}

export type SupportRequestStore = ReturnType<typeof createSupportRequestStore>;
