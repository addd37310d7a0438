/**
 * The one idempotency mechanism of the kit (`recordOnce`), on real databases: a client
 * that retries, one that reuses a key for something else, two clients with one key, a
 * recording that fails, and concurrent calls (the races on PostgreSQL, where
 * transactions really run side by side; PGlite runs one at a time).
 */
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { count, eq, sql } from 'drizzle-orm';
import { pgSchema, text, uuid } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '../src/testing-suites.js';
import type { Db } from '../src/database.js';
import { rethrowAsTypedError } from '../src/database-errors.js';
import { conflict } from '../src/errors.js';
import {
  idempotencyKeysTable,
  idempotentCall,
  payloadHash,
  readIdempotencyKey,
  recordOnce,
  type IdempotentCall,
  type Recording,
} from '../src/idempotency.js';
import { createTestDatabase, type TestDatabase } from '../src/testing.js';

const schema = pgSchema('idempotency_test');
const notes = schema.table('notes', { id: uuid('id').primaryKey(), body: text('body').notNull().unique('notes_body_unique') });
const keys = idempotencyKeysTable(schema);

const DDL = [
  'create schema idempotency_test',
  'create table idempotency_test.notes (id uuid primary key, body text not null constraint notes_body_unique unique)',
  `create table idempotency_test.idempotency_keys (client text not null, key text not null, operation text not null,
     payload_hash text not null, result_id text not null, created_at timestamptz not null default now(),
     constraint idempotency_keys_pk primary key (client, key))`,
];

type Note = typeof notes.$inferSelect;
const call = (key: string, body: string, client = 'client-a', operation = 'recordNote'): IdempotentCall => ({
  client,
  key,
  operation,
  payloadHash: payloadHash({ body }),
});

/** Writing a note, as a store would: its own transaction (a savepoint under the key's). */
const noteRecording = (db: Db, body: string, during?: () => Promise<void>): Recording<Note> => ({
  record: async (tx) => {
    try {
      return await tx.transaction(async (inner) => {
        const [row] = await inner.insert(notes).values({ id: randomUUID(), body }).returning();
        await during?.();
        return { id: row!.id, result: row! };
      });
    } catch (error) {
      return rethrowAsTypedError(error, { notes_body_unique: () => conflict('a note with this body exists', { reason: 'DUPLICATE' }) });
    }
  },
  replay: async (id) => {
    const [row] = await db.select().from(notes).where(eq(notes.id, id));
    return row!;
  },
});

describe('payloadHash and readIdempotencyKey', () => {
  it('hashes a canonical form: key order and absent-vs-null do not matter, content does', () => {
    const a = payloadHash({ body: 'x', tags: ['b', 'a'], nested: { z: 1, y: null } });
    expect(payloadHash({ nested: { y: undefined, z: 1 }, tags: ['b', 'a'], body: 'x' })).toBe(a);
    expect(payloadHash({ body: 'x', tags: ['a', 'b'], nested: { z: 1 } })).not.toBe(a);
    expect(payloadHash({ body: 'y', tags: ['b', 'a'], nested: { z: 1 } })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts 8–128 characters of letters, digits, . _ : - and names the argument otherwise', () => {
    expect(readIdempotencyKey(undefined)).toBeNull();
    expect(readIdempotencyKey(null)).toBeNull();
    expect(readIdempotencyKey('order-2027-0001')).toBe('order-2027-0001');
    expect(readIdempotencyKey(randomUUID())).toMatch(/-/);
    for (const bad of ['short', 'has spaces in it', 'x'.repeat(129), 'semi;colon-1234', 42]) {
      expect(() => readIdempotencyKey(bad)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argument: 'idempotencyKey' } }));
    }
  });

  it('scopes a call to (client, subject): the calling app and the person behind the token', () => {
    const caller = { authenticated: true, scopes: new Set<string>() };
    const scope = (who: Partial<typeof caller> & { clientId?: string; subject?: string }) =>
      idempotentCall('recordNote', 'key-00000001', { ...caller, ...who }, {})?.client;
    expect(scope({ clientId: 'machine-1', subject: 'user-1' })).toBe('["machine-1","user-1"]');
    expect(scope({ subject: 'user-1' })).toBe('[null,"user-1"]');
    expect(scope({ clientId: 'machine-1' })).toBe('["machine-1",null]');
    expect(idempotentCall('recordNote', null, caller, {})).toBeNull();
  });

  it('two people using the same client app never share an idempotency key', () => {
    const caller = { authenticated: true, scopes: new Set<string>(), clientId: 'mission-explorer' };
    const a = idempotentCall('recordNote', 'incident-2025-0001', { ...caller, subject: 'analyst-a' }, {})!;
    const b = idempotentCall('recordNote', 'incident-2025-0001', { ...caller, subject: 'analyst-b' }, {})!;
    expect(a.client).not.toBe(b.client);
    // Ids chosen to collide under a naive join ("a|b" + "c" vs "a" + "b|c") still differ.
    const joinedA = idempotentCall('recordNote', 'incident-2025-0001', { ...caller, clientId: 'app|x', subject: 'y' }, {})!;
    const joinedB = idempotentCall('recordNote', 'incident-2025-0001', { ...caller, clientId: 'app', subject: 'x|y' }, {})!;
    expect(joinedA.client).not.toBe(joinedB.client);
  });
});

