import {
  afterKeysetCursor,
  isIsoDate,
  readKeysetCursor,
  readPageArgs,
  toConnection,
  type PageArgs,
  notFound,
} from '@mission-graph/service-kit';
import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, exists, getTableColumns, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import {
  exerciseParticipants,
  exercises,
  securityResponders,
  type OperationsDb,
  type SecurityResponderCode,
} from '../db/schema.js';
import { checkExerciseDays, checkOutcomeRecordable, readExerciseParticipants } from '../domain/exercise-participants.js';
import { requireText } from '../domain/text.js';
import { dateWithin, type DayRange } from './day-range-sql.js';
import { onlyRow } from './rows.js';
import { rethrowTyped } from './typed-errors.js';
import type { SecurityResponderRow } from './security-responder-store.js';

export type ExerciseRow = typeof exercises.$inferSelect;
export type ExerciseParticipantRow = SecurityResponderRow & { exerciseId: string };

export interface ScheduleExerciseInput {
  title: string;
  kind?: ExerciseRow['kind'] | null;
  startsOn: string;
  endsOn: string;
  location: string;
  objectives: string;
  participants: readonly SecurityResponderCode[];
}

export interface RecordExerciseOutcomeInput {
  exerciseId: string;
  outcome: string;
  lessonsLearned: string;
}

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
    /** Schedules a joint exercise with its participants, in one transaction. */
    async schedule(input: ScheduleExerciseInput): Promise<ExerciseRow> {
      checkExerciseDays(input.startsOn, input.endsOn);
      const participants = readExerciseParticipants(input.participants);
      const values = {
        id: randomUUID(),
        title: requireText(input.title, 'input.title'),
        kind: input.kind ?? 'CROWD_AND_RIOT_CONTROL',
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        location: requireText(input.location, 'input.location'),
        objectives: requireText(input.objectives, 'input.objectives'),
      };
      try {
        return await db.transaction(async (tx) => {
          const exercise = onlyRow(await tx.insert(exercises).values(values).returning());
          await tx
            .insert(exerciseParticipants)
            .values(participants.map((responderCode) => ({ exerciseId: exercise.id, responderCode })));
          return exercise;
        });
      } catch (error) {
        return rethrowTyped(error);
      }
    },

    /** Records the outcome of an exercise once, from its last day (UTC) on. */
    async recordOutcome(input: RecordExerciseOutcomeInput, now: Date = new Date()): Promise<ExerciseRow> {
      const outcome = requireText(input.outcome, 'input.outcome');
      const lessonsLearned = requireText(input.lessonsLearned, 'input.lessonsLearned');
      try {
        return await db.transaction(async (tx) => {
          const [current] = await tx.select().from(exercises).where(eq(exercises.id, input.exerciseId)).for('update');
          if (!current) throw notFound('Exercise', input.exerciseId);
          checkOutcomeRecordable(current, now.toISOString().slice(0, 10));
          return onlyRow(
            await tx
              .update(exercises)
              .set({ outcome, lessonsLearned, outcomeRecordedAt: now.toISOString() })
              .where(and(eq(exercises.id, input.exerciseId), isNull(exercises.outcomeRecordedAt)))
              .returning(),
          );
        });
      } catch (error) {
        return rethrowTyped(error);
      }
    },

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
