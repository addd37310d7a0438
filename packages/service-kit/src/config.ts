import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * `<repo>/.data`: embedded databases and development keys, wherever a service is
 * started from (`pnpm start` at the root, or `pnpm --filter <pkg> start` in its folder),
 * so the gateway, the subgraphs and `pnpm token` share the same development keys.
 */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../../.data', import.meta.url));

/**
 * Reads and validates environment variables once, at start. A bad value stops the
 * service with a message that names the variable, instead of failing later in a
 * request with something obscure.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function readConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<Shape>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.')}: ${issue.message}`,
  );
  throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
}

/** A TCP port given as a string; 0 asks the OS for a free one. */
export const portVariable = (fallback: number) =>
  z.coerce.number().int().min(0).max(65535).default(fallback);

/** An optional URL (empty string counts as absent). */
export const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional());

/** An optional JWK given as JSON text (a key for signing or verifying tokens). */
export const optionalJwk = z
  .string()
  .optional()
  .transform((text, context) => {
    if (text === undefined || text === '') return undefined;
    try {
      const jwk = JSON.parse(text) as unknown;
      if (jwk && typeof jwk === 'object' && 'kty' in jwk) return jwk as Record<string, unknown>;
    } catch {
      // reported below
    }
    context.addIssue({ code: 'custom', message: 'must be a JWK as JSON, e.g. {"kty":"EC",…}' });
    return z.NEVER;
  });

/** Production refuses to start without these: no development fallbacks there. */
export function requireInProduction(
  env: { NODE_ENV: string } & Record<string, unknown>,
  names: readonly string[],
): void {
  if (env.NODE_ENV !== 'production') return;
  const missing = names.filter((name) => env[name] === undefined || env[name] === '');
  if (missing.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${missing.map((n) => `${n}: required in production`).join('\n  ')}`);
  }
}

/** Smallest count shown on the external contract: counts below it are withheld (statistics/small-counts.ts). */
export const DEFAULT_SMALL_COUNT_THRESHOLD = 5;
export const smallCountThresholdVariable = z.coerce.number().int().min(2).max(1000).default(DEFAULT_SMALL_COUNT_THRESHOLD);

/** The variables every subgraph reads. */
export const subgraphEnv = (defaultPort: number) => ({
  PORT: portVariable(defaultPort),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: optionalUrl,
  DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  SEED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** The gateway's public key for internal tokens; development reads `.data/keys/`. */
  INTERNAL_TOKEN_PUBLIC_KEY: optionalJwk,
  /** Smallest count shown to the external contract (small-count suppression, statistics/small-counts.ts). */
  SMALL_COUNT_THRESHOLD: smallCountThresholdVariable,
});

/** Runs `start`, printing a ConfigError as one readable message and exiting 1. */
export async function runMain(start: () => Promise<unknown>): Promise<void> {
  try {
    await start();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
    } else {
      console.error(error);
    }
    process.exit(1);
  }
}
