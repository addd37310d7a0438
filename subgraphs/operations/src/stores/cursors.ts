import { badUserInput, isIsoDate, isUuid, type PageRequest } from '@mission-graph/service-kit';
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * Every list here is ordered `(sort value desc, id desc)`, and its cursor is that pair.
 * The kit decodes a cursor's shape; the value of each part is checked here, because
 * a forged cursor would otherwise reach SQL as a bad timestamp, date or uuid cast.
 */
export interface CursorPosition {
  value: string;
  id: string;
}

type PartCheck = (part: string) => boolean;

// PostgreSQL's own timestamptz text (what the cursor carries) or ISO-8601, with every
// field in range: JavaScript would roll 2024-02-30 over to March, PostgreSQL refuses it.
const INSTANT = /^(\d{4}-\d{2}-\d{2})[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-](0\d|1[0-5])(:?[0-5]\d)?)$/;
export const isInstant: PartCheck = (part) => {
  const day = INSTANT.exec(part)?.[1];
  return day !== undefined && isIsoDate(day);
};
export const isDay: PartCheck = isIsoDate;
export const isOneOf =
  (values: readonly string[]): PartCheck =>
  (part) =>
    values.includes(part);

/** Where the requested page starts, or null for the first page. */
export function readCursor(page: PageRequest, isSortValue: PartCheck): CursorPosition | null {
  if (page.after === null) return null;
  const [value, id] = page.after;
  if (typeof value !== 'string' || typeof id !== 'string' || !isSortValue(value) || !isUuid(id)) {
    throw badUserInput('after', 'not a cursor returned by this connection');
  }
  return { value, id };
}

/**
 * Rows beyond the cursor in `(value desc, id desc)` order, as one row comparison so
 * the `(value, id)` index serves it. `valueType` casts the cursor text back to the
 * column's type.
 */
export function beyondCursor(
  value: SQLWrapper,
  id: SQLWrapper,
  cursor: CursorPosition | null,
  valueType: SQL,
): SQL | undefined {
  return cursor ? sql`(${value}, ${id}) < (${cursor.value}::${valueType}, ${cursor.id}::uuid)` : undefined;
}
