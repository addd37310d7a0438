import { describe, expect, it } from 'vitest';
import { readDayRange, readId, readPeriodRepresentation } from '../src/arguments.js';
import { readExerciseParticipants } from '../src/domain/exercise-participants.js';
import { isInstant } from '../src/stores/cursors.js';

/** Plain rules and argument checks, without a server or a database. */

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

describe('argument checks', () => {
  it('accepts UUIDs only as ids', () => {
    expect(readId('6f1c1c9e-1f2b-5a3c-8d4e-0a1b2c3d4e5f')).toBe('6f1c1c9e-1f2b-5a3c-8d4e-0a1b2c3d4e5f');
    expect(codeAndArgument(() => readId("1' or '1'='1"))).toEqual({ code: 'BAD_USER_INPUT', argument: 'id' });
  });

  it('accepts open and one-day periods, refuses one that ends before it starts', () => {
    expect(readDayRange({ from: '2025-01-01', to: '2025-01-01' }, 'to')).toEqual({ from: '2025-01-01', to: '2025-01-01' });
    expect(readDayRange({ from: null, to: '2025-01-01' }, 'filter.to')).toEqual({ from: null, to: '2025-01-01' });
    expect(codeAndArgument(() => readDayRange({ from: '2025-01-02', to: '2025-01-01' }, 'filter.to'))).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'filter.to',
    });
  });

  it('checks periods arriving as entity representations', () => {
    expect(readPeriodRepresentation('2024-01-01', '2024-12-31')).toEqual({ from: '2024-01-01', to: '2024-12-31' });
    expect(codeAndArgument(() => readPeriodRepresentation('2024-02-30', '2024-12-31'))).toMatchObject({ argument: 'from' });
    expect(codeAndArgument(() => readPeriodRepresentation('2024-01-01', 20241231))).toMatchObject({ argument: 'to' });
    expect(codeAndArgument(() => readPeriodRepresentation('2024-12-31', '2024-01-01'))).toMatchObject({ argument: 'to' });
  });

  it('recognises the instants a cursor may carry, and nothing PostgreSQL would refuse', () => {
    expect(isInstant('2024-01-01 08:00:00+00')).toBe(true);
    expect(isInstant('2024-01-01 08:00:00.123456+00')).toBe(true);
    expect(isInstant('2024-01-01T03:00:00-05:30')).toBe(true);
    expect(isInstant('2024-02-30 10:00:00+00')).toBe(false);
    expect(isInstant('2024-01-01 24:00:00+00')).toBe(false);
    expect(isInstant('1')).toBe(false);
  });
});
