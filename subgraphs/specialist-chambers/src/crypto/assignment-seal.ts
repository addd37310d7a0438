import { createHmac, timingSafeEqual } from 'node:crypto';
import { assignmentStatus, type AssignmentAction, type AssignmentStatus } from '../domain/protection-officer-assignment.js';

/**
 * Steps of a protection-officer assignment authenticated by a key that is not in the
 * database (`WITNESS_ASSIGNMENT_KEY`), so that rights on the database alone open nothing:
 * - each step carries `mac = HMAC(key, assignment ‖ step ‖ mac of the step before)`: a
 *   step written straight into the table, edited, or moved to another assignment fails;
 * - each assignment has a head, `HMAC(key, "head" ‖ assignment id ‖ mac of its last
 *   step)`, rewritten with every step: deleting the newest step (a revocation) leaves a
 *   chain that no longer ends where the head says, and the assignment counts as revoked.
 * Need-to-know honours only an intact chain. What this cannot see is a rollback to a
 * state that was once valid (an old head and the rows as they were, e.g. from a backup):
 * see docs/design-decisions.md.
 */

/** The assignment facts every step's MAC covers: who, for whom, proposed by whom. */
export interface SealedAssignment {
  id: string;
  witnessId: string;
  officerSubject: string;
  proposedBy: string;
}

/** One step as stored: `occurredAt` in the store's canonical ISO form (microseconds, UTC). */
export interface SealedStep {
  id: string;
  action: AssignmentAction;
  actor: string;
  occurredAt: string;
  mac: string | null;
}

/** Steps happen in this order, each at most once: the chain's order. */
const ORDER: Record<AssignmentAction, number> = { PROPOSED: 0, APPROVED: 1, REVOKED: 2 };

/** The chain's start: a proposal has no step before it. */
const GENESIS = '';

const hmac = (key: Buffer, fields: readonly string[]) =>
  createHmac('sha256', key).update(JSON.stringify(fields)).digest('hex');

export function stepMac(key: Buffer, assignment: SealedAssignment, step: Omit<SealedStep, 'mac'>, previousMac: string): string {
  return hmac(key, [
    'protection-officer-step/v1',
    assignment.id,
    assignment.witnessId,
    assignment.officerSubject,
    assignment.proposedBy,
    step.id,
    step.action,
    step.actor,
    step.occurredAt,
    previousMac,
  ]);
}

export function headMac(key: Buffer, assignmentId: string, lastStepMac: string): string {
  return hmac(key, ['protection-officer-head/v1', assignmentId, lastStepMac]);
}

const same = (a: string | null, b: string) => a !== null && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Steps in chain order. */
export function inChainOrder<Step extends { action: AssignmentAction }>(steps: readonly Step[]): Step[] {
  return [...steps].sort((a, b) => ORDER[a.action] - ORDER[b.action]);
}

/** The MAC the next step chains to: the stored MAC of the newest step (genesis for none). */
export function lastMacOf(steps: readonly SealedStep[]): string {
  return inChainOrder(steps).at(-1)?.mac ?? GENESIS;
}

export interface VerifiedAssignment {
  /** Where the assignment stands: from its steps when intact, REVOKED (closed) when not. */
  status: AssignmentStatus;
  /** Every step authenticates, in order, from the proposal to the head. */
  intact: boolean;
}

/**
 * Checks an assignment's chain and head. Anything that does not authenticate closes the
 * assignment (fail closed): a forged approval opens nothing, a deleted revocation does
 * not reopen.
 */
export function verifyAssignment(key: Buffer, assignment: SealedAssignment, steps: readonly SealedStep[], head: string | null): VerifiedAssignment {
  const ordered = inChainOrder(steps);
  let previous = GENESIS;
  let intact = ordered.length > 0 && ordered[0]!.action === 'PROPOSED' && new Set(ordered.map((step) => step.action)).size === ordered.length;
  for (const step of ordered) {
    if (!intact) break;
    const expected = stepMac(key, assignment, step, previous);
    intact = same(step.mac, expected);
    previous = expected;
  }
  intact = intact && same(head, headMac(key, assignment.id, previous));
  return intact ? { status: assignmentStatus(ordered.map((step) => step.action)), intact } : { status: 'REVOKED', intact };
}
