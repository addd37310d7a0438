import { PGlite } from '@electric-sql/pglite';
import { desc, sql, type SQL } from 'drizzle-orm';
import { date, PgDialect, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/database.js';
import { syntheticId } from '../src/ids.js';
import {
  afterKeysetCursor,
  isInstant,
  isOneOf,
  readCursorParts,
  readKeysetCursor,
  type CursorPartCheck,
} from '../src/keyset.js';
import { readPageArgs, toConnection, type CursorKey, type PageRequest } from '../src/pagination.js';
import { isIsoDate } from '../src/scalars.js';
import { createTestDatabase, databaseFlavours, type TestDatabase } from '../src/testing.js';

const pageAfter = (after: CursorKey | null): PageRequest => ({ size: 10, after });
const ID = '8d6f1a52-3c1e-5b7a-9f0e-2a4b6c8d0e1f';

/** The code and argument of the error `run` throws. */
function errorOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    const extensions = (error as { extensions?: Record<string, unknown> }).extensions;
    return { code: extensions?.code, argument: extensions?.argument };
  }
  throw new Error('expected a GraphQL error');
}

const notACursor = { code: 'BAD_USER_INPUT', argument: 'after' };

describe('cursor part checks', () => {
  it('recognises the instants a cursor may carry, and nothing PostgreSQL would refuse', () => {
    expect(isInstant('2024-01-01 08:00:00+00')).toBe(true);
    expect(isInstant('2024-01-01 08:00:00.123456+00')).toBe(true);
    expect(isInstant('2024-01-01T03:00:00-05:30')).toBe(true);
    expect(isInstant('2024-01-01T03:00:00Z')).toBe(true);
    expect(isInstant('2024-02-30 10:00:00+00')).toBe(false);
    expect(isInstant('2024-01-01 24:00:00+00')).toBe(false);
    expect(isInstant('2024-01-01')).toBe(false);
    expect(isInstant('1')).toBe(false);
  });

  it('recognises the values of an enum', () => {
    const isRank = isOneOf(['COMMANDER', 'OFFICER']);
    expect(isRank('OFFICER')).toBe(true);
    expect(isRank('officer')).toBe(false);
  });
});

describe('readCursorParts', () => {
  const checks: CursorPartCheck[] = [isIsoDate, () => true];

  it('is null on the first page', () => {
    expect(readCursorParts(pageAfter(null), checks)).toBeNull();
  });

  it('gives the parts once each passes its check', () => {
    expect(readCursorParts(pageAfter(['2024-01-01', 'anything']), checks)).toEqual(['2024-01-01', 'anything']);
  });

  it('refuses a part that fails its check, or is not text, as a bad `after`', () => {
    expect(errorOf(() => readCursorParts(pageAfter(['2024-02-30', 'x']), checks))).toEqual(notACursor);
    expect(errorOf(() => readCursorParts(pageAfter([20240101, 'x']), checks))).toEqual(notACursor);
  });
});

describe('readKeysetCursor', () => {
  it('reads a `[sort value, id]` cursor', () => {
    expect(readKeysetCursor(pageAfter(null), isIsoDate)).toBeNull();
    expect(readKeysetCursor(pageAfter(['2024-01-01', ID]), isIsoDate)).toEqual({ value: '2024-01-01', id: ID });
    expect(readKeysetCursor(pageAfter(['2024-01-01 08:00:00+00', ID]), isInstant)).toEqual({
      value: '2024-01-01 08:00:00+00',
      id: ID,
    });
  });

  it('refuses a forged cursor before SQL could fail to cast it', () => {
    expect(errorOf(() => readKeysetCursor(pageAfter(['yesterday', ID]), isIsoDate))).toEqual(notACursor);
    expect(errorOf(() => readKeysetCursor(pageAfter(['2024-01-01', 'x']), isIsoDate))).toEqual(notACursor);
    expect(errorOf(() => readKeysetCursor(pageAfter(['2024-01-01 08:00:00+00', ID]), isIsoDate))).toEqual(notACursor);
  });
});

