import { badUserInput } from '@mission-graph/service-kit';

/** Free text from a client, trimmed; blank is BAD_USER_INPUT naming `argument`. */
export function requireText(value: string, argument: string): string {
  const text = value.trim();
  if (text === '') throw badUserInput(argument, 'must not be blank');
  return text;
}

/**
 * Milliseconds of an instant, as the DateTime scalar gives it (ISO-8601) or as
 * PostgreSQL prints a timestamptz (`2026-11-06 19:00:00.5+00`, offset without minutes).
 */
export function epochOf(instant: string): number {
  const iso = instant.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  return Date.parse(iso);
}

/** `later` must not precede `earlier`; otherwise BAD_USER_INPUT naming `argument`. */
export function requireNotBefore(later: string, earlier: string, argument: string, what: string): string {
  if (epochOf(later) < epochOf(earlier)) {
    throw badUserInput(argument, `must not be before ${what} (${new Date(epochOf(earlier)).toISOString()}); got ${later}`);
  }
  return later;
}
