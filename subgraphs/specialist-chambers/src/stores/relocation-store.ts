import { randomUUID } from 'node:crypto';
import { rethrowAsTypedError, type Caller, type Db } from '@mission-graph/service-kit';
import { asc, desc, eq, inArray } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { protectedWitnesses, relocations, witnessIdentities } from '../db/schema.js';
import { mayKnow, needToKnowError, witnessAccessBasis } from '../domain/need-to-know.js';
import { checkEventDate, checkRelocatable, checkRelocationTarget } from '../domain/witness-programme.js';
import type { ProtectedWitnessRow } from './protected-witness-store.js';
import { approvedOfficersOf } from './protection-officer-store.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { WitnessKeys } from '../crypto/witness-keys.js';
import { WITNESS_VIOLATIONS } from './violations.js';
import { openCurrentLocation, openRelocation, sealCurrentLocation, sealRelocation } from './witness-data.js';
import { lockWitness } from './witness-lock.js';
import type { RelocationRow } from '../db/schema.js';

export interface NewRelocation {
  witnessId: string;
  occurredOn: string;
  toLocation: string;
}


/** What a relocation recorded: its id, and the witness as moved. */
export interface RecordedRelocation {
  relocationId: string;
  witness: ProtectedWitnessRow;
}

/**
 * All SQL about relocations of protected witnesses: whereabouts, as sensitive as the
 * identity. Apart from the other stores so that every read of them is easy to find.
 */
export function createRelocationStore(db: Db<typeof schema>, cipher: FieldCipher, keys: WitnessKeys) {
  return {
    /** The witness each of these relocations moved. */
    witnessIdsOf(relocationIds: readonly string[]): Promise<{ id: string; witnessId: string }[]> {
      return db.select({ id: relocations.id, witnessId: relocations.witnessId }).from(relocations).where(inArray(relocations.id, [...relocationIds]));
    },

    /** Every relocation of these witnesses, in one statement; each witness's newest first. */
    async byWitnessIds(witnessIds: readonly string[]): Promise<RelocationRow[]> {
      const rows = await db
        .select()
        .from(relocations)
        .where(inArray(relocations.witnessId, [...witnessIds]))
        .orderBy(asc(relocations.witnessId), desc(relocations.occurredOn), desc(relocations.id));
      return rows.map((row) => openRelocation(cipher, row));
    },

    /**
     * Moves a witness: the relocation starts where the identity says the witness lives,
     * the identity's current location becomes the new place, and an ADMITTED witness
     * becomes RELOCATED — one transaction. Only a caller with need-to-know (assigned,
     * or break-glass) may move a witness: the move reveals and decides whereabouts.
     */
    async record(input: NewRelocation, caller: Caller, on: Db<typeof schema> = db): Promise<RecordedRelocation> {
      try {
        return await on.transaction(async (tx) => {
          const witness = await lockWitness(tx, input.witnessId);
          const officers = await approvedOfficersOf(tx, keys.assignment, [input.witnessId]);
          if (!mayKnow(witnessAccessBasis(caller, officers.map((row) => row.officerSubject)))) {
            throw needToKnowError(input.witnessId, 'Mutation.recordRelocation');
          }
          checkRelocatable(witness.status);
          const occurredOn = checkEventDate(input.occurredOn, witness.referredOn, 'input.occurredOn');
          const [identity] = await tx
            .select({ currentLocation: witnessIdentities.currentLocation })
            .from(witnessIdentities)
            .where(eq(witnessIdentities.witnessId, input.witnessId));
          const fromLocation = openCurrentLocation(cipher, input.witnessId, identity!.currentLocation);
          const toLocation = checkRelocationTarget(fromLocation, input.toLocation);
          const relocationId = randomUUID();
          await tx.insert(relocations).values(sealRelocation(cipher, { id: relocationId, witnessId: input.witnessId, occurredOn, fromLocation, toLocation }));
          await tx
            .update(witnessIdentities)
            .set({ currentLocation: sealCurrentLocation(cipher, input.witnessId, toLocation) })
            .where(eq(witnessIdentities.witnessId, input.witnessId));
          if (witness.status === 'RELOCATED') return { relocationId, witness };
          const [updated] = await tx
            .update(protectedWitnesses)
            .set({ status: 'RELOCATED' })
            .where(eq(protectedWitnesses.id, input.witnessId))
            .returning();
          return { relocationId, witness: updated! };
        });
      } catch (error) {
        rethrowAsTypedError(error, WITNESS_VIOLATIONS);
      }
    },
  };
}

export type RelocationStore = ReturnType<typeof createRelocationStore>;

export type { RelocationRow };
