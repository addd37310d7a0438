import { badUserInput, isIsoDate, isUuid, type PageRequest } from '@mission-graph/service-kit';
import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * Keyset pagination for lists ordered by a date, newest first, with the id breaking
 * ties: `order by <date> desc, id desc`. The cursor is `[date, id]` of the last row
 * seen, so the next page is every row whose pair sorts below it.
 */
export interface DateIdKey {
  date: string;
  id: string;
}

/**
 * The key to continue after. A cursor is opaque to clients but not tamper-proof, so
 * its parts are checked before they are cast in SQL.
 */
export function dateIdKeyAfter(page: PageRequest): DateIdKey | null {
  if (page.after === null) return null;
  const [date, id] = page.after;
  if (typeof date !== 'string' || !isIsoDate(date) || typeof id !== 'string' || !isUuid(id)) {
    throw badUserInput('after', 'not a cursor returned by this connection');
  }
  return { date, id };
}

/** Rows after `key` in `(date desc, id desc)` order; undefined (no condition) on the first page. */
export function rowsAfter(dateColumn: PgColumn, idColumn: PgColumn, key: DateIdKey | null): SQL | undefined {
  if (key === null) return undefined;
  return sql`(${dateColumn}, ${idColumn}) < (${key.date}::date, ${key.id}::uuid)`;
}
