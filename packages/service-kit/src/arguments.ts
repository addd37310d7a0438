import { badUserInput } from './errors.js';
import { isUuid } from './ids.js';
import { isIsoDate } from './scalars.js';

/**
 * Checks on values that come from clients, run before they reach SQL. GraphQL's own
 * validation covers typed arguments, but not entity representations (`_Any`, plain
 * JSON that no scalar has parsed), and a value the database cannot cast would otherwise
 * surface as an internal error. Each check names the offending argument (dotted path
 * for input fields, e.g. `filter.to`) as the contract asks.
 */

/** A reporting period; both days inclusive, ISO `YYYY-MM-DD`. */
export interface Period {
  from: string;
  to: string;
}

/** A period whose bounds may each be open (list filters). */
export interface PeriodBounds {
  from: string | undefined;
  to: string | undefined;
}

/** Argument names to blame, e.g. `from`/`to` or `filter.from`/`filter.to`. */
export interface PeriodArguments {
  from: string;
  to: string;
}

const PERIOD_ARGUMENTS: PeriodArguments = { from: 'from', to: 'to' };
export const FILTER_PERIOD_ARGUMENTS: PeriodArguments = { from: 'filter.from', to: 'filter.to' };

/**
 * A client-supplied id; anything but a UUID is bad input naming `argument`. Returned
 * lower-cased, the form PostgreSQL gives back: DataLoaders match rows to keys by it.
 */
export function requireUuid(value: unknown, argument: string): string {
  if (typeof value !== 'string' || !isUuid(value)) {
    throw badUserInput(argument, `must be a UUID; got ${JSON.stringify(value)}`);
  }
  return value.toLowerCase();
}

/** A client-supplied calendar date (`YYYY-MM-DD`); impossible dates are refused, not rolled over. */
export function requireDate(value: unknown, argument: string): string {
  if (typeof value !== 'string' || !isIsoDate(value)) {
    throw badUserInput(argument, `must be a calendar date like "2025-06-14"; got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Checks the bounds of a period that may be half-open (list filters): each given bound
 * is a calendar date, and `to` does not precede `from`. The format is checked even
 * where the Date scalar has already parsed the value, so the same check serves
 * representations, whose values arrive unparsed: a malformed date must never reach SQL.
 */
export function checkPeriodBounds(from: unknown, to: unknown, names: PeriodArguments): PeriodBounds {
  const checked = { from: optionalDate(from, names.from), to: optionalDate(to, names.to) };
  // ISO calendar dates order lexically, so string comparison is date comparison.
  if (checked.from !== undefined && checked.to !== undefined && checked.from > checked.to) {
    throw badUserInput(names.to, `must not be before ${names.from} (${checked.from}); got ${checked.to}`);
  }
  return checked;
}

/** A closed period: both bounds required, e.g. the key of a `MissionReport` representation. */
export function checkPeriod(from: unknown, to: unknown, names: PeriodArguments = PERIOD_ARGUMENTS): Period {
  const checked = checkPeriodBounds(from, to, names);
  if (checked.from === undefined) throw badUserInput(names.from, 'is required');
  if (checked.to === undefined) throw badUserInput(names.to, 'is required');
  return { from: checked.from, to: checked.to };
}

/** The DataLoader key of a period, `from|to`; ISO dates never contain `|`. */
export function periodKey(period: Period): string {
  return `${period.from}|${period.to}`;
}

/** The period of a key made by `periodKey`. */
export function periodOfKey(key: string): Period {
  const [from = '', to = ''] = key.split('|');
  return { from, to };
}

function optionalDate(value: unknown, argument: string): string | undefined {
  return value === undefined || value === null ? undefined : requireDate(value, argument);
}
