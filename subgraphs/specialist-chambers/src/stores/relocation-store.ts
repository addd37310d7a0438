import type { Db } from '@mission-graph/service-kit';
import { asc, desc, inArray } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { relocations } from '../db/schema.js';

export type RelocationRow = typeof relocations.$inferSelect;

/**
 * All SQL about relocations of protected witnesses: whereabouts, as sensitive as the
 * identity. Apart from the other stores so that every read of them is easy to find.
 */
export function createRelocationStore(db: Db<typeof schema>) {
  return {
    /** Every relocation of these witnesses, in one statement; each witness's newest first. */
    byWitnessIds(witnessIds: readonly string[]): Promise<RelocationRow[]> {
      return db
        .select()
        .from(relocations)
        .where(inArray(relocations.witnessId, [...witnessIds]))
        .orderBy(asc(relocations.witnessId), desc(relocations.occurredOn), desc(relocations.id));
    },
  };
}

export type RelocationStore = ReturnType<typeof createRelocationStore>;
