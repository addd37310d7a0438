import { conflict, rethrowAsTypedError, type Db } from '@mission-graph/service-kit';
import { asc, inArray } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { witnessProtectionOfficers } from '../db/schema.js';
import { checkWitnessOpen } from '../domain/witness-programme.js';
import type { ProtectedWitnessRow } from './protected-witness-store.js';
import { lockWitness, WITNESS_VIOLATIONS } from './witness-violations.js';

export type ProtectionOfficerRow = typeof witnessProtectionOfficers.$inferSelect;

/** All SQL about which officers protect which witness (the basis of need-to-know). */
export function createProtectionOfficerStore(db: Db<typeof schema>) {
  return {
    /** Every assignment of these witnesses, in one statement. */
    byWitnessIds(witnessIds: readonly string[]): Promise<ProtectionOfficerRow[]> {
      return db
        .select()
        .from(witnessProtectionOfficers)
        .where(inArray(witnessProtectionOfficers.witnessId, [...witnessIds]))
        .orderBy(asc(witnessProtectionOfficers.witnessId), asc(witnessProtectionOfficers.officerSubject));
    },

    /** Assigns one officer; a second assignment of the same officer is a CONFLICT. */
    async assign(witnessId: string, officer: string): Promise<ProtectedWitnessRow> {
      try {
        return await db.transaction(async (tx) => {
          const witness = await lockWitness(tx, witnessId);
          checkWitnessOpen(witness.status, 'assign a protection officer');
          await tx.insert(witnessProtectionOfficers).values({ witnessId, officerSubject: officer });
          return witness;
        });
      } catch (error) {
        rethrowAsTypedError(error, {
          ...WITNESS_VIOLATIONS,
          witness_protection_officers_pk: () =>
            conflict(`Officer ${officer} is already assigned to this protected witness`, { reason: 'ALREADY_ASSIGNED' }),
        });
      }
    },
  };
}

export type ProtectionOfficerStore = ReturnType<typeof createProtectionOfficerStore>;
