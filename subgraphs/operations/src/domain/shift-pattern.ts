import { badUserInput } from '@mission-graph/service-kit';

/**
 * Patrols run around the clock in shifts of equal length that tile the UTC day from
 * midnight: the default is three 8-hour shifts (00–08, 08–16, 16–24 UTC). The length
 * is configurable per deployment of the service (`PATROL_SHIFT_HOURS`, a divisor of 24).
 */
export interface ShiftPattern {
  hoursPerShift: number;
}

export const DEFAULT_SHIFT_PATTERN: ShiftPattern = { hoursPerShift: 8 };
const HOUR = 3_600_000;

/** The pattern configured in the environment, or the default; a bad value stops the service. */
export function readShiftPattern(value: string | undefined = process.env.PATROL_SHIFT_HOURS): ShiftPattern {
  if (value === undefined || value === '') return DEFAULT_SHIFT_PATTERN;
  const hours = Number(value);
  if (!Number.isInteger(hours) || hours < 1 || 24 % hours !== 0) {
    throw new Error(`PATROL_SHIFT_HOURS must be a whole number of hours dividing 24; got "${value}"`);
  }
  return { hoursPerShift: hours };
}

/** The shift starting at `shiftStart`: its end, or BAD_USER_INPUT when it is not a shift boundary. */
export function shiftEndOf(shiftStart: string, pattern: ShiftPattern, argument = 'input.shiftStart'): string {
  const start = Date.parse(shiftStart);
  const length = pattern.hoursPerShift * HOUR;
  if (Number.isNaN(start) || start % length !== 0) {
    throw badUserInput(
      argument,
      `must be the start of a ${pattern.hoursPerShift}-hour shift (every ${pattern.hoursPerShift} h from 00:00 UTC); got ${shiftStart}`,
    );
  }
  return new Date(start + length).toISOString();
}
