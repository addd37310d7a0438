import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'drizzle-orm/logger';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { ConfigError } from './config.js';
import { instrumentPgliteClient, instrumentPostgresClient } from './database-instrumentation.js';
import type { Logger as ServiceLogger } from './logger.js';
import type { DatabaseGauges } from './metrics.js';
import { assertWithinRequestBound } from './request-bound.js';

/** One drizzle type for both drivers: resolvers and stores never know which. */
export type Db<TSchema extends Record<string, unknown> = Record<string, unknown>> = PgDatabase<
  PgQueryResultHKT,
  TSchema
>;

export interface DatabaseOptions<TSchema extends Record<string, unknown>> {
  /** Service name (log lines, lock names). */
  service: string;
  /** The Postgres schema that holds this service's tables and its migration journal. */
  pgSchema: string;
  /** The drizzle table definitions. */
  schema: TSchema;
  /** Folder of drizzle-kit generated SQL migrations. */
  migrationsFolder: string;
  /** PostgreSQL URL; without it the service runs on embedded PGlite. */
  databaseUrl?: string | undefined;
  /**
   * PostgreSQL URL migrations run with, when it differs from `databaseUrl`: the schema
   * owner, so the service itself can connect as a role with fewer rights (the audit
   * trail's runtime role may only INSERT and SELECT). Default: `databaseUrl`.
   */
  migrationUrl?: string | undefined;
  /** Apply migrations on open (default true); false for read-only tools on PostgreSQL. */
  migrate?: boolean;
  /**
   * Where the embedded database lives (`<dataDir>/pglite`, one database for every
   * service, each in its own Postgres schema); without it PGlite runs in memory (tests).
   */
  dataDir?: string | undefined;
  /** Connection pool size for PostgreSQL. */
  poolSize?: number;
  /** Pool gauges (metrics.ts); SQL spans are always on when tracing. */
  gauges?: DatabaseGauges | undefined;
  /** Says when it waits for another replica's migrations. */
  logger?: ServiceLogger | undefined;
  /**
   * Longest a statement may run, in ms (PostgreSQL `statement_timeout` on every
   * connection of the pool); a transaction that needs longer raises it with
   * `SET LOCAL`. Unset: no bound (migrations, scale seeding, verification).
   */
  statementTimeoutMs?: number | undefined;
}

