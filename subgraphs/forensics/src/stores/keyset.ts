import { asc, desc, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import {
  readCursorParts,
  readPageArgs,
  toConnection,
  type Connection,
  type CursorPartCheck,
  type PageArgs,
} from '@mission-graph/service-kit';

/**
 * Keyset pagination shared by the stores. Every list orders by a unique key whose
 * columns all run in one direction, so "after the cursor" is one row comparison that
 * the list's index answers directly.
 */

/** A text key part: any string is a value SQL can compare, so nothing to refuse. */
export const anyText: CursorPartCheck = () => true;

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
  parts: readonly CursorPartCheck[];
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
  const values = readCursorParts(page, order.parts);
  const after = values ? afterKey(order.columns, values, order.direction) : undefined;
  const orderBy = order.columns.map((column) => (order.direction === 'asc' ? asc(column) : desc(column)));
  const rows = await fetch(after, orderBy, page.size + 1);
  // drizzle's $count builder runs its query on every `then`, and Apollo's instrumentation
  // calls `then` a second time: adopt it into a real promise so it runs once.
  return toConnection(rows, page, order.keyOf, async () => count());
}
