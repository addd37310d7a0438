import { badUserInput, conflict, type ViolationMap } from '@mission-graph/service-kit';
import { FOUR_EYES_REFUSALS } from '../domain/protection-officer-assignment.js';

const closed = () =>
  conflict('The protected witness has EXITED and the file is closed: nothing can be added to it', {
    currentStatus: 'EXITED',
    reason: 'WITNESS_EXITED',
  });

/**
 * The programme's constraints and triggers, by name, as typed errors. Messages name
 * the argument, never the value of an identity field.
 */
export const WITNESS_VIOLATIONS: ViolationMap = {
  protected_witnesses_codename_format: () => badUserInput('input.codename', 'must be a word of 3 to 12 capitals and a number, like "KESTREL-07"'),
  witness_identities_full_name_not_blank: () => badUserInput('input.identity.fullName', 'must not be blank'),
  witness_identities_current_location_not_blank: () => badUserInput('input.identity.currentLocation', 'must not be blank'),
  witness_identities_date_of_birth_plausible: () => badUserInput('input.identity.dateOfBirth', 'must not be before 1900-01-01'),
  threat_assessments_summary_not_blank: () => badUserInput('input.summary', 'must have 1 to 2000 characters'),
  threat_assessments_occurred_on_plausible: () => badUserInput('input.occurredOn', 'must not be before 2000-01-01'),
  threat_assessments_after_referral: () => badUserInput('input.occurredOn', 'must not precede the referral'),
  threat_assessments_witness_open: closed,
  relocations_to_location_not_blank: () => badUserInput('input.toLocation', 'must not be blank'),
  relocations_moves_somewhere_else: () => badUserInput('input.toLocation', 'must differ from the current location'),
  relocations_occurred_on_plausible: () => badUserInput('input.occurredOn', 'must not be before 2000-01-01'),
  relocations_after_referral: () => badUserInput('input.occurredOn', 'must not precede the referral'),
  relocations_witness_open: closed,
  relocations_witness_admitted: () =>
    conflict('Only an ADMITTED or RELOCATED protected witness can be relocated', { requestedStatus: 'RELOCATED', reason: 'NOT_ADMITTED' }),
  protection_officer_assignments_officer_format: () =>
    badUserInput('input.officer', 'must be a principal id: 1 to 200 characters, no whitespace'),
  protection_officer_assignment_events_witness_open: closed,
  protection_officer_assignments_not_self_proposed: FOUR_EYES_REFUSALS.selfProposal,
  protection_officer_assignment_events_not_approved_by_proposer: FOUR_EYES_REFUSALS.proposerApproval,
  protection_officer_assignment_events_not_approved_by_officer: FOUR_EYES_REFUSALS.officerApproval,
  // A concurrent step got there first (the service reads the assignment under the
  // witness's lock, so only another writer than the service meets these).
  protection_officer_assignment_events_once: () =>
    conflict('This assignment changed meanwhile; nothing was changed, read it again', { reason: 'CHANGED_MEANWHILE' }),
  protection_officer_assignment_events_revocation_final: () =>
    conflict('This assignment was revoked and cannot be approved', { currentStatus: 'REVOKED', requestedStatus: 'APPROVED' }),
  protected_witnesses_status_transition: () =>
    conflict('This status change is not a legal move of the protection programme', { reason: 'ILLEGAL_TRANSITION' }),
  protected_witnesses_assessment_required: () =>
    conflict('An assessed or admitted protected witness needs a threat assessment', { reason: 'THREAT_ASSESSMENT_REQUIRED' }),
  protected_witnesses_relocation_required: () =>
    conflict('A relocated protected witness needs a recorded relocation', { reason: 'RELOCATION_REQUIRED' }),
};

/** Support requests: the constraints a write may hit (the domain checks the same rules first). */
export const SUPPORT_REQUEST_VIOLATIONS: ViolationMap = {
  support_requests_reference_format: () => badUserInput('input.reference', 'must look like "KSC-2025-0042"'),
  support_requests_reference_matches_institution: () =>
    badUserInput('input.reference', 'KSC- references belong to the Chambers, SPO- ones to the Prosecutor\'s Office'),
  support_requests_title_not_blank: () => badUserInput('input.title', 'must have 1 to 200 characters'),
  support_requests_description_not_blank: () => badUserInput('input.description', 'must not be blank'),
  support_requests_deployment_only_operational: () =>
    badUserInput('input.deploymentId', 'only an OPERATIONAL support request can be linked to a deployment'),
  support_request_transitions_note_length: () => badUserInput('input.note', 'must have 1 to 2000 characters'),
};