export interface Database<TSchema extends Record<string, unknown>> {
  db: Db<TSchema>;
  driver: 'pglite' | 'postgres';
  /** Runs raw SQL and returns its rows, whatever the driver (postgres.js gives an array, PGlite `{ rows }`). */
  rows<Row = Record<string, unknown>>(query: SQL): Promise<Row[]>;
  /** Statements sent through drizzle since start; tests use it to prove batching. */
  statementCount(): number;
  /** Database reachable and migrations applied. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

class CountingLogger implements Logger {
  count = 0;
  logQuery(): void {
    this.count += 1;
  }
}

/** Opens the service's database and applies its migrations before returning. */
export async function openDatabase<TSchema extends Record<string, unknown>>(
  options: DatabaseOptions<TSchema>,
): Promise<Database<TSchema>> {
  const logger = new CountingLogger();
  const migrationConfig = {
    migrationsFolder: options.migrationsFolder,
    migrationsSchema: options.pgSchema,
  };

  let db: Db<TSchema>;
  let close: () => Promise<void>;
  let driver: 'pglite' | 'postgres';

  if (options.databaseUrl) {
    driver = 'postgres';
    if (options.migrate !== false) {
      // The schema owner migrates (its own URL when the runtime role has fewer rights).
      await migrateUnderLock(options.migrationUrl ?? options.databaseUrl, options, migrationConfig);
    }
    const poolSize = options.poolSize ?? 10;
    options.gauges?.poolMax.set(poolSize);
    const client = postgres(options.databaseUrl, {
      max: poolSize,
      onnotice: () => {},
      ...(options.statementTimeoutMs
        ? {
            connection: {
              statement_timeout: options.statementTimeoutMs,
              // A transaction left open by a client gone silent releases its locks too.
              idle_in_transaction_session_timeout: options.statementTimeoutMs,
            },
          }
        : {}),
    });
    db = drizzlePostgres(instrumentPostgresClient(client, { gauges: options.gauges }), {
      schema: options.schema,
      logger,
    }) as unknown as Db<TSchema>;
    close = () => client.end({ timeout: 5 });
  } else {
    driver = 'pglite';
    options.gauges?.poolMax.set(1);
    const embedded = options.dataDir ? await acquireEmbedded(path.resolve(options.dataDir, EMBEDDED_DIRECTORY)) : undefined;
    const client = embedded?.client ?? new PGlite();
    try {
      await migratePglite(drizzlePglite(client), migrationConfig);
    } catch (error) {
      await (embedded ? embedded.release() : client.close());
      throw error;
    }
    // PGlite ignores `statement_timeout` (see request-bound.ts): every statement a
    // service asks of it first checks the bound of its request.
    const statementTimeoutMs = options.statementTimeoutMs;
    const beforeStatement = statementTimeoutMs ? () => assertWithinRequestBound(statementTimeoutMs) : undefined;
    db = drizzlePglite(instrumentPgliteClient(client, { gauges: options.gauges, beforeStatement }), {
      schema: options.schema,
      logger,
    }) as unknown as Db<TSchema>;
    close = () => (embedded ? embedded.release() : client.close());
  }

  const rows = async <Row>(query: SQL): Promise<Row[]> => rowsOf<Row>(await db.execute(query));

  let closed = false;
  return {
    db,
    driver,
    rows,
    statementCount: () => logger.count,
    isReady: async () => {
      if (closed) return false;
      try {
        await rows(sql`select 1`);
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await close();
    },
  };
}

/**
 * Migrations run over their own single connection (drizzle's postgres-js advice),
 * under a session advisory lock per Postgres schema: replicas starting together
 * take turns, and the second finds the journal complete and applies nothing. Without
 * the lock both would run `CREATE SCHEMA/TABLE IF NOT EXISTS` and the same migration
 * at once, and one would fail on a duplicate.
 */
async function migrateUnderLock(
  databaseUrl: string,
  options: Pick<DatabaseOptions<Record<string, unknown>>, 'pgSchema' | 'service' | 'logger'>,
  migrationConfig: { migrationsFolder: string; migrationsSchema: string },
): Promise<void> {
  const migrationClient = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const lockKey = `${options.pgSchema}.migrations`;
  try {
    const [free] = await migrationClient<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtext(${lockKey})) as locked`;
    if (!free?.locked) {
      options.logger?.info('waiting for another replica to finish migrating');
      await migrationClient`select pg_advisory_lock(hashtext(${lockKey}))`;
    }
    await migratePostgres(drizzlePostgres(migrationClient), migrationConfig);
    await migrationClient`select pg_advisory_unlock(hashtext(${lockKey}))`;
  } finally {
    await migrationClient.end();
  }
}

/** Folder of the embedded database under DATA_DIR. */
export const EMBEDDED_DIRECTORY = 'pglite';

interface EmbeddedDatabase {
  client: PGlite;
  release(): Promise<void>;
}

const openEmbedded = new Map<string, { client: Promise<PGlite>; users: number }>();

/**
 * One embedded PGlite per data directory per process, shared by every service in
 * the process (each keeps its own Postgres schema). One WASM PostgreSQL instead of
 * one per service is most of what keeps `pnpm start` small. A lock file keeps a
 * second process out: PGlite is single-user, and two processes writing one data
 * directory would corrupt it.
 */
async function acquireEmbedded(directory: string): Promise<EmbeddedDatabase> {
  let entry = openEmbedded.get(directory);
  if (!entry) {
    lockDirectory(directory);
    entry = { client: createEmbedded(directory), users: 0 };
    openEmbedded.set(directory, entry);
  }
  entry.users += 1;
  const current = entry;
  let client: PGlite;
  try {
    client = await current.client;
  } catch (error) {
    openEmbedded.delete(directory);
    unlockDirectory(directory);
    throw error;
  }
  let released = false;
  return {
    client,
    release: async () => {
      if (released) return;
      released = true;
      current.users -= 1;
      if (current.users > 0) return;
      openEmbedded.delete(directory);
      await client.close();
      unlockDirectory(directory);
    },
  };
}

async function createEmbedded(directory: string): Promise<PGlite> {
  mkdirSync(directory, { recursive: true });
  if (!existsSync(path.join(directory, 'PG_VERSION'))) {
    // initdb grows the WASM heap to ~0.8 GB and WebAssembly memory never shrinks:
    // create the cluster, close it, and serve from a fresh instance (~0.35 GB).
    const initializing = new PGlite(directory);
    await initializing.waitReady;
    await initializing.close();
  }
  const client = new PGlite(directory);
  await client.waitReady;
  return client;
}

function lockPath(directory: string): string {
  return `${directory}.lock`;
}

function lockDirectory(directory: string): void {
  const file = lockPath(directory);
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = openSync(file, 'wx');
      writeFileSync(handle, String(process.pid));
      closeSync(handle);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(file, 'utf8'));
    if (holder && holder !== process.pid && processAlive(holder)) {
      throw new ConfigError(
        `The embedded database ${directory} is in use by process ${holder} (a running \`pnpm start\`?). ` +
          'It has one user at a time: stop that process, or give this one its own DATA_DIR, or use DATABASE_URL.',
      );
    }
    rmSync(file, { force: true }); // left behind by a process that died
  }
  throw new ConfigError(`Could not lock the embedded database ${directory}`);
}

