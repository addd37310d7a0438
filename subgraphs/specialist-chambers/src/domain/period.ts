import { requireDate, requireOrderedRange } from './arguments.js';

/** A reporting period, both days inclusive, as the `MissionReport` key carries it. */
export interface Period {
  from: string;
  to: string;
}

/**
 * The period of a `MissionReport` representation. Representations arrive as `_Any`,
 * unchecked by the Date scalar, so each bound is checked here.
 */
export function requirePeriod(representation: { from?: unknown; to?: unknown }): Period {
  const period = { from: requireDate('from', representation.from), to: requireDate('to', representation.to) };
  requireOrderedRange(period, 'to');
  return period;
}

/** DataLoader key of a period; both bounds are ISO dates, which never contain `|`. */
export function periodKey(period: Period): string {
  return `${period.from}|${period.to}`;
}

export function periodOfKey(key: string): Period {
  const [from = '', to = ''] = key.split('|');
  return { from, to };
}
