/**
 * Four eyes on need-to-know (issue 10, item 5): a protection officer sees a witness's
 * identity only after one principal proposed and another approved the assignment;
 * revocation closes access at once; no refusal tells a caller who protects whom; and
 * the assignment history is append-only in the database, against an insider too.
 * Over real HTTP with internal tokens (the subgraph called directly, as the gateway would).
 */
import { randomUUID } from 'node:crypto';
import { databaseViolation, syntheticId, type Caller } from '@mission-graph/service-kit';
import { startSubgraph, type GraphQLResponse, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { protectionOfficerAssignmentEvents, protectionOfficerAssignments } from '../src/db/schema.js';
import { officersOf } from './seed-facts.js';

const ASSIGNMENT = 'id officer status witness { codename } history { action by at }';
const PROPOSE = `mutation($input: ProposeProtectionOfficerInput!) { proposeProtectionOfficer(input: $input) { assignment { ${ASSIGNMENT} } } }`;
const APPROVE = `mutation($input: ApproveProtectionOfficerInput!) { approveProtectionOfficer(input: $input) { assignment { ${ASSIGNMENT} } } }`;
const REVOKE = `mutation($input: RevokeProtectionOfficerInput!) { revokeProtectionOfficer(input: $input) { protectedWitness { codename status } } }`;
const QUEUE = `query($after: String) { protectionOfficerProposals(first: 100, after: $after) { totalCount edges { node { ${ASSIGNMENT} } } pageInfo { hasNextPage endCursor } } }`;
const WITNESS = `query($id: ID!) { protectedWitness(id: $id) { codename accessBasis identity { fullName currentLocation }
  history { __typename ... on Relocation { toLocation } } } }`;
const RELOCATE = `mutation($input: RecordRelocationInput!) { recordRelocation(input: $input) { protectedWitness { codename } } }`;

interface AssignmentView {
  id: string;
  officer: string;
  status: string;
  witness: { codename: string };
  history: { action: string; by: string; at: string }[];
}
interface WitnessView {
  codename: string;
  accessBasis: string;
  identity: { fullName: string; currentLocation: string } | null;
  history: { __typename: string }[];
}

const MANAGER_A: Partial<Caller> = { subject: 'manager-a' };
const MANAGER_B: Partial<Caller> = { subject: 'manager-b' };
const MANAGER_C: Partial<Caller> = { subject: 'manager-c' };
const as = (subject: string | undefined): Partial<Caller> => ({ subject });
const witnessId = (n: number) => syntheticId('protected-witness', n);

const onlyError = (response: GraphQLResponse<unknown>) => {
  expect(response.errors).toHaveLength(1);
  return { ...response.errors![0]!.extensions, message: response.errors![0]!.message };
};

describeOnEachDatabase('protection officers, four eyes,', (flavour) => {
  let running: RunningSubgraph;
  beforeAll(async () => {
    running = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await running?.stop();
  });

  const propose = (n: number, officer: string, by: Partial<Caller> = MANAGER_A) =>
    running.query<{ proposeProtectionOfficer: { assignment: AssignmentView } }>(PROPOSE, { input: { witnessId: witnessId(n), officer } }, by);
  const approve = (assignmentId: string, by: Partial<Caller> = MANAGER_B) =>
    running.query<{ approveProtectionOfficer: { assignment: AssignmentView } }>(APPROVE, { input: { assignmentId } }, by);
  const revoke = (n: number, officer: string, by: Partial<Caller> = MANAGER_C) =>
    running.query<{ revokeProtectionOfficer: { protectedWitness: { codename: string } } }>(REVOKE, { input: { witnessId: witnessId(n), officer } }, by);
  const read = (n: number, officer: string) => running.query<{ protectedWitness: WitnessView }>(WITNESS, { id: witnessId(n) }, as(officer));
  const proposed = async (n: number, officer: string, by: Partial<Caller> = MANAGER_A) => {
    const response = await propose(n, officer, by);
    expect(response.errors).toBeUndefined();
    return response.data!.proposeProtectionOfficer.assignment;
  };
  /** Rows of both tables: a refused step must leave them as they were. */
  const snapshot = async () => {
    const [row] = await running.instance.database.rows<{ assignments: number; steps: number }>(sql`
      select (select count(*)::int from ${protectionOfficerAssignments}) as assignments,
             (select count(*)::int from ${protectionOfficerAssignmentEvents}) as steps`);
    return row;
  };

  it('opens nothing on a proposal; a second principal’s approval opens the identity to the officer', async () => {
    // Witness 7 (WAGTAIL-07) is protected by officer-07 only.
    expect(officersOf(7)).toEqual(['officer-07']);
    const assignment = await proposed(7, 'officer-new-1');
    expect(assignment).toMatchObject({ officer: 'officer-new-1', status: 'PROPOSED', witness: { codename: 'WAGTAIL-07' } });
    expect(assignment.history).toEqual([{ action: 'PROPOSED', by: 'manager-a', at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) }]);

    const before = await read(7, 'officer-new-1');
    expect(before.data?.protectedWitness).toMatchObject({ accessBasis: 'NONE', identity: null });
    expect(onlyError(before)).toMatchObject({ code: 'FORBIDDEN' });

    const approved = await approve(assignment.id);
    expect(approved.errors).toBeUndefined();
    expect(approved.data?.approveProtectionOfficer.assignment).toMatchObject({ status: 'APPROVED' });
    expect(approved.data?.approveProtectionOfficer.assignment.history.map((step) => [step.action, step.by])).toEqual([
      ['PROPOSED', 'manager-a'],
      ['APPROVED', 'manager-b'],
    ]);

    const after = await read(7, 'officer-new-1');
    expect(after.errors).toBeUndefined();
    expect(after.data?.protectedWitness).toMatchObject({ accessBasis: 'ASSIGNED', identity: { fullName: 'Synthetic Witness 07' } });
  });

  it('refuses self-proposal (FORBIDDEN, SELF_PROPOSAL), storing nothing', async () => {
    const before = await snapshot();
    const refused = onlyError(await propose(11, 'officer-self', as('officer-self')));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', reason: 'SELF_PROPOSAL' });
    expect(await snapshot()).toEqual(before);
    expect((await read(11, 'officer-self')).data?.protectedWitness.identity).toBeNull();
  });

  it('refuses approval by the proposer and by the proposed officer, storing nothing; a third principal approves', async () => {
    const assignment = await proposed(13, 'officer-new-2');
    const before = await snapshot();
    expect(onlyError(await approve(assignment.id, MANAGER_A))).toMatchObject({ code: 'FORBIDDEN', reason: 'PROPOSER_CANNOT_APPROVE' });
    expect(onlyError(await approve(assignment.id, as('officer-new-2')))).toMatchObject({ code: 'FORBIDDEN', reason: 'OFFICER_CANNOT_APPROVE' });
    expect(await snapshot()).toEqual(before);
    expect((await read(13, 'officer-new-2')).data?.protectedWitness.identity).toBeNull();
    expect((await approve(assignment.id, MANAGER_C)).errors).toBeUndefined();
    expect((await read(13, 'officer-new-2')).data?.protectedWitness.accessBasis).toBe('ASSIGNED');
  });

  it('needs a named principal: a token without a subject can neither propose, approve nor revoke', async () => {
    const assignment = await proposed(17, 'officer-new-3');
    const before = await snapshot();
    for (const response of [await propose(17, 'officer-new-4', as(undefined)), await approve(assignment.id, as(undefined)), await revoke(17, 'officer-new-3', as(undefined))]) {
      expect(onlyError(response)).toMatchObject({ code: 'FORBIDDEN', reason: 'PRINCIPAL_REQUIRED' });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a client-credentials token (sub = client_id, no human) cannot be the second pair of eyes, nor the first; it may revoke', async () => {
    const assignment = await proposed(21, 'officer-new-7');
    const before = await snapshot();
    const ownClient = { subject: 'assign-automation', clientId: 'assign-automation' };
    const registeredMachine = { subject: 'svc-7f3a', clientId: 'assign-automation', machine: true };
    for (const machine of [ownClient, registeredMachine]) {
      expect(onlyError(await approve(assignment.id, machine))).toMatchObject({ code: 'FORBIDDEN', reason: 'HUMAN_PRINCIPAL_REQUIRED' });
      expect(onlyError(await propose(21, 'officer-new-8', machine))).toMatchObject({ code: 'FORBIDDEN', reason: 'HUMAN_PRINCIPAL_REQUIRED' });
    }
    expect(await snapshot()).toEqual(before);
    expect((await read(21, 'officer-new-7')).data?.protectedWitness.identity).toBeNull();
    // A person using the same app is a person: their token names the app, not themselves.
    expect((await approve(assignment.id, { subject: 'manager-d', clientId: 'assign-automation' })).errors).toBeUndefined();
    expect((await revoke(21, 'officer-new-7', ownClient)).errors).toBeUndefined();
    expect((await read(21, 'officer-new-7')).data?.protectedWitness.identity).toBeNull();
  });

  it('approves once: approving again, or a revoked proposal, is a CONFLICT naming its status', async () => {
    const assignment = await proposed(18, 'officer-new-5');
    expect((await approve(assignment.id)).errors).toBeUndefined();
    expect(onlyError(await approve(assignment.id, MANAGER_C))).toMatchObject({ code: 'CONFLICT', currentStatus: 'APPROVED', requestedStatus: 'APPROVED' });
    const withdrawn = await proposed(18, 'officer-new-6');
    expect((await revoke(18, 'officer-new-6')).errors).toBeUndefined();
    expect(onlyError(await approve(withdrawn.id))).toMatchObject({ code: 'CONFLICT', currentStatus: 'REVOKED' });
    expect((await read(18, 'officer-new-6')).data?.protectedWitness.identity).toBeNull();
  });

  it('answers an unknown proposal with NOT_FOUND and a malformed id with BAD_USER_INPUT', async () => {
    expect(onlyError(await approve(syntheticId('protection-officer-assignment', 999_999)))).toMatchObject({ code: 'NOT_FOUND' });
    expect(onlyError(await approve('not-a-uuid'))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.assignmentId' });
  });

  it('answers two concurrent approvals of one proposal with one approval and one CONFLICT', async () => {
    const assignment = await proposed(22, 'officer-new-7');
    const answers = await Promise.all([approve(assignment.id, MANAGER_B), approve(assignment.id, MANAGER_C)]);
    expect(answers.filter((answer) => answer.errors === undefined)).toHaveLength(1);
    expect(answers.flatMap((answer) => answer.errors ?? []).map((error) => error.extensions?.code)).toEqual(['CONFLICT']);
    const [steps] = await running.instance.database.rows<{ n: number }>(
      sql`select count(*)::int as n from ${protectionOfficerAssignmentEvents} where assignment_id = ${assignment.id} and action = 'APPROVED'`,
    );
    expect(steps?.n).toBe(1);
  });

  it('closes identity access at once on revocation: the next request is FORBIDDEN and relocations vanish', async () => {
    // Witness 3 (MERLIN-03, relocated twice, ADMITTED→RELOCATED) is protected by officer-03.
    const open = await read(3, 'officer-03');
    expect(open.data?.protectedWitness).toMatchObject({ accessBasis: 'ASSIGNED', identity: { fullName: 'Synthetic Witness 03' } });
    expect(open.data?.protectedWitness.history.filter((event) => event.__typename === 'Relocation')).toHaveLength(2);

    expect((await revoke(3, 'officer-03')).errors).toBeUndefined();

    const closed = await read(3, 'officer-03');
    expect(closed.data?.protectedWitness).toMatchObject({ accessBasis: 'NONE', identity: null });
    expect(closed.data?.protectedWitness.history.some((event) => event.__typename === 'Relocation')).toBe(false);
    expect(onlyError(closed)).toMatchObject({ code: 'FORBIDDEN' });
    expect(JSON.stringify(closed)).not.toMatch(/Synthetic (Witness|Safe|Transit|Home)/);
    const moved = await running.query(RELOCATE, { input: { witnessId: witnessId(3), occurredOn: '2026-11-01', toLocation: 'Synthetic Elsewhere 01' } }, as('officer-03'));
    expect(onlyError(moved)).toMatchObject({ code: 'FORBIDDEN' });
    // Witness 15 is officer-03's too (n = 3 + 12): only the revoked assignment closed.
    expect((await read(15, 'officer-03')).data?.protectedWitness.accessBasis).toBe('ASSIGNED');
  });

  it('answers alike whether or not the officer already protects the witness (nothing tells who protects whom)', async () => {
    // Witness 10 is protected by officer-10 (and officer-04); officer-99 protects no one.
    expect(officersOf(10)).toContain('officer-10');
    const again = await propose(10, 'officer-10');
    const fresh = await propose(10, 'officer-99');
    const shape = (response: GraphQLResponse<{ proposeProtectionOfficer: { assignment: AssignmentView } }>) => {
      const { id: _id, officer: _officer, history, ...rest } = response.data!.proposeProtectionOfficer.assignment;
      return { ...rest, errors: response.errors, steps: history.map((step) => [step.action, step.by]) };
    };
    expect(shape(again)).toEqual(shape(fresh));
    // Revoking an officer who is assigned and one who is not: the same answer.
    expect((await read(10, 'officer-10')).data?.protectedWitness.accessBasis).toBe('ASSIGNED');
    expect(await revoke(10, 'officer-nobody')).toEqual(await revoke(10, 'officer-10'));
    expect((await read(10, 'officer-10')).data?.protectedWitness.identity).toBeNull();
    // And no refusal names anyone but the caller's own proposal.
    const refusals = [await propose(10, 'manager-a', MANAGER_A), await approve(fresh.data!.proposeProtectionOfficer.assignment.id, MANAGER_A)];
    expect(JSON.stringify(refusals)).not.toMatch(/officer-(10|04)|programme-manager/);
  });

  it('lists pending proposals only in the approval queue, newest first', async () => {
    const first = await proposed(23, 'officer-queue-1');
    const second = await proposed(23, 'officer-queue-2');
    const approvedOne = await proposed(23, 'officer-queue-3');
    await approve(approvedOne.id);
    const queue = await running.query<{ protectionOfficerProposals: { totalCount: number; edges: { node: AssignmentView }[] } }>(QUEUE);
    expect(queue.errors).toBeUndefined();
    const listed = queue.data!.protectionOfficerProposals.edges.map((edge) => edge.node);
    expect(listed.every((node) => node.status === 'PROPOSED')).toBe(true);
    expect(listed.map((node) => node.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    expect(listed.map((node) => node.id)).not.toContain(approvedOne.id);
    expect(listed.findIndex((node) => node.id === second.id)).toBeLessThan(listed.findIndex((node) => node.id === first.id));
    expect(queue.data!.protectionOfficerProposals.totalCount).toBe(listed.length);
    // Of the seed, only its one pending proposal (officer-13 for KESTREL-01) is listed: the approved ones are not.
    expect(listed.filter((node) => node.history[0]?.by === 'programme-manager-01').map((node) => [node.officer, node.witness.codename])).toEqual([
      ['officer-13', 'KESTREL-01'],
    ]);
  });

  it('refuses a proposal or approval for a witness who has EXITED', async () => {
    // Witness 24 is EXITED (n % 5 = 4).
    expect(onlyError(await propose(24, 'officer-new-8'))).toMatchObject({ code: 'CONFLICT', reason: 'WITNESS_EXITED' });
  });

  describe('the history, against an insider with database rights', () => {
    const db = () => running.instance.database.db;
    /** A pending proposal written straight to the tables, as an insider could. */
    const pendingRow = async (officer: string, proposer = 'insider-1', n = 27) => {
      const id = syntheticId('protection-officer-assignment', 10_000 + Math.floor(Math.random() * 1_000_000));
      await db().transaction(async (tx) => {
        await tx.insert(protectionOfficerAssignments).values({ id, witnessId: witnessId(n), officerSubject: officer, proposedBy: proposer });
        await tx.insert(protectionOfficerAssignmentEvents).values({ id: randomUUID(), assignmentId: id, action: 'PROPOSED', actor: proposer });
      });
      return id;
    };
    const step = (assignmentId: string, action: 'PROPOSED' | 'APPROVED' | 'REVOKED', actor: string, occurredAt?: string) => () =>
      db().insert(protectionOfficerAssignmentEvents).values({ id: randomUUID(), assignmentId, action, actor, ...(occurredAt ? { occurredAt } : {}) });
    const raw = (statement: ReturnType<typeof sql>) => () => db().execute(statement);
    const seeded = syntheticId('protection-officer-assignment', 1); // officer-01 for witness 1, approved
    const refusal = async (write: () => Promise<unknown>) =>
      databaseViolation(await write().then(() => undefined, (error: unknown) => error))?.constraint;

    it.each([
      ['rewriting who approved', 'protection_officer_assignment_events_never_erased',
        raw(sql`update ${protectionOfficerAssignmentEvents} set actor = 'someone-else' where assignment_id = ${seeded}`)],
      ['back-dating a step', 'protection_officer_assignment_events_never_erased',
        raw(sql`update ${protectionOfficerAssignmentEvents} set occurred_at = occurred_at - interval '1 year'`)],
      ['erasing a revocation', 'protection_officer_assignment_events_never_erased',
        raw(sql`delete from ${protectionOfficerAssignmentEvents} where action = 'REVOKED'`)],
      ['emptying the history', 'protection_officer_assignment_events_never_erased',
        raw(sql`truncate ${protectionOfficerAssignmentEvents}`)],
      ['re-pointing an assignment to another officer', 'protection_officer_assignments_never_erased',
        raw(sql`update ${protectionOfficerAssignments} set officer_subject = 'insider-1' where id = ${seeded}`)],
      ['erasing an assignment', 'protection_officer_assignments_never_erased',
        raw(sql`delete from ${protectionOfficerAssignments} where id = ${seeded}`)],
      // Cascading to the history: whichever table's trigger fires first refuses it.
      ['emptying the assignments', 'protection_officer_assignment(s|_events)_never_erased',
        raw(sql`truncate ${protectionOfficerAssignments} cascade`)],
      ['approving an approved assignment again', 'protection_officer_assignment_events_once', step(seeded, 'APPROVED', 'insider-2')],
    ])('refuses %s (%s)', async (_label, constraint, write) => {
      const before = await snapshot();
      expect(await refusal(write)).toMatch(new RegExp(`^${constraint}$`));
      expect(await snapshot()).toEqual(before);
    });

    it('refuses a self-proposal written as SQL (protection_officer_assignments_not_self_proposed)', async () => {
      expect(await refusal(() => pendingRow('insider-1', 'insider-1'))).toBe('protection_officer_assignments_not_self_proposed');
    });

    it('refuses an approval by the proposer or by the officer, and an approval without a proposal', async () => {
      const id = await pendingRow('insider-officer');
      expect(await refusal(step(id, 'APPROVED', 'insider-1'))).toBe('protection_officer_assignment_events_not_approved_by_proposer');
      expect(await refusal(step(id, 'APPROVED', 'insider-officer'))).toBe('protection_officer_assignment_events_not_approved_by_officer');
      // An assignment whose only step is an approval: no proposal first.
      const orphan = syntheticId('protection-officer-assignment', 20_000 + Math.floor(Math.random() * 1_000_000));
      const written = () =>
        db().transaction(async (tx) => {
          await tx.insert(protectionOfficerAssignments).values({ id: orphan, witnessId: witnessId(27), officerSubject: 'insider-officer', proposedBy: 'insider-1' });
          await tx.insert(protectionOfficerAssignmentEvents).values({ id: randomUUID(), assignmentId: orphan, action: 'APPROVED', actor: 'insider-2' });
        });
      expect(await refusal(written)).toBe('protection_officer_assignment_events_proposal_first');
      expect((await read(27, 'insider-officer')).data?.protectedWitness.identity).toBeNull();
    });

    it('refuses an assignment with no proposal at all, at commit (protection_officer_assignments_proposed)', async () => {
      const id = syntheticId('protection-officer-assignment', 30_000 + Math.floor(Math.random() * 1_000_000));
      const written = () =>
        db().insert(protectionOfficerAssignments).values({ id, witnessId: witnessId(27), officerSubject: 'insider-officer', proposedBy: 'insider-1' });
      expect(await refusal(written)).toBe('protection_officer_assignments_proposed');
    });

    it('refuses a proposal in someone else’s name (protection_officer_assignment_events_proposed_by_proposer)', async () => {
      const id = syntheticId('protection-officer-assignment', 40_000 + Math.floor(Math.random() * 1_000_000));
      const written = () =>
        db().transaction(async (tx) => {
          await tx.insert(protectionOfficerAssignments).values({ id, witnessId: witnessId(27), officerSubject: 'insider-officer', proposedBy: 'manager-a' });
          await tx.insert(protectionOfficerAssignmentEvents).values({ id: randomUUID(), assignmentId: id, action: 'PROPOSED', actor: 'insider-1' });
        });
      expect(await refusal(written)).toBe('protection_officer_assignment_events_proposed_by_proposer');
    });

    it('refuses approving after a revocation, a step dated before the last one, and one dated in the future', async () => {
      const revoked = await pendingRow('insider-officer-2');
      await step(revoked, 'REVOKED', 'insider-3')();
      expect(await refusal(step(revoked, 'APPROVED', 'insider-2'))).toBe('protection_officer_assignment_events_revocation_final');
      const pending = await pendingRow('insider-officer-3');
      expect(await refusal(step(pending, 'APPROVED', 'insider-2', '2001-01-01T00:00:00Z'))).toBe('protection_officer_assignment_events_in_time_order');
      expect(await refusal(step(pending, 'APPROVED', 'insider-2', '2999-01-01T00:00:00Z'))).toBe('protection_officer_assignment_events_not_in_future');
    });

    it('refuses a proposal for an exited witness (protection_officer_assignment_events_witness_open)', async () => {
      expect(await refusal(() => pendingRow('insider-officer-4', 'insider-1', 24))).toBe('protection_officer_assignment_events_witness_open');
    });
  });
});
