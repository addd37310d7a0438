import path from 'node:path';
import { z } from 'zod';
import { ConfigError, DEFAULT_DATA_DIR, optionalJwk, optionalUrl, readConfig, requireInProduction } from '@mission-graph/service-kit';
import { signingKeyFromJwk, verifyKeyFromJwk, type SigningKey, type VerifyKey } from './checkpoints/signing-key.js';

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

export type AuditEnv = z.infer<z.ZodObject<typeof auditEnv>>;

export function readAuditEnv(env: Record<string, string | undefined> = process.env): AuditEnv {
  const config = readConfig(auditEnv, env);
  requireInProduction(config, ['AUDIT_SIGNING_KEY', 'DATABASE_MIGRATION_URL']);
  return config;
}

/** `<DATA_DIR>/audit-checkpoints.jsonl`, or AUDIT_CHECKPOINT_FILE. */
export function checkpointFile(env: Pick<AuditEnv, 'DATA_DIR' | 'AUDIT_CHECKPOINT_FILE'>): string {
  return path.resolve(env.AUDIT_CHECKPOINT_FILE ?? path.join(env.DATA_DIR, 'audit-checkpoints.jsonl'));
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
