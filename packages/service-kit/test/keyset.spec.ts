import { PGlite } from '@electric-sql/pglite';
import { asc, desc, sql } from 'drizzle-orm';
import { bigint, date, PgDialect, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '../src/testing-suites.js';
import type { Db } from '../src/database.js';
import { syntheticId } from '../src/ids.js';
import {
  afterKey,
  anyText,
  idPart,
  isInstant,
  isOneOf,
  isWholeNumber,
  keyPart,
  readCursorParts,
  tableConnection,
  type CursorPartCheck,
  type KeyPart,
  type KeysetOrder,
} from '../src/keyset.js';
import { encodeCursor, type Connection, type CursorKey, type PageRequest } from '../src/pagination.js';
import { isIsoDate } from '../src/scalars.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';

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

const rows = pgTable('keyset_rows', {
  id: uuid('id').primaryKey(),
  day: date('day', { mode: 'string' }).notNull(),
  at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
  label: text('label').notNull(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
});
type Row = typeof rows.$inferSelect;

describe('afterKey', () => {
  it('is one row comparison, the cursor cast back to each part’s type, in the order’s direction', () => {
    const newest: KeysetOrder<Row> = { direction: 'desc', key: [keyPart(rows.day, sql`date`, isIsoDate, (row) => row.day), idPart(rows.id)] };
    expect(new PgDialect().sqlToQuery(afterKey(newest, ['2024-01-01', ID]))).toMatchObject({
      sql: '("keyset_rows"."day", "keyset_rows"."id") < ($1::date, $2::uuid)',
      params: ['2024-01-01', ID],
    });
    const byLabel: KeysetOrder<Row> = { direction: 'asc', key: [keyPart(rows.label, sql`text`, anyText, (row) => row.label)] };
    expect(new PgDialect().sqlToQuery(afterKey(byLabel, ['MR-00042']))).toMatchObject({
      sql: '("keyset_rows"."label") > ($1::text)',
      params: ['MR-00042'],
    });
  });
});

describeOnEachDatabase('keyset pages', (flavour) => {
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
    await db.execute(sql`create table keyset_rows (id uuid primary key, day date not null, at timestamptz not null, label text not null unique, seq bigint not null unique)`);
    // Three rows a day, two of them at the same instant, so pages break between rows of
    // equal sort value and the id has to settle the order.
    await db.insert(rows).values(
      Array.from({ length: ROWS }, (_, n) => {
        const day = `2024-01-${10 + Math.floor(n / 3)}`;
        // Labels sort otherwise than days (the number reversed), sequences run with gaps.
        return { id: syntheticId('keyset-row', n), day, at: `${day}T0${Math.min(n % 3, 1)}:00:00Z`, label: `L-${String(99 - n).padStart(3, '0')}`, seq: 10 * n + 7 };
      }),
    );
  });

  afterAll(async () => {
    await close?.();
    await testDatabase?.drop();
  });

  const newest = (part: KeyPart<Row>): KeysetOrder<Row> => ({ direction: 'desc', key: [part, idPart(rows.id)] });
  const byDay = newest(keyPart(rows.day, sql`date`, isIsoDate, (row) => row.day));
  const byInstant = newest(keyPart(rows.at, sql`timestamptz`, isInstant, (row) => row.at));
  const byLabel: KeysetOrder<Row> = { direction: 'asc', key: [keyPart(rows.label, sql`text`, anyText, (row) => row.label)] };
  /** The shape of the audit trail's cursor: an ascending bigint sequence, no tie-breaker needed. */
  const bySequence: KeysetOrder<Row> = { direction: 'asc', key: [keyPart(rows.seq, sql`bigint`, isWholeNumber, (row) => String(row.seq))] };

  /** The ids of every row, page by page of `first`, each page following the previous one's end cursor. */
  async function walk(order: KeysetOrder<Row>, first: number): Promise<string[]> {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const connection: Connection<Row> = await tableConnection(db, rows, order, undefined, { first, after });
      seen.push(...connection.edges.map((edge) => edge.node.id));
      expect(await connection.totalCount).toBe(ROWS);
      if (!connection.pageInfo.hasNextPage) return seen;
      after = connection.pageInfo.endCursor;
    }
  }

  async function allInOrder(order: KeysetOrder<Row>): Promise<string[]> {
    const direction = order.direction === 'asc' ? asc : desc;
    const all = await db.select({ id: rows.id }).from(rows).orderBy(...order.key.map((part) => direction(part.column as typeof rows.id)));
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

  it('serves an ascending text key (references, alphabetical lists)', async () => {
    const expected = await allInOrder(byLabel);
    expect(expected).not.toEqual(await allInOrder(byDay));
    expect(await walk(byLabel, 6)).toEqual(expected);
  });

  it('serves an ascending bigint sequence, and refuses a forged sequence cursor as a bad `after`', async () => {
    expect(await walk(bySequence, 7)).toEqual(await allInOrder(bySequence));
    const forged = encodeCursor(['7; drop table keyset_rows']);
    await expect(tableConnection(db, rows, bySequence, undefined, { first: 2, after: forged })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', argument: 'after' },
    });
    await expect(tableConnection(db, rows, byDay, undefined, { first: 2, after: encodeCursor(['2024-02-30', ID]) })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', argument: 'after' },
    });
  });
});
