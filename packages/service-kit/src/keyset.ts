import { and, asc, count, desc, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './database.js';
import { isUuid } from './ids.js';
import { notACursor, readPageArgs, toConnection, type Connection, type PageArgs, type PageRequest } from './pagination.js';
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

/**
 * One part of a list's sort key: the column, its SQL type (the cursor's text is cast
 * back to it), what that part of a cursor must look like, and the row's value of it.
 */
export interface KeyPart<Row> {
  column: SQLWrapper;
  /** `date`, `timestamptz`, `uuid`, `text`, `bigint`, an enum's qualified name … */
  type: SQL;
  check: CursorPartCheck;
  /** The row's value of this part, as the cursor carries it (text). */
  of: (row: Row) => string;
}

/**
 * How a list is ordered: a unique sort key (the last part, usually the id, breaks ties)
 * and one direction for all of its parts — the only orders a single row comparison
 * continues after, so the list's index on the key answers every page. Serves
 * newest-first lists (`desc` on a date and the id), alphabetical ones (`asc` on a text
 * key) and sequences (`asc` on a bigint) alike.
 */
export interface KeysetOrder<Row> {
  direction: 'asc' | 'desc';
  key: readonly KeyPart<Row>[];
}

/** A part of a sort key (see KeyPart). */
export function keyPart<Row>(column: SQLWrapper, type: SQL, check: CursorPartCheck, of: (row: Row) => string): KeyPart<Row> {
  return { column, type, check, of };
}

/** The usual tie-breaker: the row's uuid `id`. */
export function idPart<Row extends { id: string }>(column: SQLWrapper): KeyPart<Row> {
  return keyPart<Row>(column, sql`uuid`, isUuid, (row) => row.id);
}

/** Any text: every string is a value SQL can compare, so nothing to refuse. */
export const anyText: CursorPartCheck = () => true;

/** A whole number as text (e.g. a `bigint` sequence). */
export const isWholeNumber: CursorPartCheck = (part) => /^(0|[1-9][0-9]{0,18})$/.test(part);

/** Rows strictly after the cursor's `values` in `order`, as one row comparison. */
export function afterKey<Row>(order: KeysetOrder<Row>, values: readonly string[]): SQL {
  const columns = sql.join(order.key.map((part) => sql`${part.column}`), sql`, `);
  const cursor = sql.join(order.key.map((part, index) => sql`${values[index]}::${part.type}`), sql`, `);
  return order.direction === 'asc' ? sql`(${columns}) > (${cursor})` : sql`(${columns}) < (${cursor})`;
}

/** What a list's query needs for one page: the condition after the cursor, the order, the limit. */
export interface KeysetPage {
  /** Undefined on the first page. */
  after: SQL | undefined;
  orderBy: SQL[];
  /** One row more than asked, to tell whether a next page exists. */
  limit: number;
}

/**
 * One page of any keyset list as a connection: reads `first`/`after` (a cursor's every
 * part checked before it reaches SQL), asks `fetch` for the page, and counts — with
 * the same filters — only when `totalCount` is selected.
 */
export async function keysetConnection<Row>(
  args: PageArgs,
  order: KeysetOrder<Row>,
  fetch: (page: KeysetPage) => Promise<Row[]>,
  count: () => Promise<number>,
): Promise<Connection<Row>> {
  const page = readPageArgs(args, order.key.length);
  const values = readCursorParts(page, order.key.map((part) => part.check));
  const rows = await fetch({
    after: values ? afterKey(order, values) : undefined,
    orderBy: order.key.map((part) => (order.direction === 'asc' ? asc(part.column) : desc(part.column))),
    limit: page.size + 1,
  });
  return toConnection(rows, page, (row) => order.key.map((part) => part.of(row)), count);
}

/** The common case: one table's rows matching `where`, in `order`. */
export function tableConnection<Table extends PgTable>(
  db: Db,
  table: Table,
  order: KeysetOrder<Table['$inferSelect']>,
  where: SQL | undefined,
  args: PageArgs,
): Promise<Connection<Table['$inferSelect']>> {
  return keysetConnection(
    args,
    order,
    ({ after, orderBy, limit }) =>
      db
        .select()
        .from(table as PgTable)
        .where(and(where, after))
        .orderBy(...orderBy)
        .limit(limit) as Promise<Table['$inferSelect'][]>,
    async () => {
      const [row] = await db.select({ total: count() }).from(table as PgTable).where(where);
      return row?.total ?? 0;
    },
  );
}
