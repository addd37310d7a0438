import { badUserInput } from '@mission-graph/service-kit';
import type { SecurityResponderCode } from '../db/schema.js';

/**
 * A joint exercise trains the hand-over between responders, so it needs at least two
 * of them. The database cannot count rows of a join table in a CHECK, so the rule
 * lives here and every writer of exercises (seed, scheduleExercise) applies it.
 */
export const MIN_EXERCISE_PARTICIPANTS = 2;

/** The distinct participants, or BAD_USER_INPUT naming `argument` when fewer than two. */
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
  return distinct;
}
