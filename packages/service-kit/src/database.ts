import { mkdirSync } from 'node:fs';
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

/** One drizzle type for both drivers: resolvers and stores never know which. */
export type Db<TSchema extends Record<string, unknown> = Record<string, unknown>> = PgDatabase<
  PgQueryResultHKT,
  TSchema
>;

export interface DatabaseOptions<TSchema extends Record<string, unknown>> {
  /** Service name; names the embedded data directory `<dataDir>/<service>`. */
  service: string;
  /** The Postgres schema that holds this service's tables and its migration journal. */
  pgSchema: string;
  /** The drizzle table definitions. */
  schema: TSchema;
  /** Folder of drizzle-kit generated SQL migrations. */
  migrationsFolder: string;
  /** PostgreSQL URL; without it the service runs on embedded PGlite. */
  databaseUrl?: string | undefined;
  /** Where embedded databases live; without it PGlite runs in memory (tests). */
  dataDir?: string | undefined;
  /** Connection pool size for PostgreSQL. */
  poolSize?: number;
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
    // Migrations run over their own single connection (drizzle's postgres-js advice).
    const migrationClient = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await migratePostgres(drizzlePostgres(migrationClient), migrationConfig);
    } finally {
      await migrationClient.end();
    }
    const client = postgres(options.databaseUrl, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
    });
    db = drizzlePostgres(client, { schema: options.schema, logger }) as unknown as Db<TSchema>;
    close = () => client.end({ timeout: 5 });
  } else {
    driver = 'pglite';
    let dataDir: string | undefined;
    if (options.dataDir) {
      dataDir = path.resolve(options.dataDir, options.service);
      mkdirSync(dataDir, { recursive: true });
    }
    const client = new PGlite(dataDir);
    await migratePglite(drizzlePglite(client), migrationConfig);
    db = drizzlePglite(client, { schema: options.schema, logger }) as unknown as Db<TSchema>;
    close = () => client.close();
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
  await database.db.execute(
    sql`create table if not exists ${marker}."seed_marker" (name text primary key, seeded_at timestamptz not null default now())`,
  );
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${pgSchema + '.seed'}))`);
    const found = await tx.execute(sql`select 1 from ${marker}."seed_marker" where name = 'seed'`);
    if (rowsOf(found).length > 0) return false;
    await seed(tx as unknown as Db<TSchema>);
    await tx.execute(sql`insert into ${marker}."seed_marker" (name) values ('seed')`);
    return true;
  });
}
