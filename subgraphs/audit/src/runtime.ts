import { ConfigError, type Database, type Logger, type SubgraphOptions, type SubgraphRuntime } from '@mission-graph/service-kit';
import { devSigningKey, newSigningKey, type SigningKey } from './checkpoints/signing-key.js';
import { defaultCheckpointFile, fileCheckpointSink, memoryCheckpointSink, type CheckpointSink } from './checkpoints/sink.js';
import { currentRole, grantRuntimeRole, privilegeProblems } from './db/runtime-role.js';
import type { schema } from './db/schema.js';
import type { DenialLimits } from './domain/denial-limiter.js';
import { createTrail, type Trail } from './trail.js';

/**
 * How the audit service is built, besides what every subgraph takes (`migrationDatabaseUrl`
 * among those: the schema owner, who migrates and grants). All optional: tests and
 * development get working defaults; `pnpm start` and `main.ts` read them from the
 * environment (config.ts).
 */
export interface AuditServiceOptions extends SubgraphOptions {
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

/** What the audit service runs besides answering from its database: the trail, with its checkpointer. */
export interface AuditRuntime extends SubgraphRuntime {
  trail: Trail;
}

/**
 * Once the trail's tables are migrated: on PostgreSQL, secures the runtime role (grants
 * as the owner, then refuses or warns when the role could rewrite history); then builds
 * the trail — group-committed appends, signed checkpoints, the limit on denied attempts.
 */
export async function prepareAuditTrail(database: Database<typeof schema>, options: AuditServiceOptions): Promise<AuditRuntime> {
  if (database.driver === 'postgres') await secureRuntimeRole(database, options);
  const trail = createTrail({
    db: database.db,
    signingKey: options.signingKey ?? (options.dataDir ? devSigningKey(options.dataDir) : newSigningKey().key),
    sink: options.checkpointSink ?? (options.dataDir ? fileCheckpointSink(defaultCheckpointFile(options.dataDir)) : memoryCheckpointSink()),
    checkpointEveryEvents: options.checkpointEveryEvents ?? 1000,
    checkpointEverySeconds: options.checkpointEverySeconds ?? 60,
    denialLimits: options.denialLimits,
    now: options.now,
    log: errorLog(options.logger),
  });
  return {
    trail,
    // Not ready while checkpoints fail: events are then recorded but not anchored.
    isReady: () => trail.checkpointer.isHealthy(),
    start: () => trail.start(),
    stop: () => trail.stop(),
  };
}

/** Grants the runtime role its INSERT/SELECT (as the owner), then checks it can do no more. */
async function secureRuntimeRole(database: Database<typeof schema>, options: AuditServiceOptions): Promise<void> {
  if (options.migrationDatabaseUrl) await grantRuntimeRole(options.migrationDatabaseUrl, await currentRole(database));
  const problems = await privilegeProblems(database);
  if (problems.length === 0) return;
  const message =
    `the audit service's database role can rewrite the trail: ${problems.join('; ')}. ` +
    'Connect it (DATABASE_URL) as a role that only logs in, and run migrations as the owner (DATABASE_MIGRATION_URL); see docs/audit.md.';
  if (options.requireLeastPrivilege) throw new ConfigError(`Invalid configuration:\n  DATABASE_URL: ${message}`);
  if (options.logger) options.logger.warn(message);
  else console.warn(`warning: ${message}`);
}

/** The service's logger when it has one (one JSON line per error), the console otherwise (tests). */
function errorLog(logger: Logger | undefined): (message: string, error?: unknown) => void {
  if (logger) return (message, error) => logger.error(error === undefined ? {} : { err: error }, message);
  return (message, error) => console.error(message, error ?? '');
}
