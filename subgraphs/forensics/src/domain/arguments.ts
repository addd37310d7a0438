import { badUserInput, isUuid } from '@mission-graph/service-kit';

/**
 * Checks of client arguments that SQL would otherwise reject with a raw error. Each
 * names the offending argument (dotted path for input fields) as the contract asks.
 */

/** A UUID from a client, lower-cased so it matches the stored form and loader keys. */
export function readId(argument: string, value: string): string {
  if (!isUuid(value)) throw badUserInput(argument, `must be a UUID; got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

/** A date range whose `from` (inclusive) is not after its `to` (inclusive). */
export function checkDateRange(
  from: string | null | undefined,
  to: string | null | undefined,
  toArgument: string,
): void {
  if (from && to && from > to) {
    throw badUserInput(toArgument, `must not be before the start of the range (${from}); got ${to}`);
  }
}
