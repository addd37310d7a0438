import { describe, expect, it } from 'vitest';
import { checkDeploymentEnd, checkNamedOfficers, checkOfficersAvailable } from '../src/domain/deployment.js';
import {
  checkDecisionTransition,
  checkRequesterEngaged,
  engagementNotRequested,
  nextTierOf,
} from '../src/domain/engagement.js';
import {
  checkExerciseDays,
  checkOutcomeRecordable,
  readExerciseParticipants,
} from '../src/domain/exercise-participants.js';
import { DEFAULT_SHIFT_PATTERN, readShiftPattern, shiftEndOf } from '../src/domain/shift-pattern.js';
import { epochOf, requireNotBefore } from '../src/domain/text.js';

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

describe('exercise participants: the FPU takes part', () => {
  it('refuses a joint exercise without the FPU', () => {
    expect(codeAndArgument(() => readExerciseParticipants(['KOSOVO_POLICE', 'KFOR']))).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'input.participants',
    });
  });

  it('refuses an exercise ending before it starts', () => {
    expect(codeAndArgument(() => checkExerciseDays('2026-05-02', '2026-05-01'))).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'input.endsOn',
    });
    expect(() => checkExerciseDays('2026-05-01', '2026-05-01')).not.toThrow();
  });

  it('records an outcome once, from the last day on', () => {
    const exercise = { id: 'e', endsOn: '2026-05-02', outcomeRecordedAt: null };
    expect(() => checkOutcomeRecordable(exercise, '2026-05-02')).not.toThrow();
    expect(codeAndArgument(() => checkOutcomeRecordable(exercise, '2026-05-01')).code).toBe('CONFLICT');
    expect(
      codeAndArgument(() => checkOutcomeRecordable({ ...exercise, outcomeRecordedAt: '2026-05-03T00:00:00Z' }, '2026-06-01')).code,
    ).toBe('CONFLICT');
  });
});

describe('engagement', () => {
  it('asks the next tier up only', () => {
    expect(nextTierOf('KOSOVO_POLICE')).toBe('EULEX_FPU');
    expect(nextTierOf('EULEX_FPU')).toBe('KFOR');
    expect(codeAndArgument(() => nextTierOf('KFOR'))).toEqual({ code: 'BAD_USER_INPUT', argument: 'input.fromResponder' });
  });

  it('lets the FPU ask KFOR only once engaged; Kosovo Police always may ask', () => {
    expect(() => checkRequesterEngaged('KOSOVO_POLICE', false)).not.toThrow();
    expect(() => checkRequesterEngaged('EULEX_FPU', true)).not.toThrow();
    expect(codeAndArgument(() => checkRequesterEngaged('EULEX_FPU', false)).code).toBe('CONFLICT');
  });

  it('answers or withdraws only pending requests', () => {
    expect(() => checkDecisionTransition('r', 'PENDING', 'ACCEPTED')).not.toThrow();
    for (const current of ['ACCEPTED', 'DECLINED', 'WITHDRAWN'] as const) {
      expect(codeAndArgument(() => checkDecisionTransition('r', current, 'WITHDRAWN')).code).toBe('CONFLICT');
    }
  });

  it('names the refusal of an unrequested deployment ENGAGEMENT_NOT_REQUESTED', () => {
    expect(engagementNotRequested('i', 'DECLINED').extensions).toMatchObject({
      code: 'ENGAGEMENT_NOT_REQUESTED',
      requestDecision: 'DECLINED',
    });
  });
});

describe('deployments', () => {
  it('commits at most the available strength', () => {
    expect(checkOfficersAvailable(12, 12, 105)).toBe(12);
    expect(codeAndArgument(() => checkOfficersAvailable(13, 12, 105))).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'input.officersCommitted',
    });
    expect(codeAndArgument(() => checkOfficersAvailable(0, 12, 105)).argument).toBe('input.officersCommitted');
  });

  it('names all committed officers or none, each once', () => {
    expect(checkNamedOfficers([], 5)).toEqual([]);
    expect(checkNamedOfficers(['a', 'b'], 2)).toEqual(['a', 'b']);
    expect(codeAndArgument(() => checkNamedOfficers(['a', 'b'], 3)).argument).toBe('input.officerIds');
    expect(codeAndArgument(() => checkNamedOfficers(['a', 'a'], 2)).argument).toBe('input.officerIds');
  });

  it('ends once, after the start (database or ISO instants)', () => {
    const open = { id: 'd', startedAt: '2026-05-01 10:00:00+00', endedAt: null };
    expect(checkDeploymentEnd(open, '2026-05-01T10:00:01Z')).toBe('2026-05-01T10:00:01Z');
    expect(codeAndArgument(() => checkDeploymentEnd(open, '2026-05-01T10:00:00Z')).argument).toBe('input.endedAt');
    expect(codeAndArgument(() => checkDeploymentEnd({ ...open, endedAt: '2026-05-02 00:00:00+00' }, '2026-05-03T00:00:00Z')).code).toBe(
      'CONFLICT',
    );
  });

  it('compares instants in either format', () => {
    expect(epochOf('2026-05-01 10:00:00+00')).toBe(Date.parse('2026-05-01T10:00:00Z'));
    expect(epochOf('2026-05-01 12:00:00.5+02')).toBe(Date.parse('2026-05-01T10:00:00.5Z'));
    expect(codeAndArgument(() => requireNotBefore('2026-05-01T09:00:00Z', '2026-05-01 10:00:00+00', 'input.x', 'y')).argument).toBe(
      'input.x',
    );
  });
});

describe('shift pattern', () => {
  it('defaults to three 8-hour shifts from 00:00 UTC', () => {
    expect(readShiftPattern(undefined)).toEqual({ hoursPerShift: 8 });
    expect(shiftEndOf('2024-03-15T16:00:00Z', DEFAULT_SHIFT_PATTERN)).toBe('2024-03-16T00:00:00.000Z');
    expect(shiftEndOf('2024-03-15T18:00:00+02:00', DEFAULT_SHIFT_PATTERN)).toBe('2024-03-16T00:00:00.000Z');
    expect(codeAndArgument(() => shiftEndOf('2024-03-15T06:00:00Z', DEFAULT_SHIFT_PATTERN))).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'input.shiftStart',
    });
  });

  it('is configurable to any divisor of 24 hours', () => {
    expect(shiftEndOf('2024-03-15T06:00:00Z', readShiftPattern('6'))).toBe('2024-03-15T12:00:00.000Z');
    expect(() => readShiftPattern('7')).toThrow(/PATROL_SHIFT_HOURS/);
    expect(() => readShiftPattern('0')).toThrow(/PATROL_SHIFT_HOURS/);
  });
});
