/**
 * The same bound on embedded PGlite, which ignores `statement_timeout`: a request past
 * its bound, or whose client has gone, cannot start another statement (in or out of a
 * transaction); start-up work outside any request is not bound.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/database.js';
import { requestBounds } from '../src/request-bound.js';

describe('request bound on PGlite', () => {
  const migrations = mkdtempSync(path.join(tmpdir(), 'mission-graph-migrations-'));
  let database: Database<Record<string, never>>;
  beforeAll(async () => {
    mkdirSync(path.join(migrations, 'meta'));
    writeFileSync(path.join(migrations, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries: [] }));
    database = await openDatabase({ service: 'bound-test', pgSchema: 'bound_test', schema: {}, migrationsFolder: migrations, statementTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await database?.close();
    rmSync(migrations, { recursive: true, force: true });
  });

  const within = (startedAt: number, aborted = false) => {
    const controller = new AbortController();
    if (aborted) controller.abort();
    return <T>(run: () => Promise<T>) => requestBounds.run({ startedAt, signal: controller.signal }, run);
  };

  it('a request within its bound runs its statements; outside any request nothing is bound', async () => {
    expect(await within(Date.now())(() => database.rows(sql`select 1 as one`))).toEqual([{ one: 1 }]);
    expect(await database.rows(sql`select 2 as two`)).toEqual([{ two: 2 }]);
  });

  it('a request past its bound cannot start another statement, nor a transaction', async () => {
    const late = within(Date.now() - 5000);
    await expect(late(() => database.rows(sql`select 1`))).rejects.toMatchObject({ cause: { code: '57014' } });
    await expect(late(() => database.db.transaction(async (tx) => tx.execute(sql`select 1`)))).rejects.toMatchObject({ code: '57014' });
  });

  it('a request whose client disconnected stops at its next statement, inside a transaction too', async () => {
    await expect(within(Date.now(), true)(() => database.rows(sql`select 1`))).rejects.toMatchObject({ cause: { code: '57014' } });
    const controller = new AbortController();
    const outcome = requestBounds.run({ startedAt: Date.now(), signal: controller.signal }, () =>
      database.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        controller.abort(); // the client goes while the transaction runs
        await tx.execute(sql`select 2`);
      }),
    );
    await expect(outcome).rejects.toMatchObject({ cause: { code: '57014' } });
  });
});
