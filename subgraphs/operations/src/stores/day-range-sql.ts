import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * Conditions that keep rows of a period of calendar days. Days are UTC days, written
 * as half-open instant bounds, so the result does not depend on the session's time
 * zone and the time index still serves the range.
 */

/** A period of calendar days; either bound may be open. */
export interface DayRange {
  from?: string | null;
  to?: string | null;
}

/** A calendar-day parameter. */
const day = (value: string): SQL => sql`${value}::date`;

const startOfUtcDay = (date: SQLWrapper) => sql`(${date}::timestamp at time zone 'UTC')`;
const startOfNextUtcDay = (date: SQLWrapper) => sql`((${date} + 1)::timestamp at time zone 'UTC')`;

/** `instant` (timestamptz) falls on a UTC day from `from` to `to`, both inclusive. */
export function instantOnDays(instant: SQLWrapper, from: SQLWrapper, to: SQLWrapper): SQL {
  return sql`${instant} >= ${startOfUtcDay(from)} and ${instant} < ${startOfNextUtcDay(to)}`;
}

/** The same for a period whose bounds may be open (list filters). */
export function instantWithin(instant: SQLWrapper, range: DayRange): SQL[] {
  const conditions: SQL[] = [];
  if (range.from) conditions.push(sql`${instant} >= ${startOfUtcDay(day(range.from))}`);
  if (range.to) conditions.push(sql`${instant} < ${startOfNextUtcDay(day(range.to))}`);
  return conditions;
}

/** `date` column within a period whose bounds may be open, both inclusive. */
export function dateWithin(date: SQLWrapper, range: DayRange): SQL[] {
  const conditions: SQL[] = [];
  if (range.from) conditions.push(sql`${date} >= ${day(range.from)}`);
  if (range.to) conditions.push(sql`${date} <= ${day(range.to)}`);
  return conditions;
}
