import { rethrowAsTypedError } from '@mission-graph/service-kit';
import {
  isIsoDate,
  tableConnection,
  idPart,
  keyPart,
  type KeysetOrder,
  type PageArgs,
  notFound,
} from '@mission-graph/service-kit';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, exists, getTableColumns, inArray, isNull, sql, type SQL } from 'drizzle-orm';
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
import { OPERATIONS_VIOLATIONS } from './violations.js';
import type { SecurityResponderRow } from './security-responder-store.js';
import type { ExerciseRow } from '../db/schema.js';

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

/** Newest first by `startsOn`, the id breaking ties; the cursor is `(startsOn, id)`. */
const EXERCISES_ORDER: KeysetOrder<typeof exercises.$inferSelect> = {
  direction: 'desc',
  key: [keyPart(exercises.startsOn, sql`date`, isIsoDate, (row) => row.startsOn), idPart(exercises.id)],
};

export function createExerciseStore(db: OperationsDb) {
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
        return rethrowAsTypedError(error, OPERATIONS_VIOLATIONS);
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
        return rethrowAsTypedError(error, OPERATIONS_VIOLATIONS);
      }
    },

    /** Latest start first; the cursor is `(startsOn, id)`. */
    async connection(filter: ExerciseFilter, args: PageArgs) {
      const where = matching(filter);
      return tableConnection(db, exercises, EXERCISES_ORDER, where, args);
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

export type { ExerciseRow };

export type ExerciseStore = ReturnType<typeof createExerciseStore>;
