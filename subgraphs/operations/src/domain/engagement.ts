import { badUserInput, conflict } from '@mission-graph/service-kit';
import { GraphQLError } from 'graphql';
import type { SecurityResponderCode } from '../db/schema.js';

/**
 * The three-tier mechanism: Kosovo Police responds first and may ask the EULEX FPU,
 * the FPU may ask KFOR. Engagement moves one tier at a time, so each responder asks
 * only the next tier up, and only once it is engaged itself.
 */
export const TIER_ORDER: readonly SecurityResponderCode[] = ['KOSOVO_POLICE', 'EULEX_FPU', 'KFOR'];

export type EngagementDecision = 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'WITHDRAWN';

/** The responder a request of `from` goes to: the next tier up (BAD_USER_INPUT for the last tier). */
export function nextTierOf(from: SecurityResponderCode, argument = 'input.fromResponder'): SecurityResponderCode {
  const next = TIER_ORDER[TIER_ORDER.indexOf(from) + 1];
  if (!next) throw badUserInput(argument, `${from} is the last tier of the mechanism and has no one to ask`);
  return next;
}

/**
 * A requester other than the first responder must itself be engaged on the incident
 * (an accepted request to it); otherwise CONFLICT.
 */
export function checkRequesterEngaged(from: SecurityResponderCode, requesterEngaged: boolean): void {
  if (from !== 'KOSOVO_POLICE' && !requesterEngaged) {
    throw conflict(`${from} is not engaged on this incident, so it cannot ask the next tier`, {
      argument: 'input.fromResponder',
      currentState: 'NOT_ENGAGED',
      requestedState: 'ENGAGEMENT_REQUESTED',
    });
  }
}

/**
 * Moves a request from its current decision to `requested`: only a PENDING request
 * can be accepted, declined or withdrawn. Anything else is CONFLICT naming both states.
 */
export function checkDecisionTransition(id: string, current: EngagementDecision, requested: EngagementDecision): void {
  if (current !== 'PENDING') {
    throw conflict(`engagement request "${id}" is ${current}; it cannot become ${requested}`, {
      currentState: current,
      requestedState: requested,
    });
  }
}

export const ENGAGEMENT_NOT_REQUESTED = 'ENGAGEMENT_NOT_REQUESTED';

/** The FPU engages only at the explicit (accepted, not withdrawn) request of Kosovo Police. */
export function engagementNotRequested(incidentId: string, latest: EngagementDecision | null): GraphQLError {
  const found = latest ? `its request is ${latest}` : 'there is no request';
  return new GraphQLError(
    `the FPU engages only at the explicit request of Kosovo Police: incident "${incidentId}" has no accepted request of Kosovo Police to the FPU (${found})`,
    { extensions: { code: ENGAGEMENT_NOT_REQUESTED, argument: 'input.incidentId', incidentId, requestDecision: latest } },
  );
}
