import type { GraphQLError } from 'graphql';

/**
 * Constraints live in the database; this turns their violations into the typed
 * errors of the contract. Both drivers report the SQLSTATE code and the constraint
 * name, under different property names (postgres.js: `constraint_name`, PGlite:
 * `constraint`), and drizzle may wrap the driver's error in `cause`.
 */
export interface DatabaseViolation {
  /** SQLSTATE, e.g. 23505 unique, 23514 check, 23503 foreign key, 23P01 exclusion. */
  code: string;
  constraint: string | undefined;
}

export const SQLSTATE = {
  UNIQUE: '23505',
  CHECK: '23514',
  FOREIGN_KEY: '23503',
  NOT_NULL: '23502',
  EXCLUSION: '23P01',
  RAISED: 'P0001',
} as const;

export function databaseViolation(error: unknown): DatabaseViolation | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const candidate = current as { code?: unknown; constraint?: unknown; constraint_name?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      const constraint = candidate.constraint_name ?? candidate.constraint;
      return { code: candidate.code, constraint: typeof constraint === 'string' ? constraint : undefined };
    }
    current = candidate.cause;
  }
  return undefined;
}

/**
 * Constraint name → the typed error a client gets for it. Every subgraph keeps its maps
 * in `stores/violations.ts`, one per kind of write, named `<WRITE>_VIOLATIONS`.
 */
export type ViolationMap = Readonly<Record<string, (violation: DatabaseViolation) => GraphQLError>>;

/**
 * Rethrows a constraint violation as the typed error `byConstraint` names for it;
 * anything else is rethrown unchanged (and masked as an internal error).
 */
export function rethrowAsTypedError(
  error: unknown,
  byConstraint: ViolationMap,
): never {
  const violation = databaseViolation(error);
  const typed = violation?.constraint ? byConstraint[violation.constraint]?.(violation) : undefined;
  throw typed ?? error;
}
