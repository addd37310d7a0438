import { afterKeysetCursor, isIsoDate, readKeysetCursor, type Db, type PageRequest } from '@mission-graph/service-kit';
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { protectedWitnesses } from '../db/schema.js';

export type ProtectedWitnessRow = typeof protectedWitnesses.$inferSelect;

export interface ProtectedWitnessFilter {
  status?: ProtectedWitnessRow['status'] | null;
  riskLevel?: ProtectedWitnessRow['riskLevel'] | null;
}

/** All SQL about protected witnesses under codename; never touches identities. */
export function createProtectedWitnessStore(db: Db<typeof schema>) {
  const matching = (filter: ProtectedWitnessFilter) =>
    and(
      filter.status ? eq(protectedWitnesses.status, filter.status) : undefined,
      filter.riskLevel ? eq(protectedWitnesses.riskLevel, filter.riskLevel) : undefined,
    );

  return {
    /** One page plus one row (to tell whether a next page exists), most recently referred first. */
    list(filter: ProtectedWitnessFilter, page: PageRequest): Promise<ProtectedWitnessRow[]> {
      const after = afterKeysetCursor(
        protectedWitnesses.referredOn,
        protectedWitnesses.id,
        readKeysetCursor(page, isIsoDate),
        sql`date`,
      );
      return db
        .select()
        .from(protectedWitnesses)
        .where(and(matching(filter), after))
        .orderBy(desc(protectedWitnesses.referredOn), desc(protectedWitnesses.id))
        .limit(page.size + 1);
    },

    async count(filter: ProtectedWitnessFilter): Promise<number> {
      const [row] = await db.select({ total: count() }).from(protectedWitnesses).where(matching(filter));
      return row?.total ?? 0;
    },

    byIds(ids: readonly string[]): Promise<ProtectedWitnessRow[]> {
      return db.select().from(protectedWitnesses).where(inArray(protectedWitnesses.id, [...ids]));
    },
  };
}

export type ProtectedWitnessStore = ReturnType<typeof createProtectedWitnessStore>;
