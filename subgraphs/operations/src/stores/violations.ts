import { badUserInput, conflict, type ViolationMap } from '@mission-graph/service-kit';
import { GraphQLError } from 'graphql';
import { ENGAGEMENT_NOT_REQUESTED } from '../domain/engagement.js';

/**
 * Every constraint a mutation of this subgraph can run into, with the typed error a
 * client gets for it. The stores check each rule before writing, with a precise
 * message; these are the backstop when the database is the one that refuses (a rule
 * checked in the same transaction by a concurrent writer, a rule only the database sees).
 */
export const OPERATIONS_VIOLATIONS: ViolationMap = {
  incidents_municipality_not_blank: () => badUserInput('input.municipality', 'must not be blank'),
  incidents_description_not_blank: () => badUserInput('input.description', 'must not be blank'),
  engagement_requests_one_live_per_tier_idx: () =>
    conflict('a pending or accepted request to this responder already exists for the incident', {
      currentState: 'ENGAGEMENT_REQUESTED',
      requestedState: 'ENGAGEMENT_REQUESTED',
    }),
  engagement_requests_after_incident: () => badUserInput('input.requestedAt', 'must not be before the incident'),
  engagement_requests_requester_engaged: () =>
    conflict('the requester is not engaged on this incident, so it cannot ask the next tier', {
      currentState: 'NOT_ENGAGED',
      requestedState: 'ENGAGEMENT_REQUESTED',
    }),
  engagement_requests_decided_after_requested: () => badUserInput('input.decidedAt', 'must not be before the request'),
  engagement_requests_decision_is_final: () =>
    conflict('the engagement request was already answered or withdrawn', { requestedState: 'DECIDED' }),
  deployments_require_accepted_request: () =>
    new GraphQLError('the FPU engages only at the explicit request of Kosovo Police: no accepted request for this incident', {
      extensions: { code: ENGAGEMENT_NOT_REQUESTED, argument: 'input.incidentId' },
    }),
  deployments_engagement_request_id_unique: () =>
    conflict('the FPU is already deployed on this request of Kosovo Police', {
      currentState: 'DEPLOYED',
      requestedState: 'DEPLOYED',
    }),
  deployments_start_after_acceptance: () =>
    badUserInput('input.startedAt', 'must not be before the request was accepted'),
  deployments_within_available_strength: () =>
    badUserInput('input.officersCommitted', 'exceeds the officers the unit has available'),
  deployments_officers_committed_within_unit: () =>
    badUserInput('input.officersCommitted', 'must be between 1 and 105'),
  deployments_end_after_start: () => badUserInput('input.endedAt', 'must be after the deployment started'),
  deployments_end_is_final: () => conflict('the deployment has already ended', { currentState: 'ENDED', requestedState: 'ENDED' }),
  deployment_officers_officer_id_officers_id_fk: () => badUserInput('input.officerIds', 'names an officer who does not exist'),
  deployment_officers_one_open_deployment: () =>
    conflict('an officer named is already on an open deployment', { currentState: 'DEPLOYED', requestedState: 'DEPLOYED' }),
  deployment_officers_within_committed: () => badUserInput('input.officerIds', 'names more officers than are committed'),
  patrols_one_per_area_and_shift_key: () =>
    conflict('a patrol of this area is already logged for this shift', { currentState: 'LOGGED', requestedState: 'LOGGED' }),
  patrols_area_not_blank: () => badUserInput('input.area', 'must not be blank'),
  exercises_ends_on_or_after_start: () => badUserInput('input.endsOn', 'must not be before input.startsOn'),
  exercises_title_not_blank: () => badUserInput('input.title', 'must not be blank'),
  exercises_location_not_blank: () => badUserInput('input.location', 'must not be blank'),
  exercises_objectives_not_blank: () => badUserInput('input.objectives', 'must not be blank'),
  exercises_joint_with_fpu: () =>
    badUserInput('input.participants', 'a joint exercise needs the FPU and at least one other responder'),
  exercises_outcome_after_last_day: () =>
    conflict('the exercise has not reached its last day; its outcome cannot be recorded yet', {
      currentState: 'SCHEDULED',
      requestedState: 'OUTCOME_RECORDED',
    }),
  exercises_outcome_is_final: () =>
    conflict('the outcome of the exercise is already recorded', {
      currentState: 'OUTCOME_RECORDED',
      requestedState: 'OUTCOME_RECORDED',
    }),
  exercises_outcome_not_blank: () => badUserInput('input.outcome', 'outcome and lessons learned must not be blank'),
};

