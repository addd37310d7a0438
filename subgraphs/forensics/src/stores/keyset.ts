import { asc, desc, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import {
  badUserInput,
  isIsoDate,
  isUuid,
  readPageArgs,
  toConnection,
  type Connection,
  type CursorKey,
  type PageArgs,
} from '@mission-graph/service-kit';

/**
 * Keyset pagination shared by the stores. Every list orders by a unique key whose
 * columns all run in one direction, so "after the cursor" is one row comparison that
 * the list's index answers directly.
 */
export type KeyPart = 'date' | 'uuid' | 'text';

const partIsValid: Record<KeyPart, (value: string) => boolean> = {
  date: isIsoDate,
  uuid: isUuid,
  text: () => true,
};

/**
 * Checks each part of a decoded cursor before it reaches SQL: a tampered cursor is the
 * client's mistake (BAD_USER_INPUT on `after`), not a database error.
 */
function cursorValues(key: CursorKey, parts: readonly KeyPart[]): string[] {
  return parts.map((part, index) => {
    const value = key[index];
    if (typeof value !== 'string' || !partIsValid[part](value)) {
      throw badUserInput('after', 'not a cursor returned by this connection');
    }
    return value;
  });
}

/** Rows strictly after `values` in the order `columns` (all ascending or all descending). */
function afterKey(columns: readonly AnyColumn[], values: readonly string[], direction: 'asc' | 'desc'): SQL {
  const left = sql.join([...columns], sql`, `);
  const right = sql.join(values.map((value) => sql`${value}`), sql`, `);
  return direction === 'asc' ? sql`(${left}) > (${right})` : sql`(${left}) < (${right})`;
}

/** How one list is ordered: its unique sort key, read back from each row for the cursor. */
export interface KeysetOrder<Row> {
  columns: readonly AnyColumn[];
  /** What each key part must look like when it comes back in a cursor. */
  parts: readonly KeyPart[];
  direction: 'asc' | 'desc';
  keyOf: (row: Row) => string[];
}

/**
 * One page of a list: validates `first`/`after`, asks `fetch` for `size + 1` rows after
 * the cursor in `order`, and counts (with the same filters) only when `totalCount` is selected.
 */
export async function keysetPage<Row>(
  args: PageArgs,
  order: KeysetOrder<Row>,
  fetch: (after: SQL | undefined, orderBy: SQL[], limit: number) => Promise<Row[]>,
  count: () => Promise<number>,
): Promise<Connection<Row>> {
  const page = readPageArgs(args, order.columns.length);
  const after = page.after
    ? afterKey(order.columns, cursorValues(page.after, order.parts), order.direction)
    : undefined;
  const orderBy = order.columns.map((column) => (order.direction === 'asc' ? asc(column) : desc(column)));
  const rows = await fetch(after, orderBy, page.size + 1);
  // drizzle's $count builder runs its query on every `then`, and Apollo's instrumentation
  // calls `then` a second time: adopt it into a real promise so it runs once.
  return toConnection(rows, page, order.keyOf, async () => count());
}
