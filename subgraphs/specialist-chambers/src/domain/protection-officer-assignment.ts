import { badUserInput, conflict, forbidden, type Caller } from '@mission-graph/service-kit';

/**
 * Four eyes on need-to-know: a protection officer sees a witness's identity only once
 * one principal proposed the assignment and another approved it — never the proposer,
 * never the officer. Revocation (by anyone holding the assign scope) closes access at
 * once. The database holds the same rules (migration `protection_officer_four_eyes`).
 *
 * What a refusal says matters as much as the refusal: who protects whom can get a
 * witness killed, so no answer here depends on assignments the caller did not make or
 * is not asked to approve. Proposing an officer who already protects the witness, or
 * revoking one who does not, answers exactly as the other case would.
 */

export type AssignmentAction = 'PROPOSED' | 'APPROVED' | 'REVOKED';

/** Where an assignment stands: the last of its steps. */
export type AssignmentStatus = AssignmentAction;

/** What the rules need to know about one assignment. */
export interface AssignmentFacts {
  officerSubject: string;
  proposedBy: string;
  status: AssignmentStatus;
}

/** REVOKED wins over everything, APPROVED over PROPOSED: the order steps can happen in. */
export function assignmentStatus(actions: readonly AssignmentAction[]): AssignmentStatus {
  if (actions.includes('REVOKED')) return 'REVOKED';
  if (actions.includes('APPROVED')) return 'APPROVED';
  return 'PROPOSED';
}

/** Only an approved, unrevoked assignment opens need-to-know. */
export function opensNeedToKnow(status: AssignmentStatus): boolean {
  return status === 'APPROVED';
}

/**
 * The principal taking a step: the `sub` of the caller's token. Without one, two
 * people cannot be told apart, so four eyes cannot hold.
 */
export function requirePrincipal(caller: Caller): string {
  const subject = caller.subject?.trim();
  if (!subject) {
    throw forbidden('Four eyes: assignments are proposed, approved and revoked by named principals; this token has no subject', {
      reason: 'PRINCIPAL_REQUIRED',
    });
  }
  return subject;
}

/**
 * The principal proposing or approving: a person. A machine (a client-credentials token,
 * whose `sub` is its own client id, or any token of a client registered as a machine)
 * is run by whoever runs the automation, so as a second pair of eyes it would let one
 * person propose with their own token and approve with the automation's. Revoking stays
 * open to machines: closing access quickly is always safe.
 */
export function requireHumanPrincipal(caller: Caller): string {
  const subject = requirePrincipal(caller);
  if (caller.machine || subject === caller.clientId) {
    throw forbidden('Four eyes: assignments are proposed and approved by people; this token is a machine client’s (client credentials)', {
      reason: 'HUMAN_PRINCIPAL_REQUIRED',
    });
  }
  return subject;
}

/** A principal id as the officer's token carries it in `sub`: 1 to 200 characters, no whitespace. */
export function checkOfficerSubject(officer: string, argument = 'input.officer'): string {
  if (!/^\S{1,200}$/.test(officer)) {
    throw badUserInput(argument, 'must be a principal id (the sub of a token): 1 to 200 characters, no whitespace');
  }
  return officer;
}

/** The refusals of four eyes; the database raises the same (see the stores' violation map). */
export const FOUR_EYES_REFUSALS = {
  selfProposal: () =>
    forbidden('Four eyes: nobody proposes themselves as a protection officer; another principal must propose you', {
      reason: 'SELF_PROPOSAL',
    }),
  proposerApproval: () =>
    forbidden('Four eyes: the principal who proposed an assignment cannot approve it; another principal must', {
      reason: 'PROPOSER_CANNOT_APPROVE',
    }),
  officerApproval: () =>
    forbidden('Four eyes: the proposed officer cannot approve their own assignment; another principal must', {
      reason: 'OFFICER_CANNOT_APPROVE',
    }),
};

/** Nobody proposes themselves. */
export function checkProposal(proposer: string, officer: string): void {
  if (proposer === officer) throw FOUR_EYES_REFUSALS.selfProposal();
}

/**
 * A pending proposal is approved by a second principal: neither the one who proposed
 * it nor the officer it proposes. Everything said here is about this proposal only.
 */
export function checkApproval(approver: string, assignment: AssignmentFacts): void {
  if (assignment.status !== 'PROPOSED') {
    throw conflict(`This assignment is ${assignment.status} and cannot be approved; only a pending proposal can`, {
      currentStatus: assignment.status,
      requestedStatus: 'APPROVED',
    });
  }
  if (approver === assignment.proposedBy) throw FOUR_EYES_REFUSALS.proposerApproval();
  if (approver === assignment.officerSubject) throw FOUR_EYES_REFUSALS.officerApproval();
}
