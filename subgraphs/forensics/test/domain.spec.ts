import { describe, expect, it } from 'vitest';
import {
  checkFieldOperationInput,
  checkGraveSiteInput,
  checkIdentificationInput,
  checkMissingPersonInput,
  checkMorgueReviewInput,
  checkMortalRemainsInput,
  recoversRemains,
} from '../src/domain/records.js';
import { normaliseGroupBy } from '../src/domain/statistics.js';
import {
  canMoveMissingPerson,
  canMoveMortalRemains,
  isReviewable,
  remainsStatusAfterReview,
} from '../src/domain/workflow.js';

/** The `extensions` of the GraphQL error `run` throws. */
function refusal(run: () => unknown): Record<string, unknown> | undefined {
  try {
    run();
  } catch (error) {
    return { ...(error as { extensions?: Record<string, unknown> }).extensions, message: (error as Error).message };
  }
  throw new Error('accepted');
}

const person = {
  caseNumber: 'MP-1999-01234',
  disappearanceDate: '1999-04-12',
  municipality: 'Prizren',
  fullName: '  Synthetic Person 9001 ',
};

describe('missing-person rules', () => {
  it('accepts the first and last day of the mandate period and normalises text', () => {
    expect(checkMissingPersonInput({ ...person, caseNumber: 'MP-1998-00001', disappearanceDate: '1998-01-01' }).disappearanceDate).toBe('1998-01-01');
    expect(checkMissingPersonInput({ ...person, caseNumber: 'MP-2000-00001', disappearanceDate: '2000-12-31' }).disappearanceDate).toBe('2000-12-31');
    expect(checkMissingPersonInput(person)).toEqual({
      ...person,
      fullName: 'Synthetic Person 9001',
      dateOfBirth: null,
      placeLastSeen: null,
      familyContact: null,
    });
  });

  it.each([
    ['1997-12-31', 'MP-1997-00001'],
    ['2001-01-01', 'MP-2001-00001'],
  ])('refuses a disappearance on %s, outside 1998-2000', (disappearanceDate, caseNumber) => {
    expect(refusal(() => checkMissingPersonInput({ ...person, caseNumber, disappearanceDate }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'input.disappearanceDate',
      message: expect.stringContaining('between 1998-01-01 and 2000-12-31'),
    });
  });

  it('refuses a malformed case number, one of another year, a birth after the disappearance, an unknown municipality, a blank name', () => {
    expect(refusal(() => checkMissingPersonInput({ ...person, caseNumber: 'MP-99-1' }))).toMatchObject({ argument: 'input.caseNumber' });
    expect(refusal(() => checkMissingPersonInput({ ...person, caseNumber: 'MP-2000-01234' }))).toMatchObject({ argument: 'input.caseNumber' });
    expect(refusal(() => checkMissingPersonInput({ ...person, dateOfBirth: '1999-04-13' }))).toMatchObject({ argument: 'input.dateOfBirth' });
    expect(refusal(() => checkMissingPersonInput({ ...person, municipality: 'Atlantis' }))).toMatchObject({ argument: 'input.municipality' });
    expect(refusal(() => checkMissingPersonInput({ ...person, fullName: '   ' }))).toMatchObject({ argument: 'input.fullName' });
    expect(refusal(() => checkMissingPersonInput({ ...person, familyContact: ' ' }))).toMatchObject({ argument: 'input.familyContact' });
  });
});

describe('field-work rules', () => {
  const operation = { reference: 'FO-2024-9001', kind: 'EXHUMATION' as const, startedOn: '2024-05-01', siteId: 'x' };

  it('requires a site for excavations and exhumations only', () => {
    expect(refusal(() => checkFieldOperationInput({ ...operation, siteId: null }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'input.siteId',
    });
    expect(refusal(() => checkFieldOperationInput({ ...operation, kind: 'EXCAVATION', siteId: null }))).toMatchObject({ argument: 'input.siteId' });
    expect(checkFieldOperationInput({ ...operation, kind: 'SURVEY', siteId: null }).siteId).toBeNull();
  });

  it('keeps operations in the mandate, ending after they start, named by their year, partners named once', () => {
    expect(refusal(() => checkFieldOperationInput({ ...operation, reference: 'FO-2008-9001', startedOn: '2008-12-08' }))).toMatchObject({ argument: 'input.startedOn' });
    expect(refusal(() => checkFieldOperationInput({ ...operation, endedOn: '2024-04-30' }))).toMatchObject({ argument: 'input.endedOn' });
    expect(refusal(() => checkFieldOperationInput({ ...operation, reference: 'FO-2023-9001' }))).toMatchObject({ argument: 'input.reference' });
    expect(refusal(() => checkFieldOperationInput({ ...operation, partnerInstitutions: ['Kosovo Police', ''] }))).toMatchObject({
      argument: 'input.partnerInstitutions.1',
    });
    expect(
      checkFieldOperationInput({ ...operation, partnerInstitutions: [' Kosovo Police', 'Kosovo Police'] }).partnerInstitutions,
    ).toEqual(['Kosovo Police']);
  });

  it('checks grave sites: code, coordinates, municipality; SUSPECTED by default', () => {
    const site = { siteCode: 'GS-9001', kind: 'MASS' as const, municipality: 'Pejë/Peć', latitude: 42.6, longitude: 20.3 };
    expect(checkGraveSiteInput(site).status).toBe('SUSPECTED');
    expect(refusal(() => checkGraveSiteInput({ ...site, siteCode: 'G-1' }))).toMatchObject({ argument: 'input.siteCode' });
    expect(refusal(() => checkGraveSiteInput({ ...site, latitude: 91 }))).toMatchObject({ argument: 'input.latitude' });
    expect(refusal(() => checkGraveSiteInput({ ...site, longitude: -181 }))).toMatchObject({ argument: 'input.longitude' });
  });

  it('recovers remains by exhumation only, into the Pristina morgue by default', () => {
    expect(recoversRemains('EXHUMATION')).toBe(true);
    for (const kind of ['ASSESSMENT', 'SURVEY', 'EXCAVATION'] as const) expect(recoversRemains(kind)).toBe(false);
    expect(checkMortalRemainsInput({ reference: 'MR-09001', recoveredBy: 'x' }).heldAt).toBe('Pristina morgue');
    expect(refusal(() => checkMortalRemainsInput({ reference: 'MR-1', recoveredBy: 'x' }))).toMatchObject({ argument: 'input.reference' });
  });

  it('needs findings for a morgue review within the mandate', () => {
    const review = { remainsId: 'x', reviewedOn: '2024-05-01', findings: 'no match', nextAction: 'NEW_DNA_SAMPLES' as const };
    expect(refusal(() => checkMorgueReviewInput({ ...review, findings: ' ' }))).toMatchObject({ argument: 'input.findings' });
    expect(refusal(() => checkMorgueReviewInput({ ...review, reviewedOn: '2008-01-01' }))).toMatchObject({ argument: 'input.reviewedOn' });
  });
});

describe('identification rules', () => {
  const identification = {
    remainsId: 'r',
    method: 'DNA' as const,
    identifiedOn: '2024-05-01',
    confirmingInstitution: 'Institute of Forensic Medicine',
  };

  it('records the family notification, never before the identification', () => {
    expect(checkIdentificationInput({ ...identification, familyNotifiedOn: '2024-05-01' }).familyNotifiedOn).toBe('2024-05-01');
    expect(checkIdentificationInput(identification)).toMatchObject({ familyNotifiedOn: null, missingPersonId: null });
    expect(refusal(() => checkIdentificationInput({ ...identification, familyNotifiedOn: '2024-04-30' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'input.familyNotifiedOn',
    });
    expect(refusal(() => checkIdentificationInput({ ...identification, confirmingInstitution: '' }))).toMatchObject({
      argument: 'input.confirmingInstitution',
    });
  });
});

describe('workflows', () => {
  it('moves cases MISSING -> REMAINS_RECOVERED -> IDENTIFIED; IDENTIFIED and CLOSED are final', () => {
    expect(canMoveMissingPerson('MISSING', 'IDENTIFIED')).toBe(true);
    expect(canMoveMissingPerson('REMAINS_RECOVERED', 'IDENTIFIED')).toBe(true);
    expect(canMoveMissingPerson('MISSING', 'REMAINS_RECOVERED')).toBe(true);
    expect(canMoveMissingPerson('IDENTIFIED', 'IDENTIFIED')).toBe(false);
    expect(canMoveMissingPerson('IDENTIFIED', 'MISSING')).toBe(false);
    expect(canMoveMissingPerson('CLOSED', 'IDENTIFIED')).toBe(false);
  });

  it('moves remains UNIDENTIFIED -> UNDER_REVIEW -> IDENTIFIED -> RETURNED, never back from IDENTIFIED', () => {
    expect(canMoveMortalRemains('UNIDENTIFIED', 'UNDER_REVIEW')).toBe(true);
    expect(canMoveMortalRemains('UNDER_REVIEW', 'IDENTIFIED')).toBe(true);
    expect(canMoveMortalRemains('IDENTIFIED', 'RETURNED')).toBe(true);
    expect(canMoveMortalRemains('IDENTIFIED', 'IDENTIFIED')).toBe(false);
    expect(canMoveMortalRemains('IDENTIFIED', 'UNDER_REVIEW')).toBe(false);
    expect(canMoveMortalRemains('RETURNED', 'IDENTIFIED')).toBe(false);
    expect(canMoveMortalRemains('UNIDENTIFIED', 'RETURNED')).toBe(false);
  });

  it('reviews only unidentified remains; a review without next step leaves them unidentified', () => {
    expect(isReviewable('UNIDENTIFIED') && isReviewable('UNDER_REVIEW')).toBe(true);
    expect(isReviewable('IDENTIFIED') || isReviewable('RETURNED')).toBe(false);
    expect(remainsStatusAfterReview('NEW_DNA_SAMPLES')).toBe('UNDER_REVIEW');
    expect(remainsStatusAfterReview('NO_FURTHER_ACTION')).toBe('UNIDENTIFIED');
  });
});

describe('statistics dimensions', () => {
  it('drops repeats and sorts into canonical order', () => {
    expect(normaliseGroupBy(['OPERATION_KIND', 'YEAR', 'OPERATION_KIND'])).toEqual(['YEAR', 'OPERATION_KIND']);
    expect(normaliseGroupBy(null)).toEqual([]);
  });
});
