import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, DEFAULT_DATA_DIR, type SubgraphEnvironment, type SubgraphOptions } from '@mission-graph/service-kit';

/**
 * The two keys of the witness programme, both outside the database, so that whoever can
 * read or write the database (a DBA, a backup, the service's own role with its triggers
 * off) can neither read an identity nor open need-to-know:
 * - `WITNESS_DATA_KEY` encrypts identities and whereabouts at rest (AES-256-GCM);
 * - `WITNESS_ASSIGNMENT_KEY` authenticates every step of a protection-officer
 *   assignment (HMAC-SHA256 chain, domain/assignment-seal.ts).
 * Each is 32 random bytes, base64. Production requires both; development keeps them under
 * `<DATA_DIR>/keys/` (created on first use); a service built without either (tests that
 * build the factory directly) uses fixed development keys, the same in every replica.
 */
export interface WitnessKeys {
  data: Buffer;
  assignment: Buffer;
}

export interface SpecialistChambersOptions extends SubgraphOptions {
  witnessKeys?: WitnessKeys | undefined;
}

const KEY_BYTES = 32;
export const DEV_DATA_KEY_FILE = 'witness-data.key';
export const DEV_ASSIGNMENT_KEY_FILE = 'witness-assignment.key';

/** A 32-byte key given as base64 (standard or url-safe); empty counts as absent. */
const optionalKey = z
  .string()
  .optional()
  .transform((text, context) => {
    if (text === undefined || text.trim() === '') return undefined;
    const key = Buffer.from(text.trim(), 'base64');
    if (key.length !== KEY_BYTES) {
      context.addIssue({ code: 'custom', message: `must be ${KEY_BYTES} random bytes, base64 (e.g. \`openssl rand -base64 32\`)` });
      return z.NEVER;
    }
    return key;
  });

export const specialistChambersEnv = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  /** AES-256-GCM key of witness identities and locations (base64, 32 bytes). */
  WITNESS_DATA_KEY: optionalKey,
  /** HMAC-SHA256 key authenticating protection-officer assignment steps (base64, 32 bytes). */
  WITNESS_ASSIGNMENT_KEY: optionalKey,
};

export const SPECIALIST_CHAMBERS_PRODUCTION_REQUIRED = ['WITNESS_DATA_KEY', 'WITNESS_ASSIGNMENT_KEY'] as const;

/** The subgraph's own variables, as `startSubgraph` and the deployment checks read them. */
export const specialistChambersEnvironment: SubgraphEnvironment<typeof specialistChambersEnv, Partial<SpecialistChambersOptions>> = {
  shape: specialistChambersEnv,
  requiredInProduction: SPECIALIST_CHAMBERS_PRODUCTION_REQUIRED,
  options: (env) => ({
    witnessKeys: distinct({
      data: env.WITNESS_DATA_KEY ?? devKey(env.DATA_DIR, DEV_DATA_KEY_FILE),
      assignment: env.WITNESS_ASSIGNMENT_KEY ?? devKey(env.DATA_DIR, DEV_ASSIGNMENT_KEY_FILE),
    }),
  }),
};

/** One key for two purposes would let a MAC be read as something else: refused. */
function distinct(keys: WitnessKeys): WitnessKeys {
  if (keys.data.equals(keys.assignment)) {
    throw new ConfigError('Invalid configuration:\n  WITNESS_ASSIGNMENT_KEY: must differ from WITNESS_DATA_KEY');
  }
  return keys;
}

/**
 * `<dataDir>/keys/<file>`, created on first use. Race-safe like the other development
 * keys: services starting together agree on the first file written.
 */
export function devKey(dataDir: string, file: string): Buffer {
  const keyPath = path.resolve(dataDir, 'keys', file);
  mkdirSync(path.dirname(keyPath), { recursive: true });
  try {
    writeFileSync(keyPath, randomBytes(KEY_BYTES).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return Buffer.from(readFileSync(keyPath, 'utf8').trim(), 'base64');
}

/**
 * Fixed keys for a service built without any (the test harnesses build factories
 * directly, several replicas on one database): public, so never for real data —
 * `startSubgraph` always passes keys (production requires them).
 */
const FIXED_DEVELOPMENT_KEYS: WitnessKeys = {
  data: createHash('sha256').update('mission-graph development witness data key (public, tests only)').digest(),
  assignment: createHash('sha256').update('mission-graph development witness assignment key (public, tests only)').digest(),
};

/** The keys a built service uses: its options', else the fixed development keys. */
export function witnessKeysOf(options: Pick<SpecialistChambersOptions, 'witnessKeys'>): WitnessKeys {
  return options.witnessKeys ?? FIXED_DEVELOPMENT_KEYS;
}
