import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { badUserInput, notFound, rethrowAsTypedError } from '@mission-graph/service-kit';
import type { ForensicsDb } from '../db/database.js';
import { identifications, mortalRemains, remainsHandovers } from '../db/schema.js';
import type { RemainsHandoverInput } from '../domain/records.js';
import { canMoveMortalRemains, transitionConflict } from '../domain/workflow.js';
import { REMAINS_HANDOVER_VIOLATIONS } from './violations.js';
import type { MortalRemainsRow } from './mortal-remains-store.js';
import type { RemainsHandoverRow } from '../db/schema.js';




export type { RemainsHandoverRow };

export function createRemainsHandoverStore(db: ForensicsDb) {
  return {
    byRemainsIds(remainsIds: readonly string[]): Promise<RemainsHandoverRow[]> {
      return db.select().from(remainsHandovers).where(inArray(remainsHandovers.remainsId, [...remainsIds]));
    },

    /**
     * Records the handover and, in the same transaction, moves the remains IDENTIFIED →
     * RETURNED (no longer held anywhere). The remains row is locked first, so two
     * handovers of the same remains queue up and the later one gets a CONFLICT.
     */
    async record(input: RemainsHandoverInput, on: ForensicsDb = db): Promise<MortalRemainsRow> {
      try {
        return await on.transaction(async (tx) => {
          const [remains] = await tx
            .select({ status: mortalRemains.status })
            .from(mortalRemains)
            .where(eq(mortalRemains.id, input.remainsId))
            .for('update');
          if (!remains) throw notFound('MortalRemains', input.remainsId);
          if (!canMoveMortalRemains(remains.status, 'RETURNED')) {
            throw transitionConflict('MortalRemains', input.remainsId, remains.status, 'RETURNED');
          }
          const [identification] = await tx
            .select({ identifiedOn: identifications.identifiedOn })
            .from(identifications)
            .where(eq(identifications.remainsId, input.remainsId));
          if (identification && input.handedOverOn < identification.identifiedOn) {
            throw badUserInput(
              'input.handedOverOn',
              `must not be before the identification (${identification.identifiedOn}); got ${input.handedOverOn}`,
            );
          }
          await tx.insert(remainsHandovers).values({ id: randomUUID(), ...input });
          const [returned] = await tx
            .update(mortalRemains)
            .set({ status: 'RETURNED', heldAt: null })
            .where(eq(mortalRemains.id, input.remainsId))
            .returning();
          return returned!;
        });
      } catch (error) {
        rethrowAsTypedError(error, REMAINS_HANDOVER_VIOLATIONS);
      }
    },
  };
}

export type RemainsHandoverStore = ReturnType<typeof createRemainsHandoverStore>;
