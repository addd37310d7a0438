import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { redactError } from './log-redaction.js';

export type { Logger } from 'pino';

/**
 * Structured logs: one JSON object per line (pino) in production and tests, so a log
 * shipper can parse every line and an error is one line, its stack a JSON string —
 * never a multi-line dump. Development gets the same records pretty-printed.
 */
export interface LoggerOptions {
  /** Service name, on every line (`service`). */
  service: string;
  /** Pretty, human-readable lines instead of JSON. */
  pretty?: boolean;
  /** `fatal` … `trace`, or `silent`; default `LOG_LEVEL` or `info`. */
  level?: string;
  /** Where lines go (tests capture them); default stdout. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const destination =
    options.destination ??
    (options.pretty
      ? // Synchronous, in-process: no worker thread (each costs memory) for development logs.
        pretty({
          sync: true,
          colorize: process.stdout.isTTY,
          translateTime: 'HH:MM:ss.l',
          // "12:00:01.123 INFO: forensics › seeded 3833 rows {…}" — one line per record.
          messageFormat: '{service} › {msg}',
          ignore: 'pid,hostname,service',
          singleLine: true,
        })
      : // Synchronous writes: the last lines before an exit (a fatal error, "stopped") are never lost.
        pino.destination({ sync: true }));
  return pino(
    {
      level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // `err` keeps message, type, code and stack (as one JSON string); never request bodies,
      // never the parameters or failing row of a statement (log-redaction.ts).
      serializers: { err: redactedErr, error: redactedErr },
    },
    destination,
  );
}

function redactedErr(error: unknown) {
  return stdSerializers.err(redactError(error) as Error);
}

/** A logger that writes nothing (tests that start services in-process, by default). */
export const silentLogger: Logger = pino({ level: 'silent' });

/**
 * Everything still written with `console.*` (libraries, code not yet given a logger)
 * goes through the logger too, so production output stays one JSON record per line.
 * Installed by the service entry points only, never in tests.
 */
export function routeConsoleTo(logger: Logger): void {
  const write =
    (level: 'info' | 'warn' | 'error' | 'debug') =>
    (...args: unknown[]) => {
      const error = args.find((arg): arg is Error => arg instanceof Error);
      const text = args
        .filter((arg) => arg !== error)
        .map((arg) => (typeof arg === 'string' ? arg : safeJson(arg)))
        .join(' ');
      if (error) logger[level]({ err: error }, text || error.message);
      else logger[level](text);
    };
  console.log = write('info');
  console.info = write('info');
  console.warn = write('warn');
  console.error = write('error');
  console.debug = write('debug');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
