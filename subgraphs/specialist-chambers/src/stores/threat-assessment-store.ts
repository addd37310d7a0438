import { randomUUID } from 'node:crypto';
import { rethrowAsTypedError, type Db } from '@mission-graph/service-kit';
import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { protectedWitnesses, threatAssessments } from '../db/schema.js';
import { checkEventDate, checkWitnessOpen } from '../domain/witness-programme.js';
import type { ProtectedWitnessRow } from './protected-witness-store.js';
import { WITNESS_VIOLATIONS } from './violations.js';
import { lockWitness } from './witness-lock.js';
import type { ThreatAssessmentRow } from '../db/schema.js';

export interface NewThreatAssessment {
  witnessId: string;
  occurredOn: string;
  riskLevel: ThreatAssessmentRow['riskLevel'];
  summary: string;
}


/** All SQL about threat assessments of protected witnesses (under codename only). */
export function createThreatAssessmentStore(db: Db<typeof schema>) {
  return {
    /** Every assessment of these witnesses, in one statement; each witness's newest first. */
    byWitnessIds(witnessIds: readonly string[]): Promise<ThreatAssessmentRow[]> {
      return db
        .select()
        .from(threatAssessments)
        .where(inArray(threatAssessments.witnessId, [...witnessIds]))
        .orderBy(asc(threatAssessments.witnessId), desc(threatAssessments.occurredOn), desc(threatAssessments.id));
    },

    /**
     * Records an assessment; the witness's risk level becomes the newest assessment's
     * (by day, then id — the history's order), all in one transaction.
     */
    async record(input: NewThreatAssessment): Promise<{ witness: ProtectedWitnessRow; assessment: ThreatAssessmentRow }> {
      try {
        return await db.transaction(async (tx) => {
          const witness = await lockWitness(tx, input.witnessId);
          checkWitnessOpen(witness.status, 'record a threat assessment');
          checkEventDate(input.occurredOn, witness.referredOn, 'input.occurredOn');
          const [assessment] = await tx.insert(threatAssessments).values({ id: randomUUID(), ...input }).returning();
          const [updated] = await tx
            .update(protectedWitnesses)
            .set({
              riskLevel: sql`(
                select ${threatAssessments.riskLevel} from ${threatAssessments}
                where ${threatAssessments.witnessId} = ${input.witnessId}
                order by ${threatAssessments.occurredOn} desc, ${threatAssessments.id} desc
                limit 1)`,
            })
            .where(eq(protectedWitnesses.id, input.witnessId))
            .returning();
          return { witness: updated!, assessment: assessment! };
        });
      } catch (error) {
        rethrowAsTypedError(error, WITNESS_VIOLATIONS);
      }
    },
  };
}

export type ThreatAssessmentStore = ReturnType<typeof createThreatAssessmentStore>;

export type { ThreatAssessmentRow };