const rows = pgTable('keyset_rows', {
  id: uuid('id').primaryKey(),
  day: date('day', { mode: 'string' }).notNull(),
  at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
});

describe('afterKeysetCursor', () => {
  it('adds no condition on the first page', () => {
    expect(afterKeysetCursor(rows.day, rows.id, null, sql`date`)).toBeUndefined();
  });

  it('is one row comparison, the cursor cast back to the columns’ types', () => {
    const condition = afterKeysetCursor(rows.day, rows.id, { value: '2024-01-01', id: ID }, sql`date`);
    expect(new PgDialect().sqlToQuery(condition!)).toMatchObject({
      sql: '("keyset_rows"."day", "keyset_rows"."id") < ($1::date, $2::uuid)',
      params: ['2024-01-01', ID],
    });
  });
});

describe.each(databaseFlavours)('keyset pages on %s', (flavour) => {
  const ROWS = 23;
  let db: Db;
  let close: () => Promise<void>;
  let testDatabase: TestDatabase | undefined;

  beforeAll(async () => {
    if (flavour === 'postgres') {
      testDatabase = await createTestDatabase();
      const client = postgres(testDatabase.url!, { max: 1, onnotice: () => {} });
      db = drizzlePostgres(client);
      close = () => client.end();
    } else {
      const client = new PGlite();
      db = drizzlePglite(client);
      close = () => client.close();
    }
    await db.execute(sql`create table keyset_rows (id uuid primary key, day date not null, at timestamptz not null)`);
    // Three rows a day, two of them at the same instant, so pages break between rows of
    // equal sort value and the id has to settle the order.
    await db.insert(rows).values(
      Array.from({ length: ROWS }, (_, n) => {
        const day = `2024-01-${10 + Math.floor(n / 3)}`;
        return { id: syntheticId('keyset-row', n), day, at: `${day}T0${Math.min(n % 3, 1)}:00:00Z` };
      }),
    );
  });

  afterAll(async () => {
    await close?.();
    await testDatabase?.drop();
  });

  type Row = typeof rows.$inferSelect;
  interface SortKey {
    column: typeof rows.day | typeof rows.at;
    type: SQL;
    isValue: CursorPartCheck;
    of: (row: Row) => string;
  }
  const byDay: SortKey = { column: rows.day, type: sql`date`, isValue: isIsoDate, of: (row) => row.day };
  const byInstant: SortKey = { column: rows.at, type: sql`timestamptz`, isValue: isInstant, of: (row) => row.at };

  /** The ids of every row, page by page of `first`, each page following the previous one's end cursor. */
  async function walk(sort: SortKey, first: number): Promise<string[]> {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = readPageArgs({ first, after }, 2);
      const fetched = await db
        .select()
        .from(rows)
        .where(afterKeysetCursor(sort.column, rows.id, readKeysetCursor(page, sort.isValue), sort.type))
        .orderBy(desc(sort.column), desc(rows.id))
        .limit(page.size + 1);
      const connection = toConnection(fetched, page, (row) => [sort.of(row), row.id], async () => fetched.length);
      seen.push(...connection.edges.map((edge) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) return seen;
      after = connection.pageInfo.endCursor;
    }
  }

  async function allInOrder(sort: SortKey): Promise<string[]> {
    const all = await db.select({ id: rows.id }).from(rows).orderBy(desc(sort.column), desc(rows.id));
    return all.map((row) => row.id);
  }

  it('visits every row once, newest first, across pages that split a day (date sort key)', async () => {
    const expected = await allInOrder(byDay);
    expect(expected).toHaveLength(ROWS);
    expect(await walk(byDay, 4)).toEqual(expected);
  });

  it('does the same for a timestamptz sort key, whose cursor carries the driver’s own text', async () => {
    expect(await walk(byInstant, 5)).toEqual(await allInOrder(byInstant));
  });
});
