import { conflict } from '@mission-graph/service-kit';
import type { GraphQLError } from 'graphql';
import type { MissingPersonStatus, MorgueNextAction, MortalRemainsStatus } from '../db/schema.js';

/**
 * The status workflows of missing-person cases and mortal remains. The database
 * enforces the same tables with triggers (migration `morgue_and_status_workflow_rules`);
 * the service checks them first to answer with a CONFLICT naming both states.
 */

export type { MissingPersonStatus, MortalRemainsStatus };

/** The states a case may move to from each state; IDENTIFIED and CLOSED are final. */
export const MISSING_PERSON_TRANSITIONS: Readonly<Record<MissingPersonStatus, readonly MissingPersonStatus[]>> = {
  MISSING: ['REMAINS_RECOVERED', 'IDENTIFIED', 'CLOSED'],
  // remains believed to be the person's may turn out to be someone else's
  REMAINS_RECOVERED: ['MISSING', 'IDENTIFIED', 'CLOSED'],
  IDENTIFIED: [],
  CLOSED: [],
};

/** The states remains may move to from each state; RETURNED is final. */
export const MORTAL_REMAINS_TRANSITIONS: Readonly<Record<MortalRemainsStatus, readonly MortalRemainsStatus[]>> = {
  UNIDENTIFIED: ['UNDER_REVIEW', 'IDENTIFIED'],
  UNDER_REVIEW: ['UNIDENTIFIED', 'IDENTIFIED'],
  IDENTIFIED: ['RETURNED'],
  RETURNED: [],
};

export function canMoveMissingPerson(from: MissingPersonStatus, to: MissingPersonStatus): boolean {
  return MISSING_PERSON_TRANSITIONS[from].includes(to);
}

export function canMoveMortalRemains(from: MortalRemainsStatus, to: MortalRemainsStatus): boolean {
  return MORTAL_REMAINS_TRANSITIONS[from].includes(to);
}

/** The CONFLICT answered when a record is not in a state the requested change starts from. */
export function transitionConflict(
  type: 'MissingPerson' | 'MortalRemains',
  id: string,
  currentStatus: string,
  requestedStatus: string,
): GraphQLError {
  return conflict(`${type} "${id}" is ${currentStatus} and cannot move to ${requestedStatus}`, {
    type,
    id,
    currentStatus,
    requestedStatus,
  });
}

/** Remains a morgue review may concern: those not yet identified. */
export function isReviewable(status: MortalRemainsStatus): boolean {
  return status === 'UNIDENTIFIED' || status === 'UNDER_REVIEW';
}

/**
 * Where a morgue review leaves the remains: under review while a next step is planned,
 * back to unidentified when the review ends with no further action.
 */
export function remainsStatusAfterReview(
  nextAction: MorgueNextAction,
): MortalRemainsStatus {
  return nextAction === 'NO_FURTHER_ACTION' ? 'UNIDENTIFIED' : 'UNDER_REVIEW';
}
