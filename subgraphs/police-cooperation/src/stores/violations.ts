import { badUserInput, conflict, type ViolationMap } from '@mission-graph/service-kit';

/** Recording a request: its constraints as typed errors (the domain checks the same rules first). */
export const EXCHANGE_REQUEST_RECORD_VIOLATIONS: ViolationMap = {
  information_exchange_requests_h3_conditions: () =>
    badUserInput('input.handlingConditions', 'is required with handling code H3 and only with it'),
  information_exchange_requests_serbian_moi_legal_basis: () =>
    badUserInput('input.legalBasis', 'is required for the Serbian Ministry of Interior channel'),
  information_exchange_requests_legal_basis_present: () => badUserInput('input.legalBasis', 'must not be empty'),
  information_exchange_requests_text_lengths: () => badUserInput('input', 'a text field is longer than its limit'),
  information_exchange_requests_counterpart_present: () => badUserInput('input.counterpart', 'must not be empty'),
  information_exchange_requests_unit_present: () => badUserInput('input.kosovoPoliceUnit', 'must not be empty'),
  information_exchange_requests_subject_present: () => badUserInput('input.subject', 'must not be empty'),
  information_exchange_requests_reference_format: () =>
    conflict('The reference serials of this channel are exhausted (six digits); no request was recorded'),
  information_exchange_requests_reference_unique: () =>
    conflict('A request with the generated reference exists already; no request was recorded, retry'),
};

/** Moving a request along its workflow: the rules only the database sees under concurrency. */
export const EXCHANGE_REQUEST_TRANSITION_VIOLATIONS: ViolationMap = {
  information_exchange_requests_legal_transition: () =>
    conflict('The request changed state meanwhile and this move is not legal from its current state; nothing was changed'),
  exchange_request_transitions_request_sequence_unique: () =>
    conflict('The request changed state meanwhile; nothing was changed, read it again and retry'),
  exchange_request_transitions_chain_target: () =>
    conflict('The request changed state meanwhile; nothing was changed, read it again and retry'),
  exchange_request_transitions_chain_shape: () =>
    badUserInput('input.occurredOn', "must not be before the request's latest step"),
  exchange_request_transitions_legal_step: () => conflict('This move is not a legal step of the workflow; nothing was changed'),
  information_exchange_requests_answered_after_request: () =>
    badUserInput('input.occurredOn', 'an answer must not be dated before the request'),
};
