import path from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  DEFAULT_DATA_DIR,
  optionalJwk,
  optionalUrl,
  readConfig,
  requireInProduction,
  type SubgraphEnvironment,
} from '@mission-graph/service-kit';
import { signingKeyFromJwk, verifyKeyFromJwk, type SigningKey, type VerifyKey } from './checkpoints/signing-key.js';
import { defaultCheckpointFile, fileCheckpointSink } from './checkpoints/sink.js';
import type { AuditServiceOptions } from './runtime.js';

/**
 * The audit service's own variables, besides those every subgraph reads (README,
 * "Configuration"; docs/audit.md explains each).
 */
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

export const auditEnv = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  /** Owner of the `audit` schema: migrations and grants run as it; the service runs as DATABASE_URL's role. */
  DATABASE_MIGRATION_URL: optionalUrl,
  /** Ed25519 private JWK signing checkpoints (production); development keeps one in DATA_DIR/keys. */
  AUDIT_SIGNING_KEY: optionalJwk,
  /** The external checkpoint sink: an append-only file (default DATA_DIR/audit-checkpoints.jsonl). */
  AUDIT_CHECKPOINT_FILE: optionalText,
  AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).default(1000),
  AUDIT_CHECKPOINT_SECONDS: z.coerce.number().int().min(0).default(60),
  AUDIT_DENIED_PER_WINDOW: z.coerce.number().int().min(1).default(20),
  AUDIT_DENIED_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
};

/**
 * What production refuses to start without, besides every subgraph's: the owner's URL (the
 * service itself runs as a role that cannot rewrite the trail), the signing key (never a
 * development key), and the external sink — whose default, DATA_DIR, is inside a
 * container and gone with it, taking the anchors along.
 */
export const AUDIT_PRODUCTION_REQUIRED = ['DATABASE_MIGRATION_URL', 'AUDIT_SIGNING_KEY', 'AUDIT_CHECKPOINT_FILE'] as const;

export type AuditEnv = z.infer<z.ZodObject<typeof auditEnv>>;

/**
 * The audit service's variables as the kit reads them (`startSubgraph`: `pnpm start`,
 * `main.ts`) and as the deployment checks know them (tests/deploy).
 */
export const auditEnvironment: SubgraphEnvironment<typeof auditEnv, Partial<AuditServiceOptions>> = {
  shape: auditEnv,
  requiredInProduction: AUDIT_PRODUCTION_REQUIRED,
  options: (env) => ({
    migrationDatabaseUrl: env.DATABASE_MIGRATION_URL,
    signingKey: signingKeyFromEnv(env.AUDIT_SIGNING_KEY),
    checkpointSink: fileCheckpointSink(checkpointFile(env)),
    checkpointEveryEvents: env.AUDIT_CHECKPOINT_EVERY,
    checkpointEverySeconds: env.AUDIT_CHECKPOINT_SECONDS,
    denialLimits: { perWindow: env.AUDIT_DENIED_PER_WINDOW, windowSeconds: env.AUDIT_DENIED_WINDOW_SECONDS },
    requireLeastPrivilege: env.NODE_ENV === 'production',
  }),
};

/**
 * What `audit:verify` (the image's `audit-verify`) reads: the trail's database, the sink,
 * and the public keys it trusts — nothing else.
 */
export const verifyEnv = {
  NODE_ENV: auditEnv.NODE_ENV,
  DATA_DIR: auditEnv.DATA_DIR,
  /** Any role that may SELECT the audit schema (nothing is written); unset: the embedded database under DATA_DIR. */
  DATABASE_URL: optionalUrl,
  /** The sink to check against: point it at the WORM copy. */
  AUDIT_CHECKPOINT_FILE: auditEnv.AUDIT_CHECKPOINT_FILE,
  /** Public JWK(s) checkpoints must verify with: one JWK or a JSON array (old keys after a rotation). */
  AUDIT_VERIFY_KEYS: optionalText,
  /** Development only: its public half stands in for AUDIT_VERIFY_KEYS. */
  AUDIT_SIGNING_KEY: auditEnv.AUDIT_SIGNING_KEY,
};

/**
 * A verifier in production trusts only what it is given: no development key, no default
 * sink path (a missing sink would read as "every checkpoint removed"), no embedded database.
 */
export const VERIFY_PRODUCTION_REQUIRED = ['DATABASE_URL', 'AUDIT_CHECKPOINT_FILE', 'AUDIT_VERIFY_KEYS'] as const;

export type VerifyEnv = z.infer<z.ZodObject<typeof verifyEnv>>;

export function readVerifyEnv(env: Record<string, string | undefined> = process.env): VerifyEnv {
  const config = readConfig(verifyEnv, env);
  requireInProduction(config, VERIFY_PRODUCTION_REQUIRED);
  return config;
}

/** `<DATA_DIR>/audit-checkpoints.jsonl`, or AUDIT_CHECKPOINT_FILE. */
export function checkpointFile(env: Pick<AuditEnv, 'DATA_DIR' | 'AUDIT_CHECKPOINT_FILE'>): string {
  return env.AUDIT_CHECKPOINT_FILE ? path.resolve(env.AUDIT_CHECKPOINT_FILE) : defaultCheckpointFile(env.DATA_DIR);
}

/** AUDIT_SIGNING_KEY as a key; a bad one stops the service naming the variable. */
export function signingKeyFromEnv(jwk: Record<string, unknown> | undefined): SigningKey | undefined {
  if (!jwk) return undefined;
  try {
    return signingKeyFromJwk(jwk);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  AUDIT_SIGNING_KEY: ${(error as Error).message}`);
  }
}

/** AUDIT_VERIFY_KEYS: one public JWK or a JSON array of them (several after a key rotation). */
export function verifyKeysFromText(text: string): VerifyKey[] {
  try {
    const parsed = JSON.parse(text) as unknown;
    return (Array.isArray(parsed) ? parsed : [parsed]).map(verifyKeyFromJwk);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  AUDIT_VERIFY_KEYS: must be an Ed25519 public JWK or a JSON array of them (${(error as Error).message})`);
  }
}
