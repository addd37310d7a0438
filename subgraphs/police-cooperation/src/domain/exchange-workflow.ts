import { badUserInput, conflict } from '@mission-graph/service-kit';
import type { GraphQLError } from 'graphql';
import type { ExchangeDirection, ExchangeRequestStatus } from '../db/schema.js';

/**
 * The workflow of an information-exchange request:
 * RECEIVED / SENT → FORWARDED → ANSWERED → CLOSED, and REJECTED from any state before
 * an answer. The same table is in the database (trigger
 * `information_exchange_requests_legal_transition`, CHECK `exchange_request_transitions_legal_step`).
 */
export const LEGAL_TRANSITIONS: Readonly<Record<ExchangeRequestStatus, readonly ExchangeRequestStatus[]>> = {
  RECEIVED: ['FORWARDED', 'REJECTED'],
  SENT: ['FORWARDED', 'REJECTED'],
  FORWARDED: ['ANSWERED', 'REJECTED'],
  ANSWERED: ['CLOSED'],
  CLOSED: [],
  REJECTED: [],
};

/** The state a request starts in: what Kosovo Police did with it. */
export function entryStatus(direction: ExchangeDirection): ExchangeRequestStatus {
  return direction;
}

export function canTransition(from: ExchangeRequestStatus, to: ExchangeRequestStatus): boolean {
  return LEGAL_TRANSITIONS[from].includes(to);
}

/** CONFLICT naming the current and the requested state, and what would be allowed. */
export function illegalTransition(
  reference: string,
  current: ExchangeRequestStatus,
  requested: ExchangeRequestStatus,
): GraphQLError {
  const allowed = LEGAL_TRANSITIONS[current];
  return conflict(
    `Request ${reference} is ${current} and cannot move to ${requested}; ` +
      (allowed.length > 0 ? `from ${current} it may move to ${allowed.join(' or ')}` : `${current} is final`),
    { currentStatus: current, requestedStatus: requested, allowedStatuses: [...allowed] },
  );
}

/** The request as a transition sees it. */
export interface TransitionSubject {
  reference: string;
  status: ExchangeRequestStatus;
  requestDate: string;
  /** The day of the latest history entry. */
  lastOccurredOn: string;
}

/** What a legal transition changes on the request. */
export interface TransitionPlan {
  status: ExchangeRequestStatus;
  /** Set when the request becomes ANSWERED; unchanged otherwise. */
  answeredOn?: string;
}

/**
 * Checks a requested transition: legal from the current state (CONFLICT otherwise) and
 * dated no earlier than the request's latest history entry (BAD_USER_INPUT on `input.occurredOn`).
 */
export function planTransition(
  request: TransitionSubject,
  to: ExchangeRequestStatus,
  occurredOn: string,
): TransitionPlan {
  if (!canTransition(request.status, to)) throw illegalTransition(request.reference, request.status, to);
  const notBefore = request.lastOccurredOn > request.requestDate ? request.lastOccurredOn : request.requestDate;
  if (occurredOn < notBefore) {
    throw badUserInput(
      'input.occurredOn',
      `must not be before ${notBefore}, the day of the request's latest step (${request.status}); got ${occurredOn}`,
    );
  }
  return to === 'ANSWERED' ? { status: to, answeredOn: occurredOn } : { status: to };
}