function unlockDirectory(directory: string): void {
  try {
    if (Number(readFileSync(lockPath(directory), 'utf8')) === process.pid) rmSync(lockPath(directory), { force: true });
  } catch {
    // already gone
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The rows of a `db.execute()` result: postgres.js returns an array, PGlite `{ rows }`. */
export function rowsOf<Row = Record<string, unknown>>(result: unknown): Row[] {
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}

/**
 * Runs `seed` once per database, ever: the marker row and the seeded data commit in
 * one transaction, and an advisory lock keeps two replicas starting at once from
 * both seeding.
 */
export async function seedOnce<TSchema extends Record<string, unknown>>(
  database: Database<TSchema>,
  pgSchema: string,
  seed: (tx: Db<TSchema>) => Promise<void>,
): Promise<boolean> {
  const marker = sql.identifier(pgSchema);
  return database.db.transaction(async (tx) => {
    // Seeding writes thousands of rows once: not bound by the per-request statement timeout.
    await tx.execute(sql`set local statement_timeout = 0`);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${pgSchema + '.seed'}))`);
    // Created under the lock: two replicas creating it at once could collide.
    await tx.execute(
      sql`create table if not exists ${marker}."seed_marker" (name text primary key, seeded_at timestamptz not null default now())`,
    );
    const found = await tx.execute(sql`select 1 from ${marker}."seed_marker" where name = 'seed'`);
    if (rowsOf(found).length > 0) return false;
    await seed(tx as unknown as Db<TSchema>);
    await tx.execute(sql`insert into ${marker}."seed_marker" (name) values ('seed')`);
    return true;
  });
}

/** Rows in every table of a Postgres schema (startup progress: "seeded n rows"). */
export async function countRows(database: Database<Record<string, unknown>>, pgSchema: string): Promise<number> {
  const tables = await database.rows<{ name: string }>(
    sql`select table_name as name from information_schema.tables where table_schema = ${pgSchema} and table_type = 'BASE TABLE' and table_name <> 'seed_marker'`,
  );
  if (tables.length === 0) return 0;
  const counts = sql.join(
    tables.map(({ name }) => sql`(select count(*) from ${sql.identifier(pgSchema)}.${sql.identifier(name)})`),
    sql` + `,
  );
  const [row] = await database.rows<{ n: string | number }>(sql`select (${counts})::bigint as n`);
  return Number(row?.n ?? 0);
}
