import { randomUUID } from 'node:crypto';
import { desc, eq, inArray } from 'drizzle-orm';
import { notFound, rethrowAsTypedError } from '@mission-graph/service-kit';
import type { ForensicsDb } from '../db/database.js';
import { morgueReviews, mortalRemains } from '../db/schema.js';
import type { checkMorgueReviewInput } from '../domain/records.js';
import { isReviewable, remainsStatusAfterReview, transitionConflict } from '../domain/workflow.js';
import { MORGUE_REVIEW_VIOLATIONS } from './violations.js';
import type { MorgueReviewRow } from '../db/schema.js';





export type { MorgueReviewRow };

export function createMorgueReviewStore(db: ForensicsDb) {
  return {
    byIds(ids: readonly string[]): Promise<MorgueReviewRow[]> {
      return db.select().from(morgueReviews).where(inArray(morgueReviews.id, [...ids]));
    },

    /** The reviews of each of the given remains, most recent first. */
    byRemainsIds(remainsIds: readonly string[]): Promise<MorgueReviewRow[]> {
      return db
        .select()
        .from(morgueReviews)
        .where(inArray(morgueReviews.remainsId, [...remainsIds]))
        .orderBy(desc(morgueReviews.reviewedOn), desc(morgueReviews.id));
    },

    /**
     * Records a review of unidentified remains and, in the same transaction, moves the
     * remains UNDER_REVIEW (or back to UNIDENTIFIED when no further action is planned).
     * Identified or returned remains are a CONFLICT naming their status.
     */
    async record(input: ReturnType<typeof checkMorgueReviewInput>, on: ForensicsDb = db): Promise<MorgueReviewRow> {
      try {
        return await on.transaction(async (tx) => {
          // Locked, so a concurrent identification waits for this review (and then sees it).
          const [remains] = await tx
            .select({ status: mortalRemains.status })
            .from(mortalRemains)
            .where(eq(mortalRemains.id, input.remainsId))
            .for('update');
          if (!remains) throw notFound('MortalRemains', input.remainsId);
          const next = remainsStatusAfterReview(input.nextAction);
          if (!isReviewable(remains.status)) throw transitionConflict('MortalRemains', input.remainsId, remains.status, next);
          const [review] = await tx.insert(morgueReviews).values({ id: randomUUID(), ...input }).returning();
          if (remains.status !== next) {
            await tx.update(mortalRemains).set({ status: next }).where(eq(mortalRemains.id, input.remainsId));
          }
          return review!;
        });
      } catch (error) {
        rethrowAsTypedError(error, {
          ...MORGUE_REVIEW_VIOLATIONS,
          morgue_reviews_remains_id_mortal_remains_id_fk: () => notFound('MortalRemains', input.remainsId),
        });
      }
    },
  };
}

export type MorgueReviewStore = ReturnType<typeof createMorgueReviewStore>;
