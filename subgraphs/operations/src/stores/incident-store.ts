import {
  afterKeysetCursor,
  isInstant,
  readKeysetCursor,
  readPageArgs,
  toConnection,
  type PageArgs,
} from '@mission-graph/service-kit';
import { and, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { incidents, type OperationsDb } from '../db/schema.js';
import { instantWithin, type DayRange } from './day-range-sql.js';

export type IncidentRow = typeof incidents.$inferSelect;

export interface IncidentFilter extends DayRange {
  kind?: IncidentRow['kind'] | null;
  municipality?: string | null;
}

function matching(filter: IncidentFilter): SQL | undefined {
  return and(
    ...instantWithin(incidents.occurredAt, filter),
    filter.kind ? eq(incidents.kind, filter.kind) : undefined,
    filter.municipality ? eq(incidents.municipality, filter.municipality) : undefined,
  );
}

export function incidentStore(db: OperationsDb) {
  async function countWhere(where: SQL | undefined): Promise<number> {
    const [row] = await db.select({ total: count() }).from(incidents).where(where);
    return row?.total ?? 0;
  }

  return {
    byIds: (ids: readonly string[]): Promise<IncidentRow[]> =>
      db.select().from(incidents).where(inArray(incidents.id, [...ids])),

    /** Newest first; the cursor is `(occurredAt, id)`. */
    async connection(filter: IncidentFilter, args: PageArgs) {
      const page = readPageArgs(args, 2);
      const cursor = readKeysetCursor(page, isInstant);
      const where = matching(filter);
      const rows = await db
        .select()
        .from(incidents)
        .where(and(where, afterKeysetCursor(incidents.occurredAt, incidents.id, cursor, sql`timestamptz`)))
        .orderBy(desc(incidents.occurredAt), desc(incidents.id))
        .limit(page.size + 1);
      return toConnection(rows, page, (row) => [row.occurredAt, row.id], () => countWhere(where));
    },
  };
}
