import { badUserInput, conflict } from '@mission-graph/service-kit';
import type { SecurityResponderCode } from '../db/schema.js';

/**
 * A joint exercise trains the hand-over between responders: the FPU with Kosovo Police
 * and/or KFOR, so at least two responders, the FPU among them. Every writer of
 * exercises (seed, scheduleExercise) applies this; the database checks it again at
 * commit (constraint trigger `exercises_joint_with_fpu`).
 */
export const MIN_EXERCISE_PARTICIPANTS = 2;

/** The distinct participants, or BAD_USER_INPUT naming `argument` when fewer than two or without the FPU. */
export function readExerciseParticipants(
  codes: readonly SecurityResponderCode[],
  argument = 'input.participants',
): SecurityResponderCode[] {
  const distinct = [...new Set(codes)];
  if (distinct.length < MIN_EXERCISE_PARTICIPANTS) {
    throw badUserInput(
      argument,
      `a joint exercise needs at least ${MIN_EXERCISE_PARTICIPANTS} distinct responders; got ${distinct.length}`,
    );
  }
  if (!distinct.includes('EULEX_FPU')) {
    throw badUserInput(argument, 'a joint exercise of the FPU must include EULEX_FPU');
  }
  return distinct;
}

/** The last day must not precede the first. */
export function checkExerciseDays(startsOn: string, endsOn: string): void {
  // ISO calendar dates order lexically.
  if (endsOn < startsOn) throw badUserInput('input.endsOn', `must not be before input.startsOn (${startsOn}); got ${endsOn}`);
}

/** An outcome is recorded once, from the exercise's last day (UTC) on. */
export function checkOutcomeRecordable(
  exercise: { id: string; endsOn: string; outcomeRecordedAt: string | null },
  today: string,
): void {
  if (exercise.outcomeRecordedAt !== null) {
    throw conflict(`the outcome of exercise "${exercise.id}" is already recorded`, {
      currentState: 'OUTCOME_RECORDED',
      requestedState: 'OUTCOME_RECORDED',
    });
  }
  if (today < exercise.endsOn) {
    throw conflict(`exercise "${exercise.id}" runs until ${exercise.endsOn}; its outcome can be recorded from that day on`, {
      currentState: 'SCHEDULED',
      requestedState: 'OUTCOME_RECORDED',
    });
  }
}
