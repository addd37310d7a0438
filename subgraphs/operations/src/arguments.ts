import { badUserInput, isIsoDate, isUuid } from '@mission-graph/service-kit';

/**
 * Checks on arguments that GraphQL's own types cannot express. They run before any
 * SQL, so a bad value is answered with BAD_USER_INPUT naming it, never a database error.
 */

/** A client-supplied id; anything but a UUID could never match and would upset the uuid cast. */
export function readId(id: string, argument = 'id'): string {
  if (!isUuid(id)) throw badUserInput(argument, `must be a UUID; got ${JSON.stringify(id)}`);
  return id;
}

/** A period of calendar days; either bound may be open. */
export interface DayRange {
  from?: string | null;
  to?: string | null;
}

/** Rejects a period that ends before it starts, naming the `to` argument (e.g. `filter.to`). */
export function readDayRange<Range extends DayRange>(range: Range, toArgument: string): Range {
  // ISO calendar dates order lexically, so string comparison is date comparison.
  if (range.from && range.to && range.from > range.to) {
    throw badUserInput(toArgument, `must be on or after from (${range.from}); got ${range.to}`);
  }
  return range;
}

/**
 * A closed period from an entity representation. Representations arrive as raw JSON
 * (`_Any`), so the Date scalar has not checked them as it checks query arguments.
 */
export function readPeriodRepresentation(from: unknown, to: unknown): { from: string; to: string } {
  for (const [argument, value] of [['from', from], ['to', to]] as const) {
    if (typeof value !== 'string' || !isIsoDate(value)) {
      throw badUserInput(argument, `must be a calendar date YYYY-MM-DD; got ${JSON.stringify(value)}`);
    }
  }
  return readDayRange({ from: from as string, to: to as string }, 'to');
}
