import {
  afterKeysetCursor,
  isIsoDate,
  readKeysetCursor,
  readPageArgs,
  toConnection,
  type PageArgs,
} from '@mission-graph/service-kit';
import { and, asc, count, desc, eq, exists, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import {
  exerciseParticipants,
  exercises,
  securityResponders,
  type OperationsDb,
  type SecurityResponderCode,
} from '../db/schema.js';
import { dateWithin, type DayRange } from './day-range-sql.js';
import type { SecurityResponderRow } from './security-responder-store.js';

export type ExerciseRow = typeof exercises.$inferSelect;
export type ExerciseParticipantRow = SecurityResponderRow & { exerciseId: string };

export interface ExerciseFilter extends DayRange {
  participant?: SecurityResponderCode | null;
}

export function exerciseStore(db: OperationsDb) {
  function matching(filter: ExerciseFilter): SQL | undefined {
    const takesPart = filter.participant
      ? exists(
          db
            .select({ one: sql`1` })
            .from(exerciseParticipants)
            .where(
              and(
                eq(exerciseParticipants.exerciseId, exercises.id),
                eq(exerciseParticipants.responderCode, filter.participant),
              ),
            ),
        )
      : undefined;
    return and(...dateWithin(exercises.startsOn, filter), takesPart);
  }

  async function countWhere(where: SQL | undefined): Promise<number> {
    const [row] = await db.select({ total: count() }).from(exercises).where(where);
    return row?.total ?? 0;
  }

  return {
    /** Latest start first; the cursor is `(startsOn, id)`. */
    async connection(filter: ExerciseFilter, args: PageArgs) {
      const page = readPageArgs(args, 2);
      const cursor = readKeysetCursor(page, isIsoDate);
      const where = matching(filter);
      const rows = await db
        .select()
        .from(exercises)
        .where(and(where, afterKeysetCursor(exercises.startsOn, exercises.id, cursor, sql`date`)))
        .orderBy(desc(exercises.startsOn), desc(exercises.id))
        .limit(page.size + 1);
      return toConnection(rows, page, (row) => [row.startsOn, row.id], () => countWhere(where));
    },

    /** The responders taking part in several exercises, each exercise's first tier first. */
    participantsOf: (exerciseIds: readonly string[]): Promise<ExerciseParticipantRow[]> =>
      db
        .select({ exerciseId: exerciseParticipants.exerciseId, ...getTableColumns(securityResponders) })
        .from(exerciseParticipants)
        .innerJoin(securityResponders, eq(securityResponders.code, exerciseParticipants.responderCode))
        .where(inArray(exerciseParticipants.exerciseId, [...exerciseIds]))
        .orderBy(asc(securityResponders.tier)),
  };
}
