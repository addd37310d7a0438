import { GraphQLError } from 'graphql';

/**
 * The typed errors of the contract (docs/errors.md).
 * Resolvers throw these; anything else is an internal error and is masked.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

/** Bad input, naming the argument (dotted path for input fields, e.g. `filter.from`). */
export function badUserInput(argument: string, message: string): GraphQLError {
  return new GraphQLError(`Invalid argument "${argument}": ${message}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, argument },
  });
}

export function notFound(type: string, id: string): GraphQLError {
  return new GraphQLError(`${type} "${id}" was not found`, {
    extensions: { code: ErrorCode.NOT_FOUND, type, id },
  });
}

export function conflict(message: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.CONFLICT, ...details } });
}

/**
 * The caller may not do this to this record (need-to-know, four eyes), though its
 * scopes allow the operation. `reason` says which rule refused, in words that reveal
 * nothing about other people's records.
 */
export function forbidden(message: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN, ...details } });
}
