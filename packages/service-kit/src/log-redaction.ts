/**
 * Logs must never hold personal data, and a failing statement is where it leaks: drizzle's
 * error repeats every query parameter ("Failed query: … params: <name>,<location>"), the
 * driver's error carries them again (`params`, PGlite) along with the failing row
 * (`detail`: "Failing row contains (…)", "Key (…)=(…) already exists"), and some
 * PostgreSQL messages quote the offending value (`invalid input syntax for type uuid:
 * "…"`). Every error the kit logs — `maskInternalErrors`, the logger's `err` serializer,
 * so `console.error` routed to it too — passes through `redactError` first.
 *
 * What stays is what an operator needs to find the fault without the data: the error's
 * class, its message without values, the SQL text (parameterized, so without values), the
 * SQLSTATE, the constraint/table/column names, the routine and the stack frames.
 */

/** Error properties kept as they are: names and codes, never values. */
const KEPT_FIELDS = ['code', 'severity', 'constraint', 'constraint_name', 'table', 'table_name', 'column', 'column_name', 'schema', 'schema_name', 'dataType', 'routine', 'file', 'line'] as const;

const REDACTED = '[redacted]';
const MAX_CAUSES = 5;

/** A copy of `error` (and its causes) safe to log; anything not an Error is returned as is. */
export function redactError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return error;
  const message = redactMessage(error.message);
  const copy = new Error(message);
  copy.name = error.name;
  // The stack's first lines repeat the message: the frames are kept, the message replaced.
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  copy.stack = [`${error.name}: ${message}`, ...frames].join('\n');
  const source = error as unknown as Record<string, unknown>;
  const target = copy as unknown as Record<string, unknown>;
  for (const field of KEPT_FIELDS) {
    const value = source[field];
    if (typeof value === 'string' || typeof value === 'number') target[field] = value;
  }
  // A GraphQL error's code says what kind of fault it was; its other extensions may hold values.
  const code = (source.extensions as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') target.extensions = { code };
  // The statement that failed (a driver's `query`): parameterized SQL, without its parameters.
  if (typeof source.query === 'string') target.query = redactMessage(source.query);
  if (error.cause !== undefined && depth < MAX_CAUSES) copy.cause = redactError(error.cause, depth + 1);
  if (Array.isArray(source.errors)) target.errors = (source.errors as unknown[]).slice(0, 10).map((inner) => redactError(inner, depth + 1));
  return copy;
}

/**
 * A message without the values it quotes: drizzle's `params:` list (to the end of the
 * message), PostgreSQL's `DETAIL`/`Failing row`/`Key (…)=(…)` parts, and a value quoted
 * after a colon. Identifiers PostgreSQL quotes (`relation "x"`, `constraint "y"`) stay.
 */
export function redactMessage(message: string): string {
  return message
    .replace(/\bparams:[\s\S]*$/, `params: ${REDACTED}`)
    .replace(/\b(DETAIL:|Failing row contains|Key \()[\s\S]*$/, (_match, label: string) => `${label.replace(/ \($/, '')} ${REDACTED}`)
    .replace(/: "(?:[^"\\]|\\.|"")*"/g, `: "${REDACTED}"`)
    .replace(/: '(?:[^'\\]|\\.|'')*'/g, `: '${REDACTED}'`);
}
