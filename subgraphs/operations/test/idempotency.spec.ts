/**
 * Idempotent retries of the operations mutations machine clients call (issue 14):
 * `reportIncident` and `logPatrol`, through the kit's one mechanism.
 */
import { onlyErrorOf, startSubgraph, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { createService } from '../src/service.js';

const REPORT = `mutation($input: ReportIncidentInput!, $key: String) { reportIncident(input: $input, idempotencyKey: $key) { incident { id occurredAt municipality } } }`;
const PATROL = `mutation($input: LogPatrolInput!, $key: String) { logPatrol(input: $input, idempotencyKey: $key) { patrol { id shiftStart shiftEnd area } } }`;

describeOnEachDatabase('idempotent operations records', (flavour) => {
  let operations: RunningSubgraph;
  beforeAll(async () => {
    operations = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await operations?.stop();
  });
  const counts = async () =>
    (await operations.instance.database.rows<{ incidents: number; patrols: number }>(sql`
      select (select count(*)::int from operations.incidents) as incidents, (select count(*)::int from operations.patrols) as patrols`))[0];

  it.each([
    [
      'reportIncident',
      REPORT,
      { kind: 'RIOT', occurredAt: '2026-11-21T10:00:00Z', municipality: 'Zvečan', description: 'Synthetic retried report' },
      // The same instant written otherwise, padded text, other key order.
      { description: ' Synthetic retried report ', municipality: 'Zvečan ', occurredAt: '2026-11-21T11:00:00.000+01:00', kind: 'RIOT' },
      { kind: 'RIOT', occurredAt: '2026-11-21T10:05:00Z', municipality: 'Zvečan', description: 'Synthetic retried report' },
    ],
    [
      'logPatrol',
      PATROL,
      { shiftStart: '2026-11-21T08:00:00Z', area: 'Synthetic Retry Area', route: 'Synthetic route A' },
      { route: 'Synthetic route A ', area: ' Synthetic Retry Area', shiftStart: '2026-11-21T08:00:00.000Z', kind: 'MOBILE_RECONNAISSANCE' },
      { shiftStart: '2026-11-21T08:00:00Z', area: 'Synthetic Retry Area', route: 'Synthetic route B' },
    ],
  ])('%s: a retry answers the first result and records nothing; another input under the key is a CONFLICT', async (name, mutation, input, respelled, other) => {
    const key = `${name}-retry-0001`;
    const first = await operations.query(mutation, { input, key });
    expect(first.errors).toBeUndefined();
    const before = await counts();
    expect(await operations.query(mutation, { input: respelled, key })).toEqual(first);
    expect(await counts()).toEqual(before);
    expect(onlyErrorOf(await operations.query(mutation, { input: other, key }))).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await counts()).toEqual(before);
    // Without the key, the same patrol again is the honest CONFLICT of its natural key; a report records anew.
    const again = await operations.query(mutation, { input });
    if (name === 'logPatrol') expect(onlyErrorOf(again)).toMatchObject({ code: 'CONFLICT' });
    else expect(again.errors).toBeUndefined();
  });

  it('records one incident for concurrent retries with one key', async () => {
    const input = { kind: 'CIVIL_DISTURBANCE', occurredAt: '2026-11-22T10:00:00Z', municipality: 'Mitrovicë/Mitrovica', description: 'Synthetic concurrent report' };
    const before = await counts();
    const answers = await Promise.all(Array.from({ length: 6 }, () => operations.query(REPORT, { input, key: 'concurrent-report-0001' })));
    expect(answers.every((answer) => answer.errors === undefined)).toBe(true);
    expect(new Set(answers.map((answer) => JSON.stringify(answer.data))).size).toBe(1);
    expect((await counts())!.incidents).toBe(before!.incidents + 1);
  });
});
