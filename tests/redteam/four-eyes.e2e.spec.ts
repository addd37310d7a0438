/**
 * Red team, part 3: need-to-know and four eyes on protected witnesses, attacked by
 * callers with odd tokens (no `sub`, look-alike subs, one person with two tokens, a
 * machine client) and by an insider with rights on the specialist-chambers database.
 * The promise: only approved, unrevoked, assigned officers read a witness's identity;
 * an approval takes two different people; refusals say nothing about assignments.
 * `it.fails` marks an attack that currently succeeds.
 */
import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, startGraph, type GraphQLResponse, type RunningGraph } from '../testkit/graph.js';
import { callAs, IDENTITY_SCOPES, officerOf, PURPOSE, registryWithClients, tokenWithoutSubject, UNASSIGNED_OFFICER, witness } from './helpers.js';

const ASSIGN = ['witness-protection:assign', 'witness-protection:read'];
const WITNESS_DETAIL = /Synthetic Witness|Safe Location|Transit Location|Home Town/;
const IDENTITY = 'query($id: ID!) { protectedWitness(id: $id) { accessBasis identity { fullName currentLocation } } }';
const PROPOSE = 'mutation($i: ProposeProtectionOfficerInput!) { proposeProtectionOfficer(input: $i) { assignment { id status history { action by } } } }';
const APPROVE = 'mutation($i: ApproveProtectionOfficerInput!) { approveProtectionOfficer(input: $i) { assignment { status history { action by } } } }';
const REVOKE = 'mutation($i: RevokeProtectionOfficerInput!) { revokeProtectionOfficer(input: $i) { protectedWitness { codename } } }';

type Proposed = { proposeProtectionOfficer: { assignment: { id: string; status: string; history: { action: string; by: string }[] } } | null };

const flavour = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

