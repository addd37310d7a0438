import { badUserInput, isIsoDate } from '@mission-graph/service-kit';

/** A reporting period; both days inclusive, ISO `YYYY-MM-DD`. */
export interface Period {
  from: string;
  to: string;
}

/** Argument names to blame, e.g. `from`/`to` or `filter.from`/`filter.to`. */
export interface PeriodArguments {
  from: string;
  to: string;
}

/**
 * Checks the bounds of a period that may be half-open (list filters). Values reach
 * here unparsed when they come in an entity representation (`_Any`), so the format
 * is checked too: a malformed date must never reach SQL.
 */
export function checkPeriodBounds(
  from: unknown,
  to: unknown,
  names: PeriodArguments,
): { from: string | undefined; to: string | undefined } {
  const checked = { from: checkDate(from, names.from), to: checkDate(to, names.to) };
  if (checked.from !== undefined && checked.to !== undefined && checked.from > checked.to) {
    throw badUserInput(names.to, `must not be before ${names.from} (${checked.from}); got ${checked.to}`);
  }
  return checked;
}

/** A closed period: both bounds required. */
export function checkPeriod(from: unknown, to: unknown, names: PeriodArguments = { from: 'from', to: 'to' }): Period {
  const checked = checkPeriodBounds(from, to, names);
  if (checked.from === undefined) throw badUserInput(names.from, 'is required');
  if (checked.to === undefined) throw badUserInput(names.to, 'is required');
  return { from: checked.from, to: checked.to };
}

/** The DataLoader key of a period: `from|to`. */
export function periodKey(period: Period): string {
  return `${period.from}|${period.to}`;
}

function checkDate(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !isIsoDate(value)) {
    throw badUserInput(name, `must be a calendar date like "2025-06-14"; got ${JSON.stringify(value)}`);
  }
  return value;
}
