import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/**
 * `Date` (YYYY-MM-DD) and `DateTime` (ISO-8601 with offset) travel as strings and stay
 * strings inside resolvers, so no time zone ever shifts a calendar date. Impossible
 * dates (2021-02-30) are refused, not rolled over.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export function isIsoDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function isIsoDateTime(value: string): boolean {
  return DATE_TIME.test(value) && isIsoDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value));
}

function toDateString(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string' && isIsoDate(value.slice(0, 10))) return value.slice(0, 10);
  throw new GraphQLError(`Date cannot represent ${String(value)}`);
}

function toDateTimeString(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
    return new Date(value).toISOString();
  }
  throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
}

// Parsing throws a plain TypeError, not a GraphQLError: graphql-js then wraps it with
// the offending value's location, which is how the gateway names the argument.
function parseWith(check: (v: string) => boolean, name: string, example: string) {
  return (value: unknown): string => {
    if (typeof value !== 'string' || !check(value)) {
      throw new TypeError(
        `${name} must be an ISO-8601 ${name === 'Date' ? 'calendar date' : 'date-time'} like ${example}; got ${JSON.stringify(value)}`,
      );
    }
    return value;
  };
}

const parseDate = parseWith(isIsoDate, 'Date', '"2025-06-14"');
const parseDateTime = parseWith(isIsoDateTime, 'DateTime', '"2025-06-14T08:00:00Z"');

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, ISO-8601 `YYYY-MM-DD`.',
  serialize: toDateString,
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, ISO-8601 with a UTC offset, e.g. `2025-06-14T08:00:00Z`.',
  serialize: toDateTimeString,
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const scalarResolvers = { Date: DateScalar, DateTime: DateTimeScalar };