describe(`red team: need-to-know and four eyes (${flavour})`, () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph({ flavour, clients: registryWithClients(['ops-console', 'mission-explorer', 'ops-cli', 'assign-automation']) });
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const chambers = () => graph.subgraphs['specialist-chambers']!.database;
  const readsIdentity = (subject: string, n = 7) => callAs<{ protectedWitness: { accessBasis: string; identity: unknown } }>(graph, { subject, scopes: IDENTITY_SCOPES }, IDENTITY, { id: witness(n) });
  const propose = (subject: string, officer: string, n = 7, claims?: Record<string, unknown>) =>
    callAs<Proposed>(graph, { subject, scopes: ASSIGN, ...(claims ? { claims } : {}) }, PROPOSE, { i: { witnessId: witness(n), officer } });
  const approve = (subject: string, assignmentId: string, claims?: Record<string, unknown>) =>
    callAs(graph, { subject, scopes: ASSIGN, ...(claims ? { claims } : {}) }, APPROVE, { i: { assignmentId } });
  const codes = (response: GraphQLResponse<unknown>) => response.errors?.map((e) => [e.extensions?.code, e.extensions?.reason]);
  const expectNoIdentity = (response: GraphQLResponse<{ protectedWitness: { accessBasis: string; identity: unknown } }>) => {
    expect(response.data?.protectedWitness.identity ?? null).toBeNull();
    expect(JSON.stringify(response)).not.toMatch(WITNESS_DETAIL);
  };

  describe('odd tokens', () => {
    it('look-alikes of an assigned officer’s sub (case, zero-width space, fullwidth letter, surrounding blanks, Cyrillic о) open nothing', async () => {
      const assigned = officerOf(7); // officer-07
      expect((await readsIdentity(assigned)).data?.protectedWitness.accessBasis).toBe('ASSIGNED');
      for (const lookAlike of ['OFFICER-07', `${assigned}\u200b`, '\uff4ffficer-07', ` ${assigned}`, `${assigned} `, '\u043efficer-07']) {
        const response = await readsIdentity(lookAlike);
        expect(response.data?.protectedWitness.accessBasis, JSON.stringify(lookAlike)).toBe('NONE');
        expectNoIdentity(response);
      }
    });

    it('a token without `sub` can neither propose, approve nor revoke (PRINCIPAL_REQUIRED), and sees no identity', async () => {
      const token = await tokenWithoutSubject(graph, [...ASSIGN, ...IDENTITY_SCOPES], { client_id: 'ops-console' });
      const headers = { authorization: `Bearer ${token}`, 'x-access-purpose': PURPOSE };
      const proposed = await postGraphQL(graph.gatewayUrl, { query: PROPOSE, variables: { i: { witnessId: witness(7), officer: 'officer-rt-nosub' } } }, headers);
      expect(codes(proposed)).toEqual([['FORBIDDEN', 'PRINCIPAL_REQUIRED']]);
      const revoked = await postGraphQL(graph.gatewayUrl, { query: REVOKE, variables: { i: { witnessId: witness(7), officer: officerOf(7) } } }, headers);
      expect(codes(revoked)).toEqual([['FORBIDDEN', 'PRINCIPAL_REQUIRED']]);
      const read = await postGraphQL<{ protectedWitness: { accessBasis: string; identity: unknown } }>(graph.gatewayUrl, { query: IDENTITY, variables: { id: witness(7) } }, headers);
      expectNoIdentity(read);
    });

    it('break-glass with the scope and a justification of blanks opens nothing', async () => {
      for (const blank of [' ', '\t', '   ']) {
        const response = await callAs<{ protectedWitness: { accessBasis: string; identity: unknown } }>(
          graph,
          { subject: UNASSIGNED_OFFICER, scopes: [...IDENTITY_SCOPES, 'witness-protection:break-glass'], headers: { 'x-break-glass': blank } },
          IDENTITY,
          { id: witness(7) },
        );
        expect(response.data?.protectedWitness.accessBasis).toBe('NONE');
        expectNoIdentity(response);
      }
    });
  });

  describe('one person, two tokens', () => {
    it('the proposer cannot approve with a second token of the same sub from another client', async () => {
      const proposed = await propose('manager-rt-a', 'officer-rt-1', 7, { azp: 'mission-explorer' });
      const id = proposed.data!.proposeProtectionOfficer!.assignment.id;
      expect(codes(await approve('manager-rt-a', id, { azp: 'ops-cli', client_id: 'ops-cli' }))).toEqual([['FORBIDDEN', 'PROPOSER_CANNOT_APPROVE']]);
      expect(codes(await approve('officer-rt-1', id, { azp: 'ops-cli' }))).toEqual([['FORBIDDEN', 'OFFICER_CANNOT_APPROVE']]);
      expectNoIdentity(await readsIdentity('officer-rt-1'));
    });

    // Was a finding: any token with a `sub` counted as a person, so a client-credentials
    // token (sub = the client's own id, no human behind it) was accepted as the second
    // pair of eyes. Closed: the gateway marks machine callers (sub = azp/client_id,
    // gty client-credentials, or a client registered `machine`) and proposing or
    // approving refuses them (HUMAN_PRINCIPAL_REQUIRED).
    it('a client-credentials token (sub = client_id, no human) cannot be the second pair of eyes', async () => {
      const proposed = await propose('manager-rt-b', 'officer-rt-2', 7, { azp: 'mission-explorer' });
      const id = proposed.data!.proposeProtectionOfficer!.assignment.id;
      await approve('assign-automation', id, { client_id: 'assign-automation', azp: 'assign-automation' });
      expectNoIdentity(await readsIdentity('officer-rt-2'));
    });
  });

  describe('refusals reveal nothing about assignments', () => {
    it('proposing an officer who already protects the witness answers exactly like a fresh proposal', async () => {
      const shape = (response: GraphQLResponse<Proposed>) => {
        const assignment = response.data?.proposeProtectionOfficer?.assignment;
        return { errors: response.errors, status: assignment?.status, history: assignment?.history.map((step) => step.action) };
      };
      const existing = await propose('manager-rt-c', officerOf(7), 7);
      const fresh = await propose('manager-rt-c', 'officer-rt-3', 7);
      expect(shape(existing)).toEqual(shape(fresh));
      expect(shape(existing)).toEqual({ errors: undefined, status: 'PROPOSED', history: ['PROPOSED'] });
    });

    it('revoking an officer who was never assigned answers exactly like revoking one who was', async () => {
      const fresh = 'officer-rt-4';
      const proposed = await propose('manager-rt-d', fresh, 12);
      expect(proposed.errors).toBeUndefined();
      await approve('manager-rt-e', proposed.data!.proposeProtectionOfficer!.assignment.id);
      const real = await callAs(graph, { subject: 'manager-rt-f', scopes: ASSIGN }, REVOKE, { i: { witnessId: witness(12), officer: fresh } });
      const never = await callAs(graph, { subject: 'manager-rt-f', scopes: ASSIGN }, REVOKE, { i: { witnessId: witness(12), officer: 'officer-rt-never' } });
      expect(never).toEqual(real);
    });
  });

  describe('an insider with rights on the specialist-chambers database', () => {
    // Was a finding: the triggers check that the steps are legal, not who wrote them, so
    // anyone who could INSERT into the two tables wrote a proposal and an approval and the
    // officer read the identity as ASSIGNED. Closed: every step is MACed with
    // WITNESS_ASSIGNMENT_KEY (not in the database) and only verified chains open.
    it('a proposal and an approval written straight into the tables open nothing', async () => {
      const assignmentId = randomUUID();
      try {
        // One transaction, as the deferred trigger wants: the assignment with its proposal, then the approval.
        await chambers().db.transaction(async (tx: { execute(query: SQL): Promise<unknown> }) => {
          await tx.execute(sql`insert into specialist_chambers.protection_officer_assignments (id, witness_id, officer_subject, proposed_by)
            values (${assignmentId}, ${witness(7)}, ${UNASSIGNED_OFFICER}, 'programme-manager-01')`);
          await tx.execute(sql`insert into specialist_chambers.protection_officer_assignment_events (id, assignment_id, action, actor, occurred_at)
            values (${randomUUID()}, ${assignmentId}, 'PROPOSED', 'programme-manager-01', now() - interval '1 hour')`);
        });
        await chambers().rows(sql`insert into specialist_chambers.protection_officer_assignment_events (id, assignment_id, action, actor, occurred_at)
          values (${randomUUID()}, ${assignmentId}, 'APPROVED', 'programme-manager-02', now())`);
      } catch {
        // Refused by the database: the attack is over.
      }
      expectNoIdentity(await readsIdentity(UNASSIGNED_OFFICER));
    });

    // Was a finding: with the triggers off, deleting a REVOKED step gave a revoked officer
    // access back. Closed: a MACed head per assignment names its newest step; a chain that
    // does not reach it counts as revoked (rollback to an old head: design-decisions).
    it('deleting the REVOKED step of a revoked officer (triggers off) does not give the access back', async () => {
      const officer = 'officer-rt-revoked';
      const proposed = await propose('manager-rt-g', officer, 7);
      await approve('manager-rt-h', proposed.data!.proposeProtectionOfficer!.assignment.id);
      await callAs(graph, { subject: 'manager-rt-i', scopes: ASSIGN }, REVOKE, { i: { witnessId: witness(7), officer } });
      expectNoIdentity(await readsIdentity(officer));
      const events = sql.raw('specialist_chambers.protection_officer_assignment_events');
      try {
        await chambers().rows(sql`alter table ${events} disable trigger user`);
        await chambers().rows(sql`delete from ${events} where action = 'REVOKED' and assignment_id in
          (select id from specialist_chambers.protection_officer_assignments where officer_subject = ${officer})`);
      } catch {
        // Refused: the attack is over.
      } finally {
        await chambers().rows(sql`alter table ${events} enable trigger user`).catch(() => undefined);
      }
      expectNoIdentity(await readsIdentity(officer));
    });

    // Was a finding: identities were stored in clear for any database administrator,
    // backup or replica. Closed: encrypted at rest with WITNESS_DATA_KEY (AES-256-GCM,
    // column and row id as associated data).
    it('a database administrator reading the witness tables sees no identity or location in clear', async () => {
      const rows = await chambers().rows<Record<string, unknown>>(sql`select * from specialist_chambers.witness_identities limit 5`);
      const moves = await chambers().rows<Record<string, unknown>>(sql`select * from specialist_chambers.relocations limit 5`);
      expect(rows.length + moves.length).toBeGreaterThan(0);
      expect(JSON.stringify([rows, moves])).not.toMatch(WITNESS_DETAIL);
    });
  });

  describe('idempotency keys', () => {
    // Was a finding: keys were per `azp`/`client_id` first, and a user token carries the
    // app's client id, so every user of one app shared one key space. Closed: the kit
    // scopes keys by (client, subject).
    it('two people using the same client app never share an idempotency key', async () => {
      const report = (subject: string, description: string) =>
        callAs<{ reportIncident: { incident: { id: string } } | null }>(
          graph,
          { subject, scopes: ['operations:write', 'operations:read'], claims: { azp: 'mission-explorer' } },
          'mutation($i: ReportIncidentInput!) { reportIncident(input: $i, idempotencyKey: "incident-2025-0001") { incident { id } } }',
          { i: { occurredAt: '2025-05-01T10:00:00Z', municipality: 'Mitrovica', kind: 'RIOT', description } },
        );
      const first = await report('analyst-rt-a', 'crowd at the bridge');
      const second = await report('analyst-rt-b', 'crowd at the bridge');
      const other = await report('analyst-rt-b', 'road block');
      expect(first.data?.reportIncident?.incident.id).toBeDefined();
      expect(second.data?.reportIncident?.incident.id).not.toBe(first.data?.reportIncident?.incident.id);
      expect(JSON.stringify(other)).not.toContain(first.data!.reportIncident!.incident.id);
    });
  });
});
