/**
 * The write side over real HTTP: support-request workflow and its history, the
 * witness protection programme's workflow, and that a refused mutation leaves nothing
 * behind.
 */
import { ALL_SCOPES, syntheticId, type Caller } from '@mission-graph/service-kit';
import { startSubgraph, type GraphQLResponse, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import {
  protectedWitnesses,
  protectionOfficerAssignmentEvents,
  protectionOfficerAssignments,
  relocations,
  supportRequests,
  supportRequestTransitions,
  threatAssessments,
} from '../src/db/schema.js';
import { createProtectedWitnessStore } from '../src/stores/protected-witness-store.js';
import { createSupportRequestStore } from '../src/stores/support-request-store.js';

const REQUEST = 'id reference kind status deployment { id } history { fromStatus toStatus occurredAt note }';
const SUBMIT = `mutation($input: SubmitSupportRequestInput!) { submitSupportRequest(input: $input) { supportRequest { ${REQUEST} } } }`;
const TRANSITION = `mutation($input: TransitionSupportRequestInput!) { transitionSupportRequest(input: $input) { supportRequest { ${REQUEST} } } }`;

const WITNESS = 'id codename status riskLevel accessBasis history { __typename ... on ThreatAssessment { riskLevel } ... on Relocation { fromLocation toLocation } }';
const REFER = `mutation($input: ReferWitnessInput!) { referWitness(input: $input) { protectedWitness { ${WITNESS} } } }`;
const ASSESS = `mutation($input: RecordThreatAssessmentInput!) { recordThreatAssessment(input: $input) { protectedWitness { ${WITNESS} } threatAssessment { id riskLevel occurredOn } } }`;
const MOVE = `mutation($input: TransitionWitnessInput!) { transitionWitness(input: $input) { protectedWitness { ${WITNESS} } } }`;
const RELOCATE = `mutation($input: RecordRelocationInput!) { recordRelocation(input: $input) { protectedWitness { ${WITNESS} identity { currentLocation } } } }`;
const PROPOSE = `mutation($input: ProposeProtectionOfficerInput!) { proposeProtectionOfficer(input: $input) { assignment { id status } } }`;
const APPROVE = `mutation($input: ApproveProtectionOfficerInput!) { approveProtectionOfficer(input: $input) { assignment { id status } } }`;
/** Two programme managers: one proposes, the other approves (four eyes). */
const PROPOSER: Partial<Caller> = { subject: 'manager-test-1' };
const APPROVER: Partial<Caller> = { subject: 'manager-test-2' };

interface RequestView {
  id: string;
  reference: string;
  status: string;
  deployment: { id: string } | null;
  history: { fromStatus: string | null; toStatus: string; occurredAt: string; note: string | null }[];
}
interface WitnessView {
  id: string;
  codename: string;
  status: string;
  riskLevel: string;
  accessBasis: string;
  history: { __typename: string; riskLevel?: string; fromLocation?: string; toLocation?: string }[];
  identity?: { currentLocation: string } | null;
}

const errorOf = (response: GraphQLResponse<unknown>) => {
  expect(response.errors).toHaveLength(1);
  return { ...response.errors![0]!.extensions, message: response.errors![0]!.message };
};

describeOnEachDatabase('specialist-chambers mutations', (flavour) => {
  let running: RunningSubgraph;
  beforeAll(async () => {
    running = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await running?.stop();
  });

  const tables = [supportRequests, supportRequestTransitions, protectedWitnesses, threatAssessments, relocations, protectionOfficerAssignments, protectionOfficerAssignmentEvents];
  const count = async (table: (typeof tables)[number]) => {
    const [row] = await running.instance.database.rows<{ n: number }>(sql`select count(*)::int as n from ${table}`);
    return row!.n;
  };
  /** Counts of every table a mutation may write. */
  const snapshot = async () =>
    Promise.all(tables.map(count));

  describe('support requests', () => {
    let sequence = 0;
    const submission = (overrides: Record<string, unknown> = {}) => ({
      reference: `KSC-2026-${String(9000 + ++sequence)}`,
      institution: 'KOSOVO_SPECIALIST_CHAMBERS',
      kind: 'OPERATIONAL',
      title: 'Synthetic escort for a hearing',
      description: 'Synthetic description of an escort. Test data.',
      requestedOn: '2026-11-20',
      ...overrides,
    });
    const submit = async (overrides: Record<string, unknown> = {}) => {
      const response = await running.query<{ submitSupportRequest: { supportRequest: RequestView } }>(SUBMIT, { input: submission(overrides) });
      expect(response.errors).toBeUndefined();
      return response.data!.submitSupportRequest.supportRequest;
    };
    const transition = (input: Record<string, unknown>, caller?: Partial<Caller>) =>
      running.query<{ transitionSupportRequest: { supportRequest: RequestView } }>(TRANSITION, { input }, caller);

    it('submits a request in status REQUESTED with its submission as first history entry', async () => {
      const request = await submit();
      expect(request).toMatchObject({ status: 'REQUESTED', deployment: null });
      expect(request.history).toEqual([{ fromStatus: null, toStatus: 'REQUESTED', occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), note: null }]);
    });

    it('walks the workflow to COMPLETED, linking a deployment, every step in the history', async () => {
      const { id } = await submit();
      const deploymentId = syntheticId('deployment', 7);
      await transition({ id, status: 'APPROVED', note: 'Synthetic approval.' });
      await transition({ id, status: 'IN_PROGRESS', deploymentId });
      const done = await transition({ id, status: 'COMPLETED' });
      expect(done.errors).toBeUndefined();
      const request = done.data!.transitionSupportRequest.supportRequest;
      expect(request).toMatchObject({ status: 'COMPLETED', deployment: { id: deploymentId } });
      expect(request.history.map((step) => [step.fromStatus, step.toStatus, step.note])).toEqual([
        [null, 'REQUESTED', null],
        ['REQUESTED', 'APPROVED', 'Synthetic approval.'],
        ['APPROVED', 'IN_PROGRESS', null],
        ['IN_PROGRESS', 'COMPLETED', null],
      ]);
    });

    it.each([
      ['REQUESTED', 'COMPLETED', []],
      ['REQUESTED', 'IN_PROGRESS', []],
      ['REQUESTED', 'REQUESTED', []],
      ['DECLINED', 'APPROVED', ['DECLINED']],
      ['COMPLETED', 'IN_PROGRESS', ['APPROVED', 'IN_PROGRESS', 'COMPLETED']],
      ['APPROVED', 'COMPLETED', ['APPROVED']],
    ])('refuses %s → %s with CONFLICT naming both states, changing nothing', async (current, requested, path) => {
      const { id } = await submit();
      for (const status of path) expect((await transition({ id, status })).errors).toBeUndefined();
      const before = await snapshot();
      const error = errorOf(await transition({ id, status: requested }));
      expect(error).toMatchObject({ code: 'CONFLICT', currentStatus: current, requestedStatus: requested });
      expect(error.message).toContain(current);
      expect(error.message).toContain(requested);
      expect(await snapshot()).toEqual(before);
    });

    it('links only operational requests to a deployment (BAD_USER_INPUT, nothing stored)', async () => {
      const before = await snapshot();
      const response = await running.query(SUBMIT, { input: submission({ kind: 'LOGISTIC', deploymentId: syntheticId('deployment', 1) }) });
      expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.deploymentId' });
      const logistic = await submit({ kind: 'LOGISTIC' });
      await transition({ id: logistic.id, status: 'APPROVED' });
      const mid = await snapshot();
      const linking = await transition({ id: logistic.id, status: 'IN_PROGRESS', deploymentId: syntheticId('deployment', 1) });
      expect(errorOf(linking)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.deploymentId' });
      expect(await snapshot()).toEqual(mid);
      expect((await snapshot())[0]).toBe(before[0]! + 1);
    });

    it.each([
      ['a reference already used', { reference: 'KSC-2020-0001' }, { code: 'CONFLICT', reason: 'DUPLICATE_REFERENCE' }],
      ['a reference of the other institution', { reference: 'SPO-2026-0001' }, { code: 'BAD_USER_INPUT', argument: 'input.reference' }],
      ['a reference in another format', { reference: 'case 12' }, { code: 'BAD_USER_INPUT', argument: 'input.reference' }],
      ['a blank title', { title: '   ' }, { code: 'BAD_USER_INPUT', argument: 'input.title' }],
      ['a blank description', { description: ' ' }, { code: 'BAD_USER_INPUT', argument: 'input.description' }],
    ])('refuses %s, storing nothing', async (_label, overrides, expected) => {
      const before = await snapshot();
      const response = await running.query(SUBMIT, { input: submission(overrides) });
      expect(errorOf(response)).toMatchObject(expected);
      expect(JSON.stringify(response)).not.toMatch(/insert into|select .* from|"specialist_chambers"|violates|constraint/i);
      expect(await snapshot()).toEqual(before);
    });

    it('answers NOT_FOUND for an unknown request', async () => {
      const response = await transition({ id: syntheticId('support-request', 9999), status: 'APPROVED' });
      expect(errorOf(response)).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('needs chambers:write', async () => {
      const before = await snapshot();
      const caller = { scopes: new Set(ALL_SCOPES.filter((scope) => scope !== 'chambers:write')) };
      const response = await running.query(SUBMIT, { input: submission() }, caller);
      expect(errorOf(response)).toMatchObject({ code: 'UNAUTHORIZED_FIELD_OR_TYPE' });
      expect(await snapshot()).toEqual(before);
    });

    it('rolls a transition back whole when its history entry cannot be written', async () => {
      // Past the domain's checks, straight to the store: the status update succeeds,
      // then the history insert breaks a CHECK — and the status must stay as it was.
      const { id } = await submit();
      const store = createSupportRequestStore(running.instance.database.db as never);
      await expect(store.transition({ id, status: 'APPROVED', note: '   ' })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', argument: 'input.note' },
      });
      const [row] = await running.instance.database.rows<{ status: string; steps: number }>(
        sql`select status, (select count(*)::int from ${supportRequestTransitions} where support_request_id = ${id}) as steps from ${supportRequests} where id = ${id}`,
      );
      expect(row).toEqual({ status: 'REQUESTED', steps: 1 });
    });

    it('seeds a history for every request and links 30 operational ones to deployments 1–30, newest first', async () => {
      const [seeded] = await running.instance.database.rows<{ transitions: number; linked: number; operational: number; distinct: number }>(sql`
        select
          (select count(*)::int from ${supportRequestTransitions} t join ${supportRequests} r on r.id = t.support_request_id where r.reference like '%-20__-0___' and r.reference not like '%-2026-9%') as transitions,
          (select count(*)::int from ${supportRequests} where deployment_id is not null and reference not like '%-2026-9%') as linked,
          (select count(*)::int from ${supportRequests} where deployment_id is not null and kind = 'OPERATIONAL' and reference not like '%-2026-9%') as operational,
          (select count(distinct deployment_id)::int from ${supportRequests} where reference not like '%-2026-9%') as distinct`);
      expect(seeded).toEqual({ transitions: 1086, linked: 30, operational: 30, distinct: 30 });
      const response = await running.query<{ supportRequest: RequestView }>(`query($id: ID!) { supportRequest(id: $id) { ${REQUEST} } }`, {
        id: syntheticId('support-request', 1),
      });
      expect(response.data?.supportRequest.history.map((step) => step.toStatus)).toEqual(['REQUESTED', 'APPROVED', 'IN_PROGRESS', 'COMPLETED']);
      // Deployment 1 goes to the newest linked request: an operational one in progress or completed.
      const [linked] = await running.instance.database.rows<{ id: string; reference: string; kind: string; status: string }>(
        sql`select id, reference, kind, status from ${supportRequests} where deployment_id = ${syntheticId('deployment', 1)}`,
      );
      expect(linked).toMatchObject({ kind: 'OPERATIONAL', status: expect.stringMatching(/^(IN_PROGRESS|COMPLETED)$/) });
      const newest = await running.query<{ supportRequests: { edges: { node: { deployment: { __typename: string; id: string } | null } }[] } }>(
        '{ supportRequests(first: 50) { edges { node { deployment { __typename id } } } } }',
      );
      expect(newest.data?.supportRequests.edges.map((edge) => edge.node.deployment).filter(Boolean)).toContainEqual({
        __typename: 'Deployment',
        id: syntheticId('deployment', 1),
      });
      // The link is operations data: without operations:read it is withheld, here as at the gateway.
      const chambersOnly = await running.query<{ supportRequest: RequestView }>(
        'query($id: ID!) { supportRequest(id: $id) { reference deployment { id } } }',
        { id: linked!.id },
        { scopes: new Set(['chambers:read']) },
      );
      expect(chambersOnly.data?.supportRequest).toEqual({ reference: linked!.reference, deployment: null });
      expect(chambersOnly.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([
        ['UNAUTHORIZED_FIELD_OR_TYPE', ['supportRequest', 'deployment']],
      ]);
    });
  });

  describe('witness protection programme', () => {
    let sequence = 0;
    const officer = 'officer-test-1';
    const refer = async () => {
      const response = await running.query<{ referWitness: { protectedWitness: WitnessView } }>(REFER, {
        input: {
          codename: `TESTBIRD-${String(++sequence).padStart(2, '0')}`,
          riskLevel: 'MEDIUM',
          referredOn: '2026-01-10',
          identity: { fullName: 'Synthetic Test Person', dateOfBirth: '1980-02-03', currentLocation: 'Synthetic Test Town 01' },
        },
      });
      expect(response.errors).toBeUndefined();
      return response.data!.referWitness.protectedWitness;
    };
    const assess = (witnessId: string, occurredOn = '2026-01-20', riskLevel = 'HIGH') =>
      running.query<{ recordThreatAssessment: { protectedWitness: WitnessView } }>(ASSESS, {
        input: { witnessId, occurredOn, riskLevel, summary: 'Synthetic assessment. Test data.' },
      });
    const move = (witnessId: string, status: string) =>
      running.query<{ transitionWitness: { protectedWitness: WitnessView } }>(MOVE, { input: { witnessId, status } });
    const relocate = (witnessId: string, caller: Partial<Caller>, toLocation = 'Synthetic Test Town 02', occurredOn = '2026-02-01') =>
      running.query<{ recordRelocation: { protectedWitness: WitnessView } }>(RELOCATE, { input: { witnessId, occurredOn, toLocation } }, caller);
    const propose = (witnessId: string, who = officer) =>
      running.query<{ proposeProtectionOfficer: { assignment: { id: string; status: string } } }>(PROPOSE, { input: { witnessId, officer: who } }, PROPOSER);
    /** Proposed by one manager, approved by another; the first error, if any. */
    const assign = async (witnessId: string, who = officer): Promise<GraphQLResponse<unknown>> => {
      const proposed = await propose(witnessId, who);
      if (proposed.errors) return proposed;
      return running.query(APPROVE, { input: { assignmentId: proposed.data!.proposeProtectionOfficer.assignment.id } }, APPROVER);
    };

    it('takes a witness from referral to exit; the file is closed, not erased', async () => {
      const witness = await refer();
      expect(witness).toMatchObject({ status: 'REFERRED', riskLevel: 'MEDIUM', accessBasis: 'NONE', history: [] });

      const assessed = await assess(witness.id);
      expect(assessed.errors).toBeUndefined();
      expect(assessed.data!.recordThreatAssessment.protectedWitness).toMatchObject({ riskLevel: 'HIGH', status: 'REFERRED' });
      expect((await move(witness.id, 'ASSESSED')).data?.transitionWitness.protectedWitness.status).toBe('ASSESSED');
      expect((await move(witness.id, 'ADMITTED')).data?.transitionWitness.protectedWitness.status).toBe('ADMITTED');

      const assigned = await assign(witness.id);
      expect(assigned.errors).toBeUndefined();
      const relocated = await relocate(witness.id, { subject: officer });
      expect(relocated.errors).toBeUndefined();
      expect(relocated.data!.recordRelocation.protectedWitness).toMatchObject({
        status: 'RELOCATED',
        accessBasis: 'ASSIGNED',
        identity: { currentLocation: 'Synthetic Test Town 02' },
      });
      expect(relocated.data!.recordRelocation.protectedWitness.history[0]).toEqual({
        __typename: 'Relocation',
        fromLocation: 'Synthetic Test Town 01',
        toLocation: 'Synthetic Test Town 02',
      });

      expect((await move(witness.id, 'EXITED')).data?.transitionWitness.protectedWitness.status).toBe('EXITED');
      // Closed: nothing more is added, and the status is final.
      expect(errorOf(await assess(witness.id, '2026-03-01'))).toMatchObject({ code: 'CONFLICT', reason: 'WITNESS_EXITED' });
      expect(errorOf(await assign(witness.id, 'officer-test-2'))).toMatchObject({ code: 'CONFLICT', reason: 'WITNESS_EXITED' });
      expect(errorOf(await relocate(witness.id, { subject: officer }, 'Synthetic Test Town 03'))).toMatchObject({ code: 'CONFLICT' });
      expect(errorOf(await move(witness.id, 'RELOCATED'))).toMatchObject({ code: 'CONFLICT', currentStatus: 'EXITED', requestedStatus: 'RELOCATED' });
      // Still there, with its history.
      const read = await running.query<{ protectedWitness: WitnessView }>(`query($id: ID!) { protectedWitness(id: $id) { ${WITNESS} } }`, { id: witness.id }, { subject: officer });
      expect(read.data?.protectedWitness).toMatchObject({ status: 'EXITED' });
      expect(read.data?.protectedWitness.history).toHaveLength(2);
    });

    it('reports every record each mutation changed, whatever was selected, and nothing when refused (the gateway’s OUTCOME names them)', async () => {
      const witnessRecord = (id: string) => ({ type: 'ProtectedWitness', id });
      const referred = await running.query<{ referWitness: { protectedWitness: WitnessView } }>(
        'mutation($input: ReferWitnessInput!) { referWitness(input: $input) { __typename } }',
        {
          input: {
            codename: 'REPORTBIRD-901',
            riskLevel: 'LOW',
            referredOn: '2026-01-10',
            identity: { fullName: 'Synthetic Test Person', dateOfBirth: '1980-02-03', currentLocation: 'Synthetic Test Town 01' },
          },
        },
      );
      expect(referred.errors).toBeUndefined();
      expect(referred.changed).toHaveLength(1);
      const id = referred.changed![0]!.id;
      expect(referred.changed).toEqual([witnessRecord(id)]);
      const assessed = await assess(id);
      const assessment = assessed.data!.recordThreatAssessment as unknown as { threatAssessment: { id: string } };
      expect(assessed.changed).toEqual([{ type: 'ThreatAssessment', id: assessment.threatAssessment.id, owner: witnessRecord(id) }, witnessRecord(id)]);
      expect((await move(id, 'ASSESSED')).changed).toEqual([witnessRecord(id)]);
      await move(id, 'ADMITTED');
      const proposed = await propose(id);
      const assignment = { type: 'ProtectionOfficerAssignment', id: proposed.data!.proposeProtectionOfficer.assignment.id, owner: witnessRecord(id) };
      expect(proposed.changed).toEqual([assignment]);
      expect((await running.query(APPROVE, { input: { assignmentId: assignment.id } }, APPROVER)).changed).toEqual([assignment]);
      const refused = await relocate(id, { subject: 'officer-08' });
      expect(refused.errors).toHaveLength(1);
      expect(refused.changed).toEqual([]);
      const relocated = await relocate(id, { subject: officer });
      const [row] = await running.instance.database.rows<{ id: string }>(sql`select id from ${relocations} where witness_id = ${id}`);
      expect(relocated.changed).toEqual([{ type: 'Relocation', id: row!.id, owner: witnessRecord(id) }, witnessRecord(id)]);
    });

    it('refuses assessment or admission without a threat assessment, changing nothing', async () => {
      const witness = await refer();
      const before = await snapshot();
      const assessed = errorOf(await move(witness.id, 'ASSESSED'));
      expect(assessed).toMatchObject({ code: 'CONFLICT', reason: 'THREAT_ASSESSMENT_REQUIRED', currentStatus: 'REFERRED', requestedStatus: 'ASSESSED' });
      expect(assessed.message).toMatch(/REFERRED.*ASSESSED.*threat assessment/);
      const admitted = errorOf(await move(witness.id, 'ADMITTED'));
      expect(admitted).toMatchObject({ code: 'CONFLICT', currentStatus: 'REFERRED', requestedStatus: 'ADMITTED' });
      expect(await snapshot()).toEqual(before);
      const [row] = await running.instance.database.rows<{ status: string }>(sql`select status from ${protectedWitnesses} where id = ${witness.id}`);
      expect(row?.status).toBe('REFERRED');
    });

    it.each([
      ['REFERRED', 'RELOCATED'],
      ['REFERRED', 'REFERRED'],
    ])('refuses %s → %s with CONFLICT naming both states', async (current, requested) => {
      const witness = await refer();
      expect(errorOf(await move(witness.id, requested))).toMatchObject({ code: 'CONFLICT', currentStatus: current, requestedStatus: requested });
    });

    it('reaches RELOCATED only by recording a relocation, by an assigned officer of an admitted witness', async () => {
      const witness = await refer();
      await assess(witness.id);
      await move(witness.id, 'ASSESSED');
      // Not admitted yet.
      await assign(witness.id);
      expect(errorOf(await relocate(witness.id, { subject: officer }))).toMatchObject({ code: 'CONFLICT', currentStatus: 'ASSESSED', reason: 'NOT_ADMITTED' });
      await move(witness.id, 'ADMITTED');
      expect(errorOf(await move(witness.id, 'RELOCATED'))).toMatchObject({ code: 'CONFLICT', reason: 'RELOCATION_REQUIRED' });
      // Need-to-know: someone not assigned cannot move the witness, and learns nothing.
      const before = await snapshot();
      const refused = errorOf(await relocate(witness.id, { subject: 'officer-08' }));
      expect(refused).toMatchObject({ code: 'FORBIDDEN' });
      expect(refused.message).not.toContain('Synthetic');
      expect(await snapshot()).toEqual(before);
      // Bad input is named and stores nothing.
      expect(errorOf(await relocate(witness.id, { subject: officer }, 'Synthetic Test Town 01'))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.toLocation' });
      expect(errorOf(await relocate(witness.id, { subject: officer }, 'Synthetic Test Town 02', '2025-12-31'))).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'input.occurredOn',
      });
      expect(await snapshot()).toEqual(before);
    });

    it('keeps the risk level at the newest assessment, and refuses one dated before the referral', async () => {
      const witness = await refer();
      await assess(witness.id, '2026-02-01', 'CRITICAL');
      const older = await assess(witness.id, '2026-01-15', 'LOW');
      expect(older.data?.recordThreatAssessment.protectedWitness.riskLevel).toBe('CRITICAL');
      const before = await snapshot();
      expect(errorOf(await assess(witness.id, '2026-01-01'))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.occurredOn' });
      expect(await snapshot()).toEqual(before);
    });

    it('refuses a malformed officer id, storing nothing', async () => {
      const witness = await refer();
      const before = await snapshot();
      expect(errorOf(await propose(witness.id, 'has space'))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.officer' });
      expect(await snapshot()).toEqual(before);
    });

    it.each([
      ['a codename already used', { codename: 'KESTREL-01' }, { code: 'CONFLICT', reason: 'DUPLICATE_CODENAME' }],
      ['a codename that could name a person', { codename: 'Synthetic Person' }, { code: 'BAD_USER_INPUT', argument: 'input.codename' }],
      ['a blank name', { identity: { fullName: ' ', dateOfBirth: '1980-01-01', currentLocation: 'Synthetic Town' } }, { code: 'BAD_USER_INPUT', argument: 'input.identity.fullName' }],
      ['a birth after the referral', { identity: { fullName: 'Synthetic Name', dateOfBirth: '2026-05-01', currentLocation: 'Synthetic Town' } }, { code: 'BAD_USER_INPUT', argument: 'input.identity.dateOfBirth' }],
    ])('refuses a referral with %s, storing nothing', async (_label, overrides, expected) => {
      const before = await snapshot();
      const input = {
        codename: 'NEWBIRD-77',
        riskLevel: 'LOW',
        referredOn: '2026-01-10',
        identity: { fullName: 'Synthetic Name', dateOfBirth: '1980-01-01', currentLocation: 'Synthetic Town' },
        ...overrides,
      };
      const response = await running.query(REFER, { input });
      expect(errorOf(response)).toMatchObject(expected);
      expect(JSON.stringify(response.errors)).not.toContain('Synthetic Name');
      expect(await snapshot()).toEqual(before);
    });

    it('rolls a referral back whole when the identity cannot be written', async () => {
      // Past the domain's checks, straight to the store: the witness row is inserted,
      // then the identity cannot be sealed (the identity is encrypted before it is
      // written, so no CHECK sees it in clear) — and no witness may be left behind.
      const failing = { encrypt: () => { throw new Error('no key'); }, decrypt: () => '' };
      const store = createProtectedWitnessStore(running.instance.database.db as never, failing);
      await expect(
        store.refer({
          codename: 'ROLLBACK-01',
          riskLevel: 'LOW',
          referredOn: '2026-01-10',
          identity: { fullName: 'Synthetic Name', dateOfBirth: '1980-01-01', currentLocation: 'Synthetic Town' },
        }),
      ).rejects.toThrow('no key');
      const rows = await running.instance.database.rows(sql`select 1 from ${protectedWitnesses} where codename = 'ROLLBACK-01'`);
      expect(rows).toEqual([]);
    });

    it('needs witness-protection:write for every witness mutation', async () => {
      const caller = { scopes: new Set(ALL_SCOPES.filter((scope) => scope !== 'witness-protection:write')) };
      const witnessId = syntheticId('protected-witness', 7);
      const before = await snapshot();
      for (const [query, input] of [
        [ASSESS, { witnessId, occurredOn: '2026-01-20', riskLevel: 'LOW', summary: 'Synthetic.' }],
        [MOVE, { witnessId, status: 'EXITED' }],
        [RELOCATE, { witnessId, occurredOn: '2026-01-20', toLocation: 'Synthetic Elsewhere' }],
      ] as const) {
        expect(errorOf(await running.query(query, { input }, caller))).toMatchObject({ code: 'UNAUTHORIZED_FIELD_OR_TYPE' });
      }
      expect(await snapshot()).toEqual(before);
    });

    it('needs witness-protection:assign (not :write) to propose or approve an officer', async () => {
      const withoutAssign = { ...PROPOSER, scopes: new Set(ALL_SCOPES.filter((scope) => scope !== 'witness-protection:assign')) };
      const before = await snapshot();
      const response = await running.query(PROPOSE, { input: { witnessId: syntheticId('protected-witness', 7), officer: 'officer-99' } }, withoutAssign);
      expect(errorOf(response)).toMatchObject({ code: 'UNAUTHORIZED_FIELD_OR_TYPE' });
      expect(await snapshot()).toEqual(before);
    });

    it('offers no way to erase a witness: no delete mutation', async () => {
      const response = await running.query<{ __schema: { mutationType: { fields: { name: string }[] } } }>('{ __schema { mutationType { fields { name } } } }');
      const names = response.data!.__schema.mutationType.fields.map((field) => field.name);
      expect(names.filter((name) => /delete|remove|erase|purge|unassign/i.test(name))).toEqual([]);
    });
  });
});
