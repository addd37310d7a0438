import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import type { DatabaseGauges } from './metrics.js';
import { tracer } from './telemetry.js';

/**
 * SQL spans and pool-use gauges without touching drizzle: drizzle's postgres-js
 * session sends every statement through `client.unsafe(...)` and every transaction
 * through `client.begin(...)` (savepoints through the transaction's `savepoint`), and
 * its PGlite session through `query(...)` / `transaction(...)`. Wrapping those few
 * methods gives one span per statement (`db.statement` is the SQL text with `$n`
 * placeholders — parameter values are never recorded: they may be personal data) and
 * counts what holds a connection right now. postgres.js has no OpenTelemetry
 * instrumentation of its own.
 */
export interface ClientUse {
  gauges?: DatabaseGauges | undefined;
  /** Called before every statement and transaction (PGlite's per-request bound); may throw. */
  beforeStatement?: (() => void) | undefined;
}

type AnyFunction = (...args: unknown[]) => unknown;

function statementSpan<T>(text: string, run: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(
    'db.query',
    { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.statement': text.slice(0, 2000) } },
    async (span) => {
      try {
        return await run();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * postgres.js queries are lazy promises (they run on the first `then`): the span and
 * the in-flight count start there and end when the statement settles.
 */
function trackPendingQuery(query: PromiseLike<unknown> & object, text: string, use: ClientUse, countUse: boolean) {
  const originalThen = query.then;
  let settled: Promise<unknown> | undefined;
  Object.defineProperty(query, 'then', {
    configurable: true,
    value(onFulfilled?: AnyFunction, onRejected?: AnyFunction) {
      settled ??= (() => {
        if (countUse) use.gauges?.inFlight.inc({ kind: 'query' });
        return statementSpan(text, () => new Promise((resolve, reject) => originalThen.call(query, resolve, reject))).finally(
          () => {
            if (countUse) use.gauges?.inFlight.dec({ kind: 'query' });
          },
        );
      })();
      return settled.then(onFulfilled, onRejected);
    },
  });
  // `.values()` / `.raw()` switch the result format and return the same query.
  return query;
}

export function instrumentPostgresClient(client: Sql, use: ClientUse, inTransaction = false): Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === 'unsafe') {
        return (text: string, ...rest: unknown[]) =>
          trackPendingQuery((value as AnyFunction)(text, ...rest) as PromiseLike<unknown> & object, text, use, !inTransaction);
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          const index = args.findIndex((arg) => typeof arg === 'function');
          const body = args[index] as AnyFunction;
          args[index] = (tx: Sql) => body(instrumentPostgresClient(tx, use, true));
          if (property === 'savepoint') return (value as AnyFunction)(...args);
          use.gauges?.inFlight.inc({ kind: 'transaction' });
          return tracer.startActiveSpan('db.transaction', { kind: SpanKind.CLIENT }, async (span) => {
            try {
              return await ((value as AnyFunction)(...args) as Promise<unknown>);
            } finally {
              span.end();
              use.gauges?.inFlight.dec({ kind: 'transaction' });
            }
          });
        };
      }
      return value;
    },
  });
}

export function instrumentPgliteClient(client: PGlite, use: ClientUse): PGlite {
  const wrap = (target: object): object =>
    new Proxy(target, {
      get(inner, property, receiver) {
        const value = Reflect.get(inner, property, receiver) as unknown;
        if (property === 'query' || property === 'exec') {
          return (text: string, ...rest: unknown[]) => {
            use.beforeStatement?.();
            return statementSpan(text, () => (value as AnyFunction).call(inner, text, ...rest) as Promise<unknown>);
          };
        }
        if (property === 'transaction') {
          return (body: AnyFunction) => {
            use.beforeStatement?.();
            use.gauges?.inFlight.inc({ kind: 'transaction' });
            return ((value as AnyFunction).call(inner, (tx: object) => body(wrap(tx))) as Promise<unknown>).finally(() =>
              use.gauges?.inFlight.dec({ kind: 'transaction' }),
            );
          };
        }
        return typeof value === 'function' ? (value as AnyFunction).bind(inner) : value;
      },
    });
  return wrap(client) as PGlite;
}
