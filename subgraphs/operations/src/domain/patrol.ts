import type { PatrolKind } from '../db/schema.js';
import { shiftEndOf, type ShiftPattern } from './shift-pattern.js';
import { requireText } from './text.js';

/** A patrol shift as logged. */
export interface PatrolLog {
  shiftStart: string;
  area: string;
  route: string;
  kind?: PatrolKind | null;
}

/** A logged shift, normalised: its end from the pattern, text trimmed, the kind defaulted. */
export interface CheckedPatrolLog {
  kind: PatrolKind;
  shiftStart: string;
  shiftEnd: string;
  area: string;
  route: string;
}

export function checkPatrolLog(input: PatrolLog, pattern: ShiftPattern): CheckedPatrolLog {
  const shiftEnd = shiftEndOf(input.shiftStart, pattern);
  return {
    kind: input.kind ?? 'MOBILE_RECONNAISSANCE',
    shiftStart: new Date(input.shiftStart).toISOString(),
    shiftEnd,
    area: requireText(input.area, 'input.area'),
    route: requireText(input.route, 'input.route'),
  };
}
