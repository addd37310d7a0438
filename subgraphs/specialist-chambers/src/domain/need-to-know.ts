import { BREAK_GLASS_SCOPE, denialReportExtension, type Caller } from '@mission-graph/service-kit';
import { GraphQLError } from 'graphql';

/** How a caller may see one protected witness's identity, location and relocations. */
export type WitnessAccessBasis = 'ASSIGNED' | 'BREAK_GLASS' | 'NONE';

/**
 * Need-to-know, decided per witness: the officers assigned to the witness (by token
 * subject) may see it; anyone else only by break-glass — the break-glass scope AND a
 * non-empty `X-Break-Glass` justification, never one without the other. The identity
 * scope and a declared purpose are needed on top (SDL rules, checked before this).
 */
export function witnessAccessBasis(caller: Caller, assignedOfficers: readonly string[]): WitnessAccessBasis {
  if (caller.subject && assignedOfficers.includes(caller.subject)) return 'ASSIGNED';
  if (caller.scopes.has(BREAK_GLASS_SCOPE) && (caller.breakGlass ?? '').trim().length > 0) return 'BREAK_GLASS';
  return 'NONE';
}

export function mayKnow(basis: WitnessAccessBasis): boolean {
  return basis !== 'NONE';
}

/**
 * The refusal: says why, names no identity detail. It tells the gateway — on the
 * internal channel, taken out before the client sees the error — which witness was
 * refused and where, so the attempt is recorded as a DENIED event (NEED_TO_KNOW).
 */
export function needToKnowError(witnessId: string, coordinate: string): GraphQLError {
  return new GraphQLError(
    'Need to know: only the protection officers assigned to this witness may see its identity, location and relocations (or break-glass with a justification)',
    {
      extensions: {
        code: 'FORBIDDEN',
        ...denialReportExtension({ reason: 'NEED_TO_KNOW', coordinate, entity: { type: 'ProtectedWitness', id: witnessId } }),
      },
    },
  );
}
