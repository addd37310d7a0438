import { readFileSync } from 'node:fs';
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
  const result = z.object(shape).safeParse(withFileSecrets(shape, env));
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.')}: ${issue.message}`,
  );
  throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
}

/**
 * `NAME_FILE=/run/secrets/name` stands for `NAME=<that file's content>` (Docker and
 * Kubernetes secrets are files), for every variable a service reads. Setting both is
 * refused: which one wins would be a guess.
 */
export function withFileSecrets(
  shape: z.ZodRawShape,
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const resolved: Record<string, string | undefined> = { ...env };
  for (const name of Object.keys(shape)) {
    const file = env[`${name}_FILE`];
    if (file === undefined || file === '') continue;
    if (env[name] !== undefined && env[name] !== '') {
      throw new ConfigError(`Invalid configuration:\n  ${name}: set either ${name} or ${name}_FILE, not both`);
    }
    try {
      resolved[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new ConfigError(`Invalid configuration:\n  ${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  return resolved;
}

/** The variables one service reads, as zod schemas (deployment checks read them too). */
export type EnvShape = z.ZodRawShape;

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

/** Variables every service process reads (logs, shutdown, tracing). */
export const processEnv = {
  /** `fatal` … `trace` or `silent`; default `info`. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `json` (one object per line) or `pretty`; default pretty in development, JSON otherwise. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** Bound on draining in-flight requests at SIGTERM. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
  /** Serve /metrics on this port, a listener of its own (the service's port does not serve them unless METRICS_ON_SERVICE_PORT). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Address of the metrics listener; loopback by default (`0.0.0.0` in containers, behind a network policy). */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** `true` also serves /metrics on the service's own port, to whoever reaches it: only on a trusted network. */
  METRICS_ON_SERVICE_PORT: z.enum(['true', 'false']).default('false'),
  /** Listening address (`0.0.0.0` in containers). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** OpenTelemetry SDK settings (read by the SDK itself; tracing is on when an endpoint is set). */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  OTEL_SERVICE_NAME: z.string().optional(),
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
  OTEL_TRACES_SAMPLER: z.string().optional(),
  OTEL_TRACES_SAMPLER_ARG: z.string().optional(),
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).optional(),
};

/** Subgraph variables production refuses to start without. */
export const SUBGRAPH_PRODUCTION_REQUIRED = ['INTERNAL_TOKEN_PUBLIC_KEY', 'DATABASE_URL'] as const;

/** Smallest count shown on the external contract: counts below it are withheld (statistics/small-counts.ts). */
export const DEFAULT_SMALL_COUNT_THRESHOLD = 5;
export const smallCountThresholdVariable = z.coerce.number().int().min(2).max(1000).default(DEFAULT_SMALL_COUNT_THRESHOLD);

/** The variables every subgraph reads. */
export const subgraphEnv = (defaultPort: number) => ({
  ...processEnv,
  PORT: portVariable(defaultPort),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: optionalUrl,
  DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  SEED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** The gateway's public key for internal tokens; development reads `.data/keys/`. */
  INTERNAL_TOKEN_PUBLIC_KEY: optionalJwk,
  /** Longest one database statement of a request may run, in ms. */
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
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
