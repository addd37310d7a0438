import type { Db } from '@mission-graph/service-kit';
import { inArray } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { witnessIdentities } from '../db/schema.js';
import type { WitnessIdentityRow } from '../db/schema.js';


/**
 * All SQL about witnesses' real identities. Apart from the witness store so that the
 * one place reading identities is easy to find, guard and audit.
 */
export function createWitnessIdentityStore(db: Db<typeof schema>) {
  return {
    byWitnessIds(witnessIds: readonly string[]): Promise<WitnessIdentityRow[]> {
      return db.select().from(witnessIdentities).where(inArray(witnessIdentities.witnessId, [...witnessIds]));
    },
  };
}

export type WitnessIdentityStore = ReturnType<typeof createWitnessIdentityStore>;

export type { WitnessIdentityRow };
