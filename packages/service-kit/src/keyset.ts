import { and, count, desc, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './database.js';
import { isUuid } from './ids.js';
import {
  notACursor,
  readPageArgs,
  toConnection,
  type Connection,
  type CursorKey,
  type PageArgs,
  type PageRequest,
} from './pagination.js';
import { isIsoDate } from './scalars.js';

/**
 * The SQL side of keyset pagination. `decodeCursor` checks a cursor's shape; the value
 * of each part is checked here, because a cursor is opaque to clients but not
 * tamper-proof, and a forged part would otherwise reach SQL as a bad date, timestamp or
 * uuid cast: an internal error instead of BAD_USER_INPUT on `after`.
 */

/** What one part of a cursor must look like. */
export type CursorPartCheck = (part: string) => boolean;

// PostgreSQL's own timestamptz text (what the cursor carries) or ISO-8601, with every
// field in range: JavaScript would roll 2024-02-30 over to March, PostgreSQL refuses it.
const INSTANT = /^(\d{4}-\d{2}-\d{2})[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-](0\d|1[0-5])(:?[0-5]\d)?)$/;

/** A `timestamp with time zone` sort value. */
export const isInstant: CursorPartCheck = (part) => {
  const day = INSTANT.exec(part)?.[1];
  return day !== undefined && isIsoDate(day);
};

/** An enum sort value. */
export const isOneOf =
  (values: readonly string[]): CursorPartCheck =>
  (part) =>
    values.includes(part);

/**
 * The parts of the cursor a page continues after, each checked by the check at its
 * position; null on the first page.
 */
export function readCursorParts<const Checks extends readonly CursorPartCheck[]>(
  page: PageRequest,
  checks: Checks,
): { -readonly [Index in keyof Checks]: string } | null {
  const key = page.after;
  if (key === null) return null;
  const parts = checks.map((check, index) => {
    const part = key[index];
    if (typeof part !== 'string' || !check(part)) throw notACursor();
    return part;
  });
  return parts as { -readonly [Index in keyof Checks]: string };
}

/** Where a list ordered `(sort value desc, id desc)` continues: its last row's pair. */
export interface KeysetCursor {
  value: string;
  id: string;
}

/**
 * The `[sort value, id]` cursor of a list ordered `(sort value desc, id desc)`, e.g.
 * `[requestDate, id]`; `isSortValue` is `isIsoDate`, `isInstant`, … Null on the first page.
 */
export function readKeysetCursor(page: PageRequest, isSortValue: CursorPartCheck): KeysetCursor | null {
  const parts = readCursorParts(page, [isSortValue, isUuid]);
  return parts && { value: parts[0], id: parts[1] };
}

/**
 * Rows after `cursor` in `(sortColumn desc, idColumn desc)` order, as one row comparison
 * so the `(sortColumn, id)` index serves it; undefined (no condition) on the first page.
 * `sortType` casts the cursor's text back to the column's type (`date`, `timestamptz`,
 * an enum).
 */
export function afterKeysetCursor(
  sortColumn: SQLWrapper,
  idColumn: SQLWrapper,
  cursor: KeysetCursor | null,
  sortType: SQL,
): SQL | undefined {
  return cursor ? sql`(${sortColumn}, ${idColumn}) < (${cursor.value}::${sortType}, ${cursor.id}::uuid)` : undefined;
}

/** How a newest-first list is ordered: a sort column, its id tie-breaker, and the cursor they make. */
export interface NewestFirstOrder<Row> {
  sortColumn: PgColumn;
  idColumn: PgColumn;
  /** The sort column's SQL type, to cast the cursor's text back (`date`, `timestamptz`, an enum). */
  sortType: SQL;
  /** What the cursor's sort part must look like. */
  isSortValue: CursorPartCheck;
  /** The row's `[sort value, id]`, the cursor of its edge. */
  keyOf: (row: Row) => CursorKey;
}

/**
 * One page of a newest-first `(sort desc, id desc)` list as a connection: the keyset
 * query (one row more than asked, to know whether a next page exists) and, only when
 * `totalCount` is selected, the count under the same filter.
 */
export async function newestFirstConnection<Table extends PgTable>(
  db: Db,
  table: Table,
  order: NewestFirstOrder<Table['$inferSelect']>,
  where: SQL | undefined,
  args: PageArgs,
): Promise<Connection<Table['$inferSelect']>> {
  const page = readPageArgs(args, 2);
  const cursor = readKeysetCursor(page, order.isSortValue);
  const rows = (await db
    .select()
    .from(table as PgTable)
    .where(and(where, afterKeysetCursor(order.sortColumn, order.idColumn, cursor, order.sortType)))
    .orderBy(desc(order.sortColumn), desc(order.idColumn))
    .limit(page.size + 1)) as Table['$inferSelect'][];
  return toConnection(rows, page, order.keyOf, async () => {
    const [row] = await db.select({ total: count() }).from(table as PgTable).where(where);
    return row?.total ?? 0;
  });
}
