import { z } from 'zod';

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

/** The variables every subgraph reads. */
export const subgraphEnv = (defaultPort: number) => ({
  PORT: portVariable(defaultPort),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: optionalUrl,
  DATA_DIR: z.string().min(1).default('.data'),
  SEED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
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
