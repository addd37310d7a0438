import { badUserInput, conflict, type ViolationMap } from '@mission-graph/service-kit';

/**
 * The typed error each database constraint of the forensics schema answers with, for
 * `rethrowAsTypedError`. The domain functions refuse the same input earlier with a more
 * precise message; these cover what only the database can see (concurrent writers,
 * rows that vanished) and guarantee no raw SQL error reaches a client.
 */
type Mapping = ViolationMap;

const bad = (argument: string, message: string) => () => badUserInput(argument, message);

export const MISSING_PERSON_VIOLATIONS: Mapping = {
  missing_persons_case_number_unique: () =>
    conflict('A missing-person case with this case number is already recorded', { argument: 'input.caseNumber' }),
  missing_persons_case_number_format: bad('input.caseNumber', 'must look like "MP-1999-00042"'),
  missing_persons_case_number_year: bad('input.caseNumber', 'must carry the year of the disappearance'),
  missing_persons_disappearance_in_period: bad('input.disappearanceDate', 'must be between 1998-01-01 and 2000-12-31'),
  missing_persons_born_before_disappearance: bad('input.dateOfBirth', 'must not be after the disappearance'),
  missing_persons_municipality_known: bad('input.municipality', 'must be a listed Kosovo municipality'),
  missing_persons_name_given: bad('input.fullName', 'must not be empty'),
};

export const GRAVE_SITE_VIOLATIONS: Mapping = {
  grave_sites_site_code_unique: () =>
    conflict('A grave site with this site code is already recorded', { argument: 'input.siteCode' }),
  grave_sites_site_code_format: bad('input.siteCode', 'must look like "GS-0042"'),
  grave_sites_municipality_known: bad('input.municipality', 'must be a listed Kosovo municipality'),
  grave_sites_latitude_range: bad('input.latitude', 'must be between -90 and 90 degrees'),
  grave_sites_longitude_range: bad('input.longitude', 'must be between -180 and 180 degrees'),
};

export const FIELD_OPERATION_VIOLATIONS: Mapping = {
  field_operations_reference_unique: () =>
    conflict('A field operation with this reference is already recorded', { argument: 'input.reference' }),
  field_operations_reference_format: bad('input.reference', 'must look like "FO-2019-0412"'),
  field_operations_reference_year: bad('input.reference', 'must carry the year the operation started'),
  field_operations_within_mandate: bad('input.startedOn', 'must be on or after 2008-12-09, the start of the mandate'),
  field_operations_ends_after_start: bad('input.endedOn', 'must not be before input.startedOn'),
  field_operations_digging_needs_site: bad('input.siteId', 'is required: excavations and exhumations are at a recorded grave site'),
  field_operations_partners_named: bad('input.partnerInstitutions', 'must not contain empty names'),
};

export const MORTAL_REMAINS_VIOLATIONS: Mapping = {
  mortal_remains_reference_unique: () =>
    conflict('Mortal remains with this reference are already recorded', { argument: 'input.reference' }),
  mortal_remains_reference_format: bad('input.reference', 'must look like "MR-00042"'),
  mortal_remains_recovered_by_exhumation: bad('input.recoveredBy', 'must be an exhumation: only exhumations recover remains'),
  mortal_remains_held_unless_returned: bad('input.heldAt', 'must name where the remains are held'),
};

export const MORGUE_REVIEW_VIOLATIONS: Mapping = {
  morgue_reviews_of_unidentified_remains: () =>
    conflict('Only unidentified remains can be reviewed; these are identified already', {
      argument: 'input.remainsId',
      requestedStatus: 'UNDER_REVIEW',
    }),
  morgue_reviews_within_mandate: bad('input.reviewedOn', 'must be on or after 2008-12-09, the start of the mandate'),
  morgue_reviews_findings_given: bad('input.findings', 'must not be empty'),
  mortal_remains_status_transition: () =>
    conflict('The remains changed status meanwhile and cannot be put under review', { requestedStatus: 'UNDER_REVIEW' }),
};

export const IDENTIFICATION_VIOLATIONS: Mapping = {
  identifications_remains_id_unique: () =>
    conflict('These remains are already identified: a set of remains identifies at most one individual', {
      argument: 'input.remainsId',
      currentStatus: 'IDENTIFIED',
      requestedStatus: 'IDENTIFIED',
    }),
  identifications_missing_person_id_unique: () =>
    conflict('This missing person is already identified: a case is identified at most once', {
      argument: 'input.missingPersonId',
      currentStatus: 'IDENTIFIED',
      requestedStatus: 'IDENTIFIED',
    }),
  identifications_within_mandate: bad('input.identifiedOn', 'must be on or after 2008-12-09, the start of the mandate'),
  identifications_institution_named: bad('input.confirmingInstitution', 'must not be empty'),
  identifications_family_notified_after_identification: bad('input.familyNotifiedOn', 'must not be before the identification'),
  mortal_remains_status_transition: () =>
    conflict('The remains changed status meanwhile and cannot be identified', { requestedStatus: 'IDENTIFIED' }),
  missing_persons_status_transition: () =>
    conflict('The missing-person case changed status meanwhile and cannot be identified', { requestedStatus: 'IDENTIFIED' }),
};

export const REMAINS_HANDOVER_VIOLATIONS: Mapping = {
  remains_handovers_remains_id_unique: () =>
    conflict('These remains were returned already', { argument: 'input.remainsId', currentStatus: 'RETURNED', requestedStatus: 'RETURNED' }),
  remains_handovers_within_mandate: bad('input.handedOverOn', 'must be on or after 2008-12-09, the start of the mandate'),
  remains_handovers_relative_named: bad('input.receivingRelative', 'must have 1 to 300 characters'),
  remains_handovers_of_identified_remains: () =>
    conflict('Only identified remains are returned to a family', { argument: 'input.remainsId', requestedStatus: 'RETURNED' }),
  remains_handovers_after_identification: bad('input.handedOverOn', 'must not be before the identification'),
  remains_handovers_remains_id_mortal_remains_id_fk: () => badUserInput('input.remainsId', 'names no recorded remains'),
  mortal_remains_status_transition: () =>
    conflict('The remains changed status meanwhile and cannot be returned', { requestedStatus: 'RETURNED' }),
};

export const MISSING_PERSON_TRANSITION_VIOLATIONS: Mapping = {
  missing_persons_status_transition: () =>
    conflict('The missing-person case changed status meanwhile; this move is not legal from its current status'),
  missing_persons_closed_with_reason: bad('input.closure', 'is required with CLOSED, and only with it'),
  missing_persons_closed_within_mandate: bad('input.closure.closedOn', 'must be on or after 2008-12-09, the start of the mandate'),
};
