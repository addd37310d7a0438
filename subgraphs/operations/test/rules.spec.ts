import { describe, expect, it } from 'vitest';
import { readExerciseParticipants } from '../src/domain/exercise-participants.js';

/** Plain rules, without a server or a database. */

function codeAndArgument(run: () => unknown) {
  try {
    run();
  } catch (error) {
    const extensions = (error as { extensions?: Record<string, unknown> }).extensions;
    return { code: extensions?.code, argument: extensions?.argument };
  }
  throw new Error('expected a GraphQL error');
}

describe('exercise participants', () => {
  it('keeps two or three distinct responders', () => {
    expect(readExerciseParticipants(['KOSOVO_POLICE', 'EULEX_FPU'])).toEqual(['KOSOVO_POLICE', 'EULEX_FPU']);
    expect(readExerciseParticipants(['KOSOVO_POLICE', 'EULEX_FPU', 'KFOR', 'KFOR'])).toHaveLength(3);
  });

  it('refuses an exercise of fewer than two distinct responders', () => {
    expect(codeAndArgument(() => readExerciseParticipants(['EULEX_FPU', 'EULEX_FPU']))).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'input.participants',
    });
    expect(codeAndArgument(() => readExerciseParticipants([]))).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
