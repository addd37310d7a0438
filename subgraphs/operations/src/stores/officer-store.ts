import {
  afterKeysetCursor,
  isOneOf,
  readKeysetCursor,
  readPageArgs,
  toConnection,
  type PageArgs,
} from '@mission-graph/service-kit';
import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import { officerRank, officers, typeOf, type OfficerRank, type OperationsDb } from '../db/schema.js';

export type OfficerRow = typeof officers.$inferSelect;

export interface OfficerFilter {
  rank?: OfficerRank | null;
}

export function officerStore(db: OperationsDb) {
  async function countWhere(where: SQL | undefined): Promise<number> {
    const [row] = await db.select({ total: count() }).from(officers).where(where);
    return row?.total ?? 0;
  }

  return {
    /**
     * Most senior rank first; the cursor is `(rank, id)`. Not ordered by name or
     * service number: a cursor must not carry personal data.
     */
    async connection(unitId: string, filter: OfficerFilter, args: PageArgs) {
      const page = readPageArgs(args, 2);
      const cursor = readKeysetCursor(page, isOneOf(officerRank.enumValues));
      const where = and(eq(officers.unitId, unitId), filter.rank ? eq(officers.rank, filter.rank) : undefined);
      const rows = await db
        .select()
        .from(officers)
        .where(and(where, afterKeysetCursor(officers.rank, officers.id, cursor, typeOf(officerRank))))
        .orderBy(desc(officers.rank), desc(officers.id))
        .limit(page.size + 1);
      return toConnection(rows, page, (row) => [row.rank, row.id], () => countWhere(where));
    },
  };
}
