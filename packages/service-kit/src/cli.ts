import { parseArgs } from 'node:util';

/**
 * The one way the repo's command-line tools read their arguments: `--help` (or `-h`)
 * prints the usage and exits 0; misuse (an unknown option, a missing value, a value out
 * of range) prints one friendly line and the usage to stderr and exits 2; any other
 * failure prints its message and exits 1. Never a stack trace for a user's mistake.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

type OptionSpec = { type: 'string' | 'boolean'; short?: string; default?: string | boolean };
type Values<Options extends Record<string, OptionSpec>> = {
  [Name in keyof Options]: Options[Name]['type'] extends 'boolean'
    ? boolean | undefined
    : Options[Name] extends { default: string }
      ? string
      : string | undefined;
};

export interface CliSpec<Options extends Record<string, OptionSpec>> {
  /** The usage text: the command line, then one line per option. */
  usage: string;
  options: Options;
}

/**
 * Reads `argv` by `spec` for a script that goes on by itself: `--help` prints the usage
 * and exits 0, misuse exits 2 (as runCli).
 */
export function readCli<Options extends Record<string, OptionSpec>>(
  spec: CliSpec<Options>,
  argv: readonly string[] = process.argv.slice(2),
): Values<Options> {
  try {
    return parse(spec, argv);
  } catch (error) {
    return usageFailure(spec, error);
  }
}

/** Reads `argv` by `spec`, runs `main` with the values, and exits as described above. */
export async function runCli<Options extends Record<string, OptionSpec>>(
  spec: CliSpec<Options>,
  main: (values: Values<Options>) => Promise<void> | void,
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  try {
    await main(parse(spec, argv));
  } catch (error) {
    usageFailure(spec, error);
  }
}

function parse<Options extends Record<string, OptionSpec>>(spec: CliSpec<Options>, argv: readonly string[]): Values<Options> {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  if ((values as { help?: boolean }).help) {
    process.stdout.write(`${spec.usage.trim()}\n`);
    process.exit(0);
  }
  return values as unknown as Values<Options>;
}

function usageFailure(spec: { usage: string }, error: unknown): never {
  if (error instanceof UsageError || isParseArgsError(error)) {
    process.stderr.write(`error: ${friendly(error as Error)}\n\n${spec.usage.trim()}\n`);
    process.exit(2);
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** parseArgs' messages, shortened to what a user needs. */
function friendly(error: Error): string {
  const code = (error as { code?: string }).code;
  const option = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option} (see --help)`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) return `option ${option} needs a value`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument (options start with --; see --help)`;
  return error.message;
}

/** A whole number within [min, max] from an option's text; UsageError naming the option otherwise. */
export function wholeNumberOption(text: string | undefined, option: string, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${option} must be a whole number from ${min} to ${max}; got ${JSON.stringify(text ?? '')}`);
  }
  return value;
}
