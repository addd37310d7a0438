import {
  afterKeysetCursor,
  isInstant,
  readKeysetCursor,
  readPageArgs,
  toConnection,
  type PageArgs,
} from '@mission-graph/service-kit';
import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import { patrols, type OperationsDb } from '../db/schema.js';
import { instantWithin, type DayRange } from './day-range-sql.js';

export type PatrolRow = typeof patrols.$inferSelect;

export interface PatrolFilter extends DayRange {
  area?: string | null;
}

function matching(filter: PatrolFilter): SQL | undefined {
  return and(...instantWithin(patrols.shiftStart, filter), filter.area ? eq(patrols.area, filter.area) : undefined);
}

export function patrolStore(db: OperationsDb) {
  async function countWhere(where: SQL | undefined): Promise<number> {
    const [row] = await db.select({ total: count() }).from(patrols).where(where);
    return row?.total ?? 0;
  }

  return {
    /** Latest shift first; the cursor is `(shiftStart, id)`. */
    async connection(filter: PatrolFilter, args: PageArgs) {
      const page = readPageArgs(args, 2);
      const cursor = readKeysetCursor(page, isInstant);
      const where = matching(filter);
      const rows = await db
        .select()
        .from(patrols)
        .where(and(where, afterKeysetCursor(patrols.shiftStart, patrols.id, cursor, sql`timestamptz`)))
        .orderBy(desc(patrols.shiftStart), desc(patrols.id))
        .limit(page.size + 1);
      return toConnection(rows, page, (row) => [row.shiftStart, row.id], () => countWhere(where));
    },
  };
}
