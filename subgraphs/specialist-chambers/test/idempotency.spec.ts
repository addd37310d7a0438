/**
 * Idempotent retries of the specialist-chambers mutations machine clients call (issue
 * 14): `submitSupportRequest` and `recordRelocation`, through the kit's one mechanism.
 * A relocation's retry decides need-to-know again: an officer revoked meanwhile gets
 * nothing back.
 */
import { syntheticId } from '@mission-graph/service-kit';
import { onlyErrorOf, startSubgraph, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { createService } from '../src/service.js';

const SUBMIT = `mutation($input: SubmitSupportRequestInput!, $key: String) {
  submitSupportRequest(input: $input, idempotencyKey: $key) { supportRequest { id reference status } } }`;
const RELOCATE = `mutation($input: RecordRelocationInput!, $key: String) {
  recordRelocation(input: $input, idempotencyKey: $key) { protectedWitness { id status identity { currentLocation } } } }`;
const REVOKE = `mutation($input: RevokeProtectionOfficerInput!) { revokeProtectionOfficer(input: $input) { protectedWitness { id } } }`;

describeOnEachDatabase('idempotent specialist-chambers records', (flavour) => {
  let chambers: RunningSubgraph;
  beforeAll(async () => {
    chambers = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await chambers?.stop();
  });
  const counts = async () =>
    (await chambers.instance.database.rows<{ requests: number; relocations: number }>(sql`
      select (select count(*)::int from specialist_chambers.support_requests) as requests,
             (select count(*)::int from specialist_chambers.relocations) as relocations`))[0];

  it('submitSupportRequest: a retry answers the first request; another input under the key is a CONFLICT; concurrent retries submit once', async () => {
    const input = {
      reference: 'KSC-2026-7001', institution: 'KOSOVO_SPECIALIST_CHAMBERS', kind: 'LOGISTIC',
      title: 'Synthetic retried request', description: 'Synthetic description.', requestedOn: '2026-11-20',
    };
    const answers = await Promise.all(Array.from({ length: 5 }, () => chambers.query(SUBMIT, { input, key: 'submit-0000001' })));
    expect(answers.every((answer) => answer.errors === undefined)).toBe(true);
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    const before = await counts();
    expect(await chambers.query(SUBMIT, { input: { ...input, title: ' Synthetic retried request ' }, key: 'submit-0000001' })).toEqual(answers[0]);
    const other = await chambers.query(SUBMIT, { input: { ...input, reference: 'KSC-2026-7002' }, key: 'submit-0000001' });
    expect(onlyErrorOf(other)).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await counts()).toEqual(before);
  });

  it('recordRelocation: a retry answers the witness and moves nothing; after revocation the retry is FORBIDDEN', async () => {
    // Witness 3 (RELOCATED) is protected by officer-03.
    const officer = { subject: 'officer-03' };
    const input = { witnessId: syntheticId('protected-witness', 3), occurredOn: '2026-11-20', toLocation: 'Synthetic Retry Location 01' };
    const first = await chambers.query(RELOCATE, { input, key: 'relocate-0000001' }, officer);
    expect(first.errors).toBeUndefined();
    const before = await counts();
    expect(await chambers.query(RELOCATE, { input: { ...input, toLocation: ' Synthetic Retry Location 01 ' }, key: 'relocate-0000001' }, officer)).toEqual(first);
    expect(await counts()).toEqual(before);
    const elsewhere = await chambers.query(RELOCATE, { input: { ...input, toLocation: 'Synthetic Retry Location 02' }, key: 'relocate-0000001' }, officer);
    expect(onlyErrorOf(elsewhere)).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await counts()).toEqual(before);

    const revoked = await chambers.query(REVOKE, { input: { witnessId: input.witnessId, officer: 'officer-03' } }, { subject: 'manager-test' });
    expect(revoked.errors).toBeUndefined();
    const replay = await chambers.query(RELOCATE, { input, key: 'relocate-0000001' }, officer);
    expect(onlyErrorOf(replay)).toMatchObject({ code: 'FORBIDDEN' });
    expect(JSON.stringify(replay)).not.toContain('Synthetic Retry Location');
  });
});
