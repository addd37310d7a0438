import type { Db } from '@mission-graph/service-kit';
import { asc, desc, inArray } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { threatAssessments } from '../db/schema.js';

export type ThreatAssessmentRow = typeof threatAssessments.$inferSelect;

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
  };
}

export type ThreatAssessmentStore = ReturnType<typeof createThreatAssessmentStore>;
