/**
 * Idempotent retries of every forensics `record…` mutation (issue 14), through the
 * kit's one mechanism: a machine client that retries (the same key and input, spelled
 * differently) gets the first result and nothing is recorded; one that reuses a key
 * for another input gets CONFLICT and nothing is recorded; concurrent retries record once.
 */
import { syntheticId } from '@mission-graph/service-kit';
import { onlyErrorOf, startSubgraph, type GraphQLResponse, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { createService } from '../src/service.js';

interface Case {
  mutation: string;
  /** Selection of the payload. */
  payload: string;
  /** A fresh, valid input (each call a new one). */
  input: () => Promise<Record<string, unknown>>;
  /** The same input as a retrying client might send it again: other key order, padded text. */
  respelled: (input: Record<string, unknown>) => Record<string, unknown>;
  /** Another input for the same key. */
  other: (input: Record<string, unknown>) => Record<string, unknown>;
}

const TABLES = ['missing_persons', 'grave_sites', 'field_operations', 'mortal_remains', 'morgue_reviews', 'identifications', 'remains_handovers'];
const reversed = (input: Record<string, unknown>) => Object.fromEntries(Object.entries(input).reverse());

describeOnEachDatabase('idempotent forensics records', (flavour) => {
  let forensics: RunningSubgraph;
  beforeAll(async () => {
    forensics = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await forensics?.stop();
  });

  let serial = 0;
  const next = () => ++serial;
  const rows = <Row>(query: ReturnType<typeof sql>) => forensics.instance.database.rows<Row>(query);
  const counts = async () =>
    (await rows<Record<string, number>>(sql.raw(`select ${TABLES.map((table) => `(select count(*)::int from forensics.${table}) as ${table}`).join(', ')}`)))[0];
  const seeded = async (query: ReturnType<typeof sql>) => (await rows<{ id: string }>(query)).map((row) => row.id);
  const exhumation = async () => (await seeded(sql`select id from forensics.field_operations where kind = 'EXHUMATION' order by reference limit 1`))[0]!;
  /** Fresh UNIDENTIFIED remains recorded for the test (no key). */
  const freshRemains = async () => {
    const response = await forensics.query<{ recordMortalRemains: { mortalRemains: { id: string } } }>(
      'mutation($input: RecordMortalRemainsInput!) { recordMortalRemains(input: $input) { mortalRemains { id } } }',
      { input: { reference: `MR-${80000 + next()}`, recoveredBy: await exhumation() } },
    );
    return response.data!.recordMortalRemains.mortalRemains.id;
  };
  let identified = 0;

  const cases: Case[] = [
    {
      mutation: 'recordMissingPerson',
      payload: 'missingPerson { id caseNumber fullName }',
      input: async () => ({ caseNumber: `MP-1999-${80000 + next()}`, disappearanceDate: '1999-04-01', municipality: 'Prizren', fullName: 'Synthetic Person Retry' }),
      respelled: (input) => reversed({ ...input, fullName: ` ${String(input.fullName)} ` }),
      other: (input) => ({ ...input, fullName: 'Synthetic Person Other' }),
    },
    {
      mutation: 'recordGraveSite',
      payload: 'graveSite { id siteCode }',
      input: async () => ({ siteCode: `GS-${8000 + next()}`, kind: 'UNMARKED', municipality: 'Prizren', latitude: 42.2, longitude: 20.7 }),
      respelled: (input) => reversed({ ...input, municipality: ' Prizren ' }),
      other: (input) => ({ ...input, latitude: 42.3 }),
    },
    {
      mutation: 'recordFieldOperation',
      payload: 'fieldOperation { id reference }',
      input: async () => ({ reference: `FO-2024-${8000 + next()}`, kind: 'SURVEY', startedOn: '2024-03-01', partnerInstitutions: ['Kosovo Police'] }),
      respelled: (input) => reversed({ ...input, partnerInstitutions: [' Kosovo Police '] }),
      other: (input) => ({ ...input, endedOn: '2024-03-02' }),
    },
    {
      mutation: 'recordMortalRemains',
      payload: 'mortalRemains { id reference heldAt }',
      input: async () => ({ reference: `MR-${80000 + next()}`, recoveredBy: await exhumation() }),
      // Without heldAt the remains are held at the Pristina morgue: naming it is the same input.
      respelled: (input) => reversed({ ...input, heldAt: 'Pristina morgue' }),
      other: (input) => ({ ...input, heldAt: 'Institute of Forensic Medicine' }),
    },
    {
      mutation: 'recordMorgueReview',
      payload: 'morgueReview { id findings remains { status } }',
      input: async () => ({ remainsId: await freshRemains(), reviewedOn: '2025-02-03', findings: 'Synthetic findings', nextAction: 'NEW_DNA_SAMPLES' }),
      respelled: (input) => reversed({ ...input, findings: 'Synthetic findings  ' }),
      other: (input) => ({ ...input, nextAction: 'REASSOCIATION' }),
    },
    {
      mutation: 'recordIdentification',
      payload: 'identification { id method remains { status } }',
      input: async () => ({ remainsId: await freshRemains(), method: 'DNA', identifiedOn: '2025-02-04', confirmingInstitution: 'Institute of Forensic Medicine' }),
      respelled: (input) => reversed({ ...input, missingPersonId: null }),
      other: (input) => ({ ...input, method: 'DENTAL' }),
    },
    {
      mutation: 'recordRemainsHandover',
      payload: 'mortalRemains { id status handover { id handedOverOn } }',
      input: async () => ({
        remainsId: (await seeded(sql`select id from forensics.mortal_remains where status = 'IDENTIFIED' order by reference limit 1 offset ${identified++}`))[0],
        handedOverOn: '2025-10-01',
        receivingRelative: 'Synthetic Relative Retry',
      }),
      respelled: (input) => reversed({ ...input, receivingRelative: ' Synthetic Relative Retry' }),
      other: (input) => ({ ...input, handedOverOn: '2025-10-02' }),
    },
  ];

  const call = (test: Case, input: Record<string, unknown>, idempotencyKey: string | null) =>
    forensics.query(
      `mutation($input: ${test.mutation[0]!.toUpperCase()}${test.mutation.slice(1)}Input!, $key: String) {
        ${test.mutation}(input: $input, idempotencyKey: $key) { ${test.payload} } }`,
      { input, key: idempotencyKey },
    );

  it.each(cases.map((test) => [test.mutation, test] as const))('%s: a retry answers the first result and records nothing; another input under the key is a CONFLICT', async (_name, test) => {
    const key = `${test.mutation}-${next()}-retry`;
    const input = await test.input();
    const first = await call(test, input, key);
    expect(first.errors).toBeUndefined();
    const before = await counts();
    const retry = await call(test, test.respelled(input), key);
    expect(retry).toEqual(first);
    expect(await counts()).toEqual(before);
    const other = await call(test, test.other(input), key);
    expect(onlyErrorOf(other)).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey: key });
    expect(await counts()).toEqual(before);
  });

  it('keeps keys apart per client, and refuses a malformed key naming it', async () => {
    const test = cases[4]!; // a morgue review: no natural key, so a second client's call records anew
    const key = `shared-key-${next()}`;
    const input = await test.input();
    const one = await forensics.query<{ recordMorgueReview: { morgueReview: { id: string } } }>(
      `mutation($input: RecordMorgueReviewInput!, $key: String) { recordMorgueReview(input: $input, idempotencyKey: $key) { morgueReview { id } } }`,
      { input, key },
      { clientId: 'machine-one' },
    );
    const two = await forensics.query<{ recordMorgueReview: { morgueReview: { id: string } } }>(
      `mutation($input: RecordMorgueReviewInput!, $key: String) { recordMorgueReview(input: $input, idempotencyKey: $key) { morgueReview { id } } }`,
      { input, key },
      { clientId: 'machine-two' },
    );
    expect(one.data!.recordMorgueReview.morgueReview.id).not.toBe(two.data!.recordMorgueReview.morgueReview.id);
    expect(onlyErrorOf(await call(test, await test.input(), 'bad key'))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'idempotencyKey' });
  });

  it('records once for concurrent retries with one key (a morgue review, which nothing else would stop twice)', async () => {
    const test = cases[4]!;
    const key = `concurrent-${next()}`;
    const input = await test.input();
    const before = await counts();
    const answers: GraphQLResponse[] = await Promise.all(Array.from({ length: 6 }, () => call(test, input, key)));
    expect(answers.every((answer) => answer.errors === undefined)).toBe(true);
    expect(new Set(answers.map((answer) => JSON.stringify(answer.data))).size).toBe(1);
    expect((await counts())!.morgue_reviews).toBe(before!.morgue_reviews! + 1);
  });

  it('leaves no key behind when the first call fails, so a retry is tried again (and fails alike)', async () => {
    const key = `after-${next()}`;
    const remainsId = syntheticId('mortal-remains', 99_998);
    // Unknown remains: the first call fails, leaves no key, and a retry fails alike.
    const input = { remainsId, handedOverOn: '2025-10-01', receivingRelative: 'Synthetic Relative' };
    expect(onlyErrorOf(await call(cases[6]!, input, key))).toMatchObject({ code: 'NOT_FOUND' });
    expect(onlyErrorOf(await call(cases[6]!, input, key))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rows(sql`select 1 from forensics.idempotency_keys where key = ${key}`)).toEqual([]);
  });
});
