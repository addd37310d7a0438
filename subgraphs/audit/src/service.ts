import {
  ConfigError,
  createSubgraphService,
  loadTypeDefs,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  openDatabase,
  type SubgraphInstance,
  type SubgraphOptions,
} from '@mission-graph/service-kit';
import { fileURLToPath } from 'node:url';
import { appendRoute } from './append-route.js';
import { devSigningKey, newSigningKey, type SigningKey } from './checkpoints/signing-key.js';
import { fileCheckpointSink, memoryCheckpointSink, type CheckpointSink } from './checkpoints/sink.js';
import { checkpointFile } from './config.js';
import { createLoaders, type AuditContext } from './context.js';
import { currentRole, grantRuntimeRole, privilegeProblems } from './db/runtime-role.js';
import { PG_SCHEMA, schema } from './db/schema.js';
import type { DenialLimits } from './domain/denial-limiter.js';
import { resolvers } from './resolvers.js';
import { createTrail, type Trail } from './trail.js';

/** How the audit service is built, besides what every subgraph takes. All optional: tests and development get working defaults. */
export interface AuditServiceOptions extends SubgraphOptions {
  /** PostgreSQL URL of the schema owner: migrations and grants; the service itself runs as `databaseUrl`'s role. */
  migrationDatabaseUrl?: string | undefined;
  /** Signs checkpoints. Default: `<dataDir>/keys/audit-signing.jwk.json`, or a fresh key in memory. */
  signingKey?: SigningKey | undefined;
  /** Default: `<dataDir>/audit-checkpoints.jsonl`, or memory when the database is in memory too. */
  checkpointSink?: CheckpointSink | undefined;
  /** Default 1000. */
  checkpointEveryEvents?: number | undefined;
  /** Default 60; 0 signs by count only. */
  checkpointEverySeconds?: number | undefined;
  denialLimits?: DenialLimits | undefined;
  /** Refuse to start when the runtime role could do more than INSERT and SELECT (production). */
  requireLeastPrivilege?: boolean | undefined;
  /** The clock (tests). */
  now?: (() => Date) | undefined;
}

export interface AuditServiceInstance extends SubgraphInstance {
  trail: Trail;
}

/**
 * The audit trail: append-only, hash-chained, anchored by signed checkpoints outside its
 * database; its own service and database, so no pillar can alter what was recorded about
 * its data. Read through the graph (`auditEvents`, audit:read; `reviewBreakGlass`,
 * audit:review); appended to only by the gateway (`POST /internal/audit-events`).
 */
export async function createService(options: AuditServiceOptions): Promise<AuditServiceInstance> {
  const database = await openDatabase({
    service: 'audit',
    pgSchema: PG_SCHEMA,
    schema,
    migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
    databaseUrl: options.databaseUrl,
    migrationUrl: options.migrationDatabaseUrl,
    dataDir: options.dataDir,
    statementTimeoutMs: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    gauges: options.metrics?.database,
    logger: options.logger,
  });
  try {
    if (database.driver === 'postgres') await secureRuntimeRole(database, options);
    const trail = createTrail({
      db: database.db,
      signingKey: options.signingKey ?? (options.dataDir ? devSigningKey(options.dataDir) : newSigningKey().key),
      sink:
        options.checkpointSink ??
        (options.dataDir ? fileCheckpointSink(checkpointFile({ DATA_DIR: options.dataDir, AUDIT_CHECKPOINT_FILE: undefined })) : memoryCheckpointSink()),
      checkpointEveryEvents: options.checkpointEveryEvents ?? 1000,
      checkpointEverySeconds: options.checkpointEverySeconds ?? 60,
      denialLimits: options.denialLimits,
      now: options.now,
    });
    const http = createSubgraphService<AuditContext>({
      name: 'audit',
      typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
      resolvers,
      internalTokenKey: options.internalTokenKey,
      ...(options.onOperation ? { onOperation: options.onOperation } : {}),
      context: async () => ({ trail, loaders: createLoaders(trail) }),
      routes: appendRoute(trail, options.internalTokenKey),
      // Not ready while checkpoints fail: events are then recorded but not anchored.
      isReady: async () => (await database.isReady()) && trail.checkpointer.isHealthy(),
      development: options.development ?? false,
      onStop: async () => {
        await trail.stop();
        await database.close();
      },
      logger: options.logger,
      metrics: options.metrics,
      ...(options.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: options.shutdownTimeoutMs } : {}),
    });
    trail.start();
    return { name: 'audit', http, database, trail };
  } catch (error) {
    await database.close();
    throw error;
  }
}

type AuditDatabase = Awaited<ReturnType<typeof openDatabase<typeof schema>>>;

/** Grants the runtime role its INSERT/SELECT (as the owner), then checks it can do no more. */
async function secureRuntimeRole(database: AuditDatabase, options: AuditServiceOptions): Promise<void> {
  if (options.migrationDatabaseUrl) await grantRuntimeRole(options.migrationDatabaseUrl, await currentRole(database));
  const problems = await privilegeProblems(database);
  if (problems.length === 0) return;
  const message =
    `the audit service's database role can rewrite the trail: ${problems.join('; ')}. ` +
    'Connect it (DATABASE_URL) as a role that only logs in, and run migrations as the owner (DATABASE_MIGRATION_URL); see docs/audit.md.';
  if (options.requireLeastPrivilege) throw new ConfigError(`Invalid configuration:\n  DATABASE_URL: ${message}`);
  console.warn(`warning: ${message}`);
}
