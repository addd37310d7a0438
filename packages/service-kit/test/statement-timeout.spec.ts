/**
 * Every request's statements are bounded on PostgreSQL (`statement_timeout` on each
 * pooled connection): a statement running past the bound is cancelled by the server
 * (SQLSTATE 57014), and the connection serves the next statement. Runs when
 * TEST_DATABASE_URL is set.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/database.js';
import { createTestDatabase } from '../src/testing.js';

describe.runIf(process.env.TEST_DATABASE_URL)('statement timeout on PostgreSQL', () => {
  const migrations = mkdtempSync(path.join(tmpdir(), 'mission-graph-migrations-'));
  mkdirSync(path.join(migrations, 'meta'));
  writeFileSync(path.join(migrations, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries: [] }));
  afterAll(() => rmSync(migrations, { recursive: true, force: true }));

  it('cancels a statement past the bound and keeps the pool usable', async () => {
    const test = await createTestDatabase();
    const database = await openDatabase({
      service: 'timeout-test',
      pgSchema: 'timeout_test',
      schema: {},
      migrationsFolder: migrations,
      databaseUrl: test.url,
      statementTimeoutMs: 200,
    });
    try {
      await expect(database.rows(sql`select pg_sleep(5)`)).rejects.toMatchObject({ cause: { code: '57014' } });
      expect(await database.rows(sql`select 1 as one`)).toEqual([{ one: 1 }]);
      // A transaction that must run longer raises its own bound.
      const slow = await database.db.transaction(async (tx) => {
        await tx.execute(sql`set local statement_timeout = 0`);
        return tx.execute(sql`select pg_sleep(0.3) is not null as slept`);
      });
      expect(JSON.stringify(slow)).toContain('true');
    } finally {
      await database.close();
      await test.drop();
    }
  });
});