describeOnEachDatabase('recordOnce', (flavour) => {
  let db: Db;
  let testDatabase: TestDatabase | undefined;
  let close: () => Promise<unknown>;
  /** A second, independent connection: another replica answering the same client. */
  let other: Db | undefined;

  beforeAll(async () => {
    if (flavour === 'postgres') {
      testDatabase = await createTestDatabase();
      const client = postgres(testDatabase.url!, { max: 5, onnotice: () => {} });
      for (const statement of DDL) await client.unsafe(statement);
      db = drizzlePostgres(client) as unknown as Db;
      const second = postgres(testDatabase.url!, { max: 1, onnotice: () => {} });
      other = drizzlePostgres(second) as unknown as Db;
      close = async () => {
        await client.end();
        await second.end();
        await testDatabase?.drop();
      };
    } else {
      const client = new PGlite();
      for (const statement of DDL) await client.exec(statement);
      db = drizzlePglite(client) as unknown as Db;
      close = () => client.close();
    }
  });
  afterAll(async () => {
    await close?.();
  });

  const noteCount = async () => (await db.select({ n: count() }).from(notes))[0]!.n;
  const record = (key: string | null, body: string, client?: string, operation?: string) =>
    recordOnce(db, keys, key === null ? null : call(key, body, client, operation), noteRecording(db, body));
  const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: { extensions?: Record<string, unknown> }) => error.extensions);

  it('records every call without a key', async () => {
    const before = await noteCount();
    await record(null, `no key ${randomUUID()}`);
    await record(null, `no key ${randomUUID()}`);
    expect(await noteCount()).toBe(before + 2);
  });

  it('answers a retry with the same key and payload with the first result, recording nothing', async () => {
    const key = `retry-${randomUUID()}`;
    const first = await record(key, 'retried note');
    const before = await noteCount();
    expect(await record(key, 'retried note')).toEqual(first);
    expect(await noteCount()).toBe(before);
  });

  it('refuses the key with another payload, or for another operation, with CONFLICT naming what it recorded', async () => {
    const key = `reuse-${randomUUID()}`;
    const first = await record(key, `first ${key}`);
    const before = await noteCount();
    expect(await errorOf(record(key, `second ${key}`))).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED', recordedId: first.id });
    expect(await errorOf(record(key, `first ${key}`, 'client-a', 'recordSomethingElse'))).toMatchObject({ code: 'CONFLICT' });
    expect(await noteCount()).toBe(before);
  });

  it('keeps two people of one client app apart: one key, two subjects, two records, no CONFLICT naming the other’s record', async () => {
    const key = `same-app-${randomUUID()}`;
    const person = (subject: string): IdempotentCall =>
      idempotentCall('recordNote', key, { authenticated: true, scopes: new Set(), clientId: 'mission-explorer', subject }, { body: `same app ${key}` })!;
    const first = await recordOnce(db, keys, person('analyst-a'), noteRecording(db, `analyst a ${key}`));
    const second = await recordOnce(db, keys, person('analyst-b'), noteRecording(db, `analyst b ${key}`));
    expect(second.id).not.toBe(first.id);
    expect(second.body).toBe(`analyst b ${key}`);
  });

  it('keeps clients apart: one key, two clients, two records', async () => {
    const key = `shared-${randomUUID()}`;
    const one = await record(key, `client one ${key}`, 'client-one');
    const two = await record(key, `client two ${key}`, 'client-two');
    expect(one.id).not.toBe(two.id);
  });

  it('leaves no key behind when the recording fails, so a corrected retry records', async () => {
    const key = `failing-${randomUUID()}`;
    const taken = `taken ${key}`;
    await record(null, taken);
    expect(await errorOf(record(key, taken))).toMatchObject({ code: 'CONFLICT', reason: 'DUPLICATE' });
    expect(await db.select().from(keys).where(eq(keys.key, key))).toEqual([]);
    expect((await record(key, `corrected ${key}`)).body).toBe(`corrected ${key}`);
  });

  it('records once for ten concurrent calls with one key, every answer the same', async () => {
    const key = `concurrent-${randomUUID()}`;
    const before = await noteCount();
    const answers = await Promise.all(Array.from({ length: 10 }, () => record(key, `concurrent ${key}`)));
    expect(new Set(answers.map((answer) => answer.id)).size).toBe(1);
    expect(await noteCount()).toBe(before + 1);
  });

  // These two need two connections side by side: PostgreSQL only (PGlite has one).
  it.skipIf(flavour !== 'postgres')('rolls a recording back whole when another replica claims its key meanwhile, and answers the winner', async () => {
    const key = `race-${randomUUID()}`;
    const body = `race ${key}`;
    const before = await noteCount();
    // This call's first look finds no key; while it records, another replica records the
    // same call and commits first. This call must meet the key, roll back and answer it.
    let winner: Note | undefined;
    const loser = recordOnce(db, keys, call(key, body), noteRecording(db, body, async () => {
      winner = await recordOnce(other!, keys, call(key, body), noteRecording(other!, `${body} (winner)`));
    }));
    expect((await loser).id).toBe(winner!.id);
    expect(await noteCount()).toBe(before + 1);
    // With a different payload, the loser gets CONFLICT and leaves nothing.
    const key2 = `race-${randomUUID()}`;
    const afterFirst = await noteCount();
    const conflicting = recordOnce(db, keys, call(key2, 'mine'), noteRecording(db, `mine ${key2}`, async () => {
      await recordOnce(other!, keys, call(key2, 'theirs'), noteRecording(other!, `theirs ${key2}`));
    }));
    expect(await errorOf(conflicting)).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await noteCount()).toBe(afterFirst + 1);
    expect(await db.select().from(notes).where(eq(notes.body, `mine ${key2}`))).toEqual([]);
  });

  it.skipIf(flavour !== 'postgres')('answers the winner when a concurrent retry fails on the record itself (a natural key already taken)', async () => {
    const key = `natural-${randomUUID()}`;
    const body = `natural ${key}`;
    // The other replica records the same body under the same key first; this one's
    // insert then meets the body's UNIQUE constraint — not an error for the client.
    const answer = await recordOnce(db, keys, call(key, body), {
      ...noteRecording(db, body),
      record: async (tx) => {
        await recordOnce(other!, keys, call(key, body), noteRecording(other!, body));
        return noteRecording(db, body).record(tx);
      },
    });
    expect(answer.body).toBe(body);
    expect(await db.select({ n: sql<number>`count(*)::int` }).from(notes).where(eq(notes.body, body))).toEqual([{ n: 1 }]);
  });
});
