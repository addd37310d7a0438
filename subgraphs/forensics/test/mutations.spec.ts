import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { syntheticId } from '@mission-graph/service-kit';
import { onlyErrorOf, startSubgraph, type GraphQLResponse, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

const RECORD_PERSON = `mutation ($input: RecordMissingPersonInput!) {
  recordMissingPerson(input: $input) { missingPerson { id caseNumber status disappearanceDate fullName familyContact identification { id } } }
}`;
const RECORD_SITE = `mutation ($input: RecordGraveSiteInput!) { recordGraveSite(input: $input) { graveSite { id siteCode status } } }`;
const RECORD_OPERATION = `mutation ($input: RecordFieldOperationInput!) {
  recordFieldOperation(input: $input) { fieldOperation { id reference kind site { siteCode } partnerInstitutions } }
}`;
const RECORD_REMAINS = `mutation ($input: RecordMortalRemainsInput!) {
  recordMortalRemains(input: $input) { mortalRemains { id reference status heldAt recoveredBy { id reference remainsRecovered { reference } } } }
}`;
const RECORD_REVIEW = `mutation ($input: RecordMorgueReviewInput!) {
  recordMorgueReview(input: $input) { morgueReview { id nextAction findings remains { status morgueReviews { id } } } }
}`;
const RECORD_IDENTIFICATION = `mutation ($input: RecordIdentificationInput!) {
  recordIdentification(input: $input) {
    identification { id familyNotifiedOn method remains { status identification { id } } missingPerson { status identification { id } } }
  }
}`;

/** The only data value of a successful mutation. */
function dataOf<T>(response: GraphQLResponse<Record<string, T>>): T {
  expect(response.errors).toBeUndefined();
  return Object.values(response.data ?? {})[0]!;
}

describeOnEachDatabase('forensics mutations', (flavour) => {
  let forensics: RunningSubgraph;
  const graphql = <Data = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
    forensics.query<Data>(query, variables);
  const count = async (from: string, where: string) =>
    (await forensics.instance.database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from forensics.${from} where ${where}`)))[0]!.n;
  const statusOf = async (table: string, id: string) =>
    (await forensics.instance.database.rows<{ status: string }>(sql.raw(`select status::text from forensics.${table} where id = '${id}'`)))[0]?.status;

  let nextCase = 1;
  /** A new MISSING case through the API; returns its id. */
  async function newCase(): Promise<string> {
    const caseNumber = `MP-1999-${String(90000 + nextCase++)}`;
    const { missingPerson } = dataOf(
      await graphql<{ x: { missingPerson: { id: string } } }>(RECORD_PERSON, {
        input: { caseNumber, disappearanceDate: '1999-05-01', municipality: 'Prizren', fullName: 'Synthetic Person Test' },
      }),
    );
    return missingPerson.id;
  }

  let nextRemains = 1;
  let exhumationId: string;
  /** New UNIDENTIFIED remains recovered by the test's exhumation; returns their id. */
  async function newRemains(): Promise<string> {
    const reference = `MR-${String(90000 + nextRemains++)}`;
    const { mortalRemains } = dataOf(
      await graphql<{ x: { mortalRemains: { id: string } } }>(RECORD_REMAINS, { input: { reference, recoveredBy: exhumationId } }),
    );
    return mortalRemains.id;
  }
  const identify = (remainsId: string, missingPersonId: string | null, extra: Record<string, unknown> = {}) =>
    graphql(RECORD_IDENTIFICATION, {
      input: {
        remainsId,
        missingPersonId,
        method: 'DNA',
        identifiedOn: '2024-06-01',
        confirmingInstitution: 'Institute of Forensic Medicine',
        ...extra,
      },
    });

  beforeAll(async () => {
    forensics = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await forensics?.stop();
  });

  describe('recordMissingPerson', () => {
    const input = {
      caseNumber: 'MP-2000-91000',
      disappearanceDate: '2000-12-31',
      municipality: 'Gjakovë/Đakovica',
      fullName: 'Synthetic Person 9100',
      dateOfBirth: '1960-02-29',
      familyContact: 'Synthetic Relative 9100, family liaison file FL-91000',
    };

    it('opens a MISSING case with its personal data and family contact', async () => {
      const { missingPerson } = dataOf(await graphql<{ x: { missingPerson: Record<string, unknown> } }>(RECORD_PERSON, { input }));
      expect(missingPerson).toMatchObject({
        caseNumber: 'MP-2000-91000',
        status: 'MISSING',
        disappearanceDate: '2000-12-31',
        fullName: 'Synthetic Person 9100',
        familyContact: 'Synthetic Relative 9100, family liaison file FL-91000',
        identification: null,
      });
    });

    it.each([
      ['1997-12-31', 'MP-1997-91001'],
      ['2001-01-01', 'MP-2001-91001'],
    ])('refuses a disappearance on %s with BAD_USER_INPUT, storing nothing', async (disappearanceDate, caseNumber) => {
      const response = await graphql(RECORD_PERSON, { input: { ...input, caseNumber, disappearanceDate } });
      expect(onlyErrorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.disappearanceDate' });
      expect(response.errors?.[0]?.message).toContain('between 1998-01-01 and 2000-12-31');
      expect(await count('missing_persons', `case_number = '${caseNumber}'`)).toBe(0);
    });

    it('refuses a case number already recorded with CONFLICT', async () => {
      const response = await graphql(RECORD_PERSON, { input: { ...input, fullName: 'Synthetic Person 9101' } });
      expect(onlyErrorOf(response)).toMatchObject({ code: 'CONFLICT', argument: 'input.caseNumber' });
      expect(await count('missing_persons', `case_number = 'MP-2000-91000'`)).toBe(1);
    });

    it('has no place for ethnic, religious or national origin, in the schema or the table', async () => {
      const sdl = (await graphql<{ _service: { sdl: string } }>('{ _service { sdl } }')).data!._service.sdl;
      expect(sdl).not.toMatch(/ethnic\w*\s*:|religio\w*\s*:|nationality\s*:|nationalOrigin\s*:/i);
      const columns = await forensics.instance.database.rows<{ column_name: string }>(sql`
        select column_name from information_schema.columns where table_schema = 'forensics' and table_name = 'missing_persons'`);
      expect(columns.map((c) => c.column_name).filter((name) => /ethnic|religio|nation/i.test(name))).toEqual([]);
    });

    it('is refused without forensics:write, and nothing is stored', async () => {
      const variables = { input: { ...input, caseNumber: 'MP-2000-91002' } };
      const headers = await forensics.auth.headers('forensics', { scopes: new Set(['forensics:read', 'forensics:personal']) }, { query: RECORD_PERSON, variables });
      const body = await forensics.post(RECORD_PERSON, variables, headers);
      expect(onlyErrorOf(body)?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
      expect(await count('missing_persons', `case_number = 'MP-2000-91002'`)).toBe(0);
    });
  });

  describe('recordGraveSite and recordFieldOperation', () => {
    let siteId: string;

    it('records a mass grave, SUSPECTED, and refuses its site code twice', async () => {
      const input = { siteCode: 'GS-9001', kind: 'MASS', municipality: 'Pejë/Peć', latitude: 42.65, longitude: 20.29 };
      const { graveSite } = dataOf(await graphql<{ x: { graveSite: { id: string; status: string } } }>(RECORD_SITE, { input }));
      expect(graveSite.status).toBe('SUSPECTED');
      siteId = graveSite.id;
      expect(onlyErrorOf(await graphql(RECORD_SITE, { input }))).toMatchObject({ code: 'CONFLICT', argument: 'input.siteCode' });
      const outside = await graphql(RECORD_SITE, { input: { ...input, siteCode: 'GS-9002', latitude: 95 } });
      expect(onlyErrorOf(outside)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.latitude' });
      expect(await count('grave_sites', `site_code in ('GS-9001', 'GS-9002')`)).toBe(1);
    });

    it('refuses an exhumation without a site (BAD_USER_INPUT) or at an unrecorded one (NOT_FOUND), storing nothing', async () => {
      const input = { reference: 'FO-2024-9001', kind: 'EXHUMATION', startedOn: '2024-05-01', partnerInstitutions: ['Institute of Forensic Medicine'] };
      expect(onlyErrorOf(await graphql(RECORD_OPERATION, { input }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.siteId' });
      const unknownSite = syntheticId('grave-site', 9999);
      expect(onlyErrorOf(await graphql(RECORD_OPERATION, { input: { ...input, siteId: unknownSite } }))).toMatchObject({
        code: 'NOT_FOUND',
        type: 'GraveSite',
        id: unknownSite,
      });
      expect(onlyErrorOf(await graphql(RECORD_OPERATION, { input: { ...input, siteId: 'GS-9001' } }))).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'input.siteId',
      });
      expect(await count('field_operations', `reference = 'FO-2024-9001'`)).toBe(0);
    });

    it('records an exhumation at a recorded site with its partner institutions', async () => {
      const input = {
        reference: 'FO-2024-9001',
        kind: 'EXHUMATION',
        startedOn: '2024-05-01',
        endedOn: '2024-05-09',
        siteId,
        partnerInstitutions: ['Institute of Forensic Medicine', 'Kosovo Police'],
      };
      const { fieldOperation } = dataOf(
        await graphql<{ x: { fieldOperation: { id: string; site: { siteCode: string }; partnerInstitutions: string[] } } }>(RECORD_OPERATION, { input }),
      );
      expect(fieldOperation).toMatchObject({ site: { siteCode: 'GS-9001' }, partnerInstitutions: ['Institute of Forensic Medicine', 'Kosovo Police'] });
      exhumationId = fieldOperation.id;
      const backwards = await graphql(RECORD_OPERATION, { input: { ...input, reference: 'FO-2024-9002', endedOn: '2024-04-01' } });
      expect(onlyErrorOf(backwards)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.endedOn' });
      expect(onlyErrorOf(await graphql(RECORD_OPERATION, { input }))).toMatchObject({ code: 'CONFLICT', argument: 'input.reference' });
    });

    it('records an area survey without a site', async () => {
      const input = { reference: 'FO-2024-9003', kind: 'SURVEY', startedOn: '2024-06-01', partnerInstitutions: ['Kosovo Police'] };
      const { fieldOperation } = dataOf(await graphql<{ x: { fieldOperation: { site: unknown } } }>(RECORD_OPERATION, { input }));
      expect(fieldOperation.site).toBeNull();
    });
  });

  describe('recordMortalRemains', () => {
    it('registers remains recovered by the exhumation, UNIDENTIFIED at the Pristina morgue', async () => {
      const response = await graphql<{ x: { mortalRemains: Record<string, unknown> } }>(RECORD_REMAINS, {
        input: { reference: 'MR-90000', recoveredBy: exhumationId },
      });
      expect(dataOf(response).mortalRemains).toMatchObject({
        reference: 'MR-90000',
        status: 'UNIDENTIFIED',
        heldAt: 'Pristina morgue',
        recoveredBy: { id: exhumationId, reference: 'FO-2024-9001', remainsRecovered: [{ reference: 'MR-90000' }] },
      });
    });

    it('refuses remains "recovered" by anything but an exhumation, or by an unknown operation', async () => {
      const survey = (await forensics.instance.database.rows<{ id: string }>(sql`
        select id from forensics.field_operations where reference = 'FO-2024-9003'`))[0]!.id;
      const bySurvey = await graphql(RECORD_REMAINS, { input: { reference: 'MR-90100', recoveredBy: survey } });
      expect(onlyErrorOf(bySurvey)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.recoveredBy' });
      expect(bySurvey.errors?.[0]?.message).toContain('only exhumations recover remains');
      const unknown = await graphql(RECORD_REMAINS, { input: { reference: 'MR-90100', recoveredBy: syntheticId('field-operation', 99999) } });
      expect(onlyErrorOf(unknown)).toMatchObject({ code: 'NOT_FOUND', type: 'FieldOperation' });
      expect(await count('mortal_remains', `reference = 'MR-90100'`)).toBe(0);
    });
  });

  describe('workflow: review, identification', () => {
    it('puts reviewed remains UNDER_REVIEW, back to UNIDENTIFIED with no further action', async () => {
      const remainsId = await newRemains();
      const review = (nextAction: string) =>
        graphql<{ x: { morgueReview: { nextAction: string; remains: { status: string; morgueReviews: unknown[] } } } }>(RECORD_REVIEW, {
          input: { remainsId, reviewedOn: '2024-07-01', findings: 'Partial skeleton; no match yet', nextAction },
        });
      expect(dataOf(await review('NEW_DNA_SAMPLES')).morgueReview.remains).toMatchObject({ status: 'UNDER_REVIEW' });
      const closing = dataOf(await review('NO_FURTHER_ACTION')).morgueReview.remains;
      expect(closing.status).toBe('UNIDENTIFIED');
      expect(closing.morgueReviews).toHaveLength(2);
    });

    it('identifies remains under review and the missing person in one go, recording the family notification', async () => {
      const remainsId = await newRemains();
      dataOf(await graphql(RECORD_REVIEW, { input: { remainsId, reviewedOn: '2024-05-20', findings: 'Sampled', nextAction: 'NEW_DNA_SAMPLES' } }));
      const caseId = await newCase();
      const identified = await identify(remainsId, caseId, { familyNotifiedOn: '2024-06-03' });
      const { identification } = dataOf(identified as GraphQLResponse<Record<string, { identification: Record<string, unknown> }>>);
      // All three changed, and the subgraph says so (the gateway's OUTCOME audit event names them).
      expect(identified.changed).toEqual([
        { type: 'Identification', id: identification.id },
        { type: 'MortalRemains', id: remainsId },
        { type: 'MissingPerson', id: caseId },
      ]);
      expect(identification).toMatchObject({
        familyNotifiedOn: '2024-06-03',
        remains: { status: 'IDENTIFIED', identification: { id: identification.id } },
        missingPerson: { status: 'IDENTIFIED', identification: { id: identification.id } },
      });
    });

    it('identifies an individual not on the missing-persons list: only the remains change', async () => {
      const remainsId = await newRemains();
      const { identification } = dataOf(await identify(remainsId, null) as GraphQLResponse<Record<string, { identification: Record<string, unknown> }>>);
      expect(identification).toMatchObject({ missingPerson: null, familyNotifiedOn: null, remains: { status: 'IDENTIFIED' } });
    });

    it('identifies a set of remains at most once: CONFLICT naming the current and requested status', async () => {
      const remainsId = await newRemains();
      dataOf(await identify(remainsId, null));
      const caseId = await newCase();
      const again = await identify(remainsId, caseId);
      expect(onlyErrorOf(again)).toMatchObject({
        code: 'CONFLICT',
        type: 'MortalRemains',
        currentStatus: 'IDENTIFIED',
        requestedStatus: 'IDENTIFIED',
      });
      expect(await count('identifications', `remains_id = '${remainsId}'`)).toBe(1);
      expect(await statusOf('missing_persons', caseId)).toBe('MISSING');
    });

    it('identifies a case at most once, leaving the other remains untouched', async () => {
      const caseId = await newCase();
      dataOf(await identify(await newRemains(), caseId));
      const otherRemains = await newRemains();
      const again = await identify(otherRemains, caseId);
      expect(onlyErrorOf(again)).toMatchObject({ code: 'CONFLICT', type: 'MissingPerson', currentStatus: 'IDENTIFIED', requestedStatus: 'IDENTIFIED' });
      expect(await count('identifications', `remains_id = '${otherRemains}'`)).toBe(0);
      expect(await statusOf('mortal_remains', otherRemains)).toBe('UNIDENTIFIED');
      expect(await count('identifications', `missing_person_id = '${caseId}'`)).toBe(1);
    });

    it('refuses to review identified or returned remains (CONFLICT), storing no review', async () => {
      const returned = syntheticId('mortal-remains', 1);
      expect(await statusOf('mortal_remains', returned)).toBe('RETURNED');
      const response = await graphql(RECORD_REVIEW, { input: { remainsId: returned, reviewedOn: '2024-07-01', findings: 'x', nextAction: 'NEW_DNA_SAMPLES' } });
      expect(onlyErrorOf(response)).toMatchObject({ code: 'CONFLICT', currentStatus: 'RETURNED', requestedStatus: 'UNDER_REVIEW' });
      expect(await count('morgue_reviews', `remains_id = '${returned}'`)).toBe(0);
    });

    it('refuses a closed case, unknown ids and a notification before the identification', async () => {
      const closedCase = await newCase();
      await forensics.instance.database.rows(
        sql.raw(`update forensics.missing_persons set status = 'CLOSED', closed_on = '2020-01-01', closure_reason = 'FOUND_ALIVE' where id = '${closedCase}'`),
      );
      const remainsId = await newRemains();
      expect(onlyErrorOf(await identify(remainsId, closedCase))).toMatchObject({ code: 'CONFLICT', currentStatus: 'CLOSED', requestedStatus: 'IDENTIFIED' });
      expect(onlyErrorOf(await identify(syntheticId('mortal-remains', 99999), null))).toMatchObject({ code: 'NOT_FOUND', type: 'MortalRemains' });
      expect(onlyErrorOf(await identify(remainsId, syntheticId('missing-person', 99999)))).toMatchObject({ code: 'NOT_FOUND', type: 'MissingPerson' });
      expect(onlyErrorOf(await identify(remainsId, null, { familyNotifiedOn: '2024-05-31' }))).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'input.familyNotifiedOn',
      });
      expect(await count('identifications', `remains_id = '${remainsId}'`)).toBe(0);
      expect(await statusOf('mortal_remains', remainsId)).toBe('UNIDENTIFIED');
    });

    it('leaves nothing behind when a later statement of the transaction fails', async () => {
      const caseId = await newCase();
      const remainsId = await newRemains();
      // Fault injection: the last statement (moving the case to IDENTIFIED) fails, after
      // the identification is inserted and the remains are moved.
      await forensics.instance.database.rows(sql.raw(`
        create function forensics.test_injected_failure() returns trigger language plpgsql as $$
        begin raise exception 'injected failure'; end $$`));
      await forensics.instance.database.rows(sql.raw(`
        create trigger test_injected_failure before update on forensics.missing_persons
        for each row when (new.id = '${caseId}') execute function forensics.test_injected_failure()`));
      try {
        const failed = await identify(remainsId, caseId);
        expect(onlyErrorOf(failed)?.code).toBe('INTERNAL_SERVER_ERROR');
        expect(JSON.stringify(failed)).not.toContain('injected failure');
      } finally {
        await forensics.instance.database.rows(sql.raw(`drop trigger test_injected_failure on forensics.missing_persons`));
        await forensics.instance.database.rows(sql.raw(`drop function forensics.test_injected_failure()`));
      }
      expect(await count('identifications', `remains_id = '${remainsId}' or missing_person_id = '${caseId}'`)).toBe(0);
      expect(await statusOf('mortal_remains', remainsId)).toBe('UNIDENTIFIED');
      expect(await statusOf('missing_persons', caseId)).toBe('MISSING');
      // and without the fault the same request goes through
      dataOf(await identify(remainsId, caseId));
      expect(await statusOf('missing_persons', caseId)).toBe('IDENTIFIED');
    });
  });

  describe('database rules behind the service', () => {
    /** The message of the database error behind a refused statement. */
    async function rejectionOf(statement: string): Promise<string> {
      try {
        await forensics.instance.database.rows(sql.raw(statement));
      } catch (error) {
        return String((error as { cause?: { message?: string } }).cause?.message ?? error);
      }
      throw new Error('statement was accepted');
    }

    it('refuses status moves outside the workflows', async () => {
      const identifiedCase = (await forensics.instance.database.rows<{ id: string }>(sql`
        select id from forensics.missing_persons where status = 'IDENTIFIED' limit 1`))[0]!.id;
      expect(await rejectionOf(`update forensics.missing_persons set status = 'MISSING' where id = '${identifiedCase}'`)).toContain(
        'cannot move from IDENTIFIED to MISSING',
      );
      expect(await rejectionOf(`update forensics.mortal_remains set status = 'UNIDENTIFIED', held_at = 'Pristina morgue' where id = '${syntheticId('mortal-remains', 1)}'`)).toContain(
        'cannot move from RETURNED to UNIDENTIFIED',
      );
    });

    it('refuses IDENTIFIED without an identification, and an identification that leaves its statuses open', async () => {
      const caseId = await newCase();
      expect(await rejectionOf(`update forensics.missing_persons set status = 'IDENTIFIED' where id = '${caseId}'`)).toContain(
        'is not identified by any identification',
      );
      const remainsId = await newRemains();
      expect(await rejectionOf(`
        insert into forensics.identifications (id, remains_id, missing_person_id, method, identified_on, confirming_institution)
        values (gen_random_uuid(), '${remainsId}', '${caseId}', 'DNA', '2024-06-01', 'Institute of Forensic Medicine')`)).toContain(
        'leaves its remains unidentified',
      );
      expect(await count('identifications', `remains_id = '${remainsId}'`)).toBe(0);
    });

    it('refuses remains recovered by a non-exhumation and reviews of identified remains', async () => {
      expect(await rejectionOf(`
        insert into forensics.mortal_remains (id, reference, recovered_by_operation_id, held_at)
        select gen_random_uuid(), 'MR-90200', id, 'Pristina morgue' from forensics.field_operations where reference = 'FO-2024-9003'`)).toContain(
        'is not an exhumation',
      );
      expect(await rejectionOf(`
        insert into forensics.morgue_reviews (id, remains_id, reviewed_on, findings, next_action)
        values (gen_random_uuid(), '${syntheticId('mortal-remains', 1)}', '2024-06-01', 'x', 'NEW_DNA_SAMPLES')`)).toContain(
        'are not unidentified',
      );
    });

    it('refuses a family notification before the identification and an unknown municipality', async () => {
      expect(await rejectionOf(`update forensics.identifications set family_notified_on = identified_on - 1 where id = '${syntheticId('identification', 1)}'`)).toContain(
        'identifications_family_notified_after_identification',
      );
      expect(await rejectionOf(`update forensics.grave_sites set municipality = 'Atlantis' where site_code = 'GS-9001'`)).toContain(
        'grave_sites_municipality_known',
      );
    });
  });
});
