import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ErrorCode } from './errors.js';
import { redactError } from './log-redaction.js';

/**
 * Outside development an unexpected error (a database failure, a bug) reaches the
 * client as "Internal server error" only: no stack trace, SQL or host name. Typed
 * errors of the contract pass through, in every mode without a stack trace: they are
 * expected answers, not faults to debug. The original goes to the log, without the
 * personal data a failing statement repeats (log-redaction.ts).
 */
export function maskInternalErrors(development: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    // An expected error (one with a code of the contract) says what to fix; a stack
    // trace would only bury that, in development too.
    if (code !== ErrorCode.INTERNAL_SERVER_ERROR && code !== undefined) return withoutStacktrace(formatted);
    if (development) return formatted;
    // Without the values a failing statement carries (its parameters, the failing row).
    console.error(redactError(unwrapResolverError(error)));
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

function withoutStacktrace(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
