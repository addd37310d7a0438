import { badUserInput, isIsoDate, isUuid } from '@mission-graph/service-kit';

/**
 * Checks on values that come from clients before they reach SQL. GraphQL's own
 * validation covers typed arguments, but not entity representations (`_Any`) nor
 * the contents of opaque strings, and a value the database cannot cast would
 * otherwise surface as an internal error.
 */

/** A client-supplied id; anything but a UUID is bad input naming `argument`. */
export function requireUuid(argument: string, value: unknown): string {
  if (typeof value !== 'string' || !isUuid(value)) {
    throw badUserInput(argument, `must be a UUID; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A client-supplied calendar date (YYYY-MM-DD). */
export function requireDate(argument: string, value: unknown): string {
  if (typeof value !== 'string' || !isIsoDate(value)) {
    throw badUserInput(argument, `must be a calendar date like "2025-06-14"; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A range whose bounds may each be absent; when both are given, `to` may not precede `from`. */
export function requireOrderedRange(
  range: { from?: string | null; to?: string | null },
  toArgument: string,
): void {
  // ISO dates compare correctly as strings.
  if (range.from && range.to && range.from > range.to) {
    throw badUserInput(toArgument, `must not be before "from" (${range.from}); got ${range.to}`);
  }
}
