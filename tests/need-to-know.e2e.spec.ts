/**
 * Need-to-know and break-glass on protected witnesses, through the gateway: the
 * identity scope is necessary but not sufficient; only the assigned protection
 * officers see a witness's identity, anyone else gets FORBIDDEN; break-glass needs
 * both the scope and the header, and every such disclosure is flagged in the trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticId } from '@mission-graph/service-kit';
import { postGraphQL, startGraph, type RunningGraph } from './testkit/graph.js';

// Seed (specialist-chambers): witness n is assigned officer-{1+(n-1)%12} (and more for even n).
const WITNESS = syntheticId('protected-witness', 7);
const ASSIGNED = 'officer-07';
const UNASSIGNED = 'officer-12';
const IDENTITY_SCOPES = ['witness-protection:read', 'witness-protection:identity'];
const QUERY = `query Witness($id: ID!) { protectedWitness(id: $id) { codename accessBasis identity { fullName currentLocation } } }`;
const PURPOSE = 'CASE-KSC-2025-003: protection review';

describe('need-to-know on protected witnesses', () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph();
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const asPrincipal = async (subject: string, scopes: string[], headers: Record<string, string> = {}) =>
    postGraphQL<{ protectedWitness: { codename: string; accessBasis: string; identity: { fullName: string } | null } }>(
      graph.gatewayUrl,
      { query: QUERY, variables: { id: WITNESS } },
      { authorization: `Bearer ${await graph.token(scopes, { subject })}`, 'x-access-purpose': PURPOSE, ...headers },
    );

  const breakGlassEvents = async () => {
    const response = await graph.queryAs<{ auditEvents: { edges: { node: { principal: string; breakGlassJustification: string; entities: { id: string }[] } }[] } }>(
      ['audit:read'],
      '{ auditEvents(first: 50, filter: { breakGlass: true }) { edges { node { principal breakGlassJustification entities { id } } } } }',
    );
    return response.data!.auditEvents.edges.map((e) => e.node);
  };

  it('the assigned officer sees the identity', async () => {
    const response = await asPrincipal(ASSIGNED, IDENTITY_SCOPES);
    expect(response.errors).toBeUndefined();
    expect(response.data?.protectedWitness.accessBasis).toBe('ASSIGNED');
    expect(response.data?.protectedWitness.identity?.fullName).toMatch(/Synthetic/);
  });

  it('another holder of the identity scope gets FORBIDDEN and not a detail of the identity', async () => {
    const response = await asPrincipal(UNASSIGNED, IDENTITY_SCOPES);
    expect(response.data?.protectedWitness).toMatchObject({ accessBasis: 'NONE', identity: null });
    expect(response.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['protectedWitness', 'identity'], 'FORBIDDEN']]);
    expect(JSON.stringify(response)).not.toMatch(/Synthetic/);
  });

  it('break-glass opens it only with both the scope and the header, and is flagged in the audit trail', async () => {
    const headerOnly = await asPrincipal(UNASSIGNED, IDENTITY_SCOPES, { 'x-break-glass': 'EMERGENCY-1: threat to life' });
    expect(headerOnly.data?.protectedWitness.identity).toBeNull();
    const scopeOnly = await asPrincipal(UNASSIGNED, [...IDENTITY_SCOPES, 'witness-protection:break-glass']);
    expect(scopeOnly.data?.protectedWitness.identity).toBeNull();
    expect(await breakGlassEvents()).toEqual([]);

    const both = await asPrincipal(UNASSIGNED, [...IDENTITY_SCOPES, 'witness-protection:break-glass'], {
      'x-break-glass': 'EMERGENCY-1: threat to life',
    });
    expect(both.errors).toBeUndefined();
    expect(both.data?.protectedWitness.accessBasis).toBe('BREAK_GLASS');
    expect(both.data?.protectedWitness.identity?.fullName).toMatch(/Synthetic/);
    expect(await breakGlassEvents()).toEqual([
      { principal: UNASSIGNED, breakGlassJustification: 'EMERGENCY-1: threat to life', entities: [{ id: WITNESS }] },
    ]);
  });

  it('an assigned officer’s disclosure is flagged only when the officer invoked break-glass', async () => {
    const before = (await breakGlassEvents()).length;
    await asPrincipal(ASSIGNED, IDENTITY_SCOPES);
    expect((await breakGlassEvents()).length).toBe(before);
    // Invoking it (scope and header) is recorded as such, even where the assignment would have sufficed.
    await asPrincipal(ASSIGNED, [...IDENTITY_SCOPES, 'witness-protection:break-glass'], { 'x-break-glass': 'EMERGENCY-2: relocation tonight' });
    expect((await breakGlassEvents()).length).toBe(before + 1);
  });

  it('through _entities, a direct call as an unassigned officer gets FORBIDDEN too', async () => {
    const { signInternalToken } = await import('@mission-graph/service-kit');
    const payload = {
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on ProtectedWitness { codename identity { fullName } } } }',
      variables: { r: [{ __typename: 'ProtectedWitness', id: WITNESS }] },
    };
    const token = await signInternalToken(
      graph.internalKey,
      'specialist-chambers',
      { authenticated: true, subject: UNASSIGNED, scopes: new Set(IDENTITY_SCOPES), purpose: PURPOSE },
      { body: JSON.stringify(payload) },
    );
    const response = await postGraphQL(graph.subgraphs['specialist-chambers']!.url, payload, { authorization: `Bearer ${token}` });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(response)).not.toMatch(/Synthetic/);
  });

  describe('four eyes: proposed by one principal, approved by another, revoked at once', () => {
    const ASSIGN_SCOPES = ['witness-protection:assign', 'witness-protection:read'];
    const OFFICER = 'officer-e2e-1';
    const mutate = async <Data>(subject: string, scopes: string[], query: string, input: Record<string, unknown>) =>
      postGraphQL<Data>(
        graph.gatewayUrl,
        { query, variables: { input } },
        { authorization: `Bearer ${await graph.token(scopes, { subject })}`, 'x-access-purpose': PURPOSE },
      );
    const propose = (subject: string, scopes = ASSIGN_SCOPES) =>
      mutate<{ proposeProtectionOfficer: { assignment: { id: string; status: string } } | null }>(
        subject,
        scopes,
        'mutation($input: ProposeProtectionOfficerInput!) { proposeProtectionOfficer(input: $input) { assignment { id status } } }',
        { witnessId: WITNESS, officer: OFFICER },
      );
    const approve = (subject: string, assignmentId: string, scopes = ASSIGN_SCOPES) =>
      mutate<{ approveProtectionOfficer: { assignment: { status: string; history: { action: string; by: string }[] } } | null }>(
        subject,
        scopes,
        'mutation($input: ApproveProtectionOfficerInput!) { approveProtectionOfficer(input: $input) { assignment { status history { action by } } } }',
        { assignmentId },
      );
    const revoke = (subject: string) =>
      mutate(subject, ASSIGN_SCOPES, 'mutation($input: RevokeProtectionOfficerInput!) { revokeProtectionOfficer(input: $input) { protectedWitness { codename } } }', {
        witnessId: WITNESS,
        officer: OFFICER,
      });
    const officerReads = () => asPrincipal(OFFICER, IDENTITY_SCOPES);

    it('needs the assign scope: witness-protection:write alone proposes nothing', async () => {
      const response = await propose('manager-e2e-a', ['witness-protection:write', 'witness-protection:read']);
      expect(response.data?.proposeProtectionOfficer ?? null).toBeNull();
      expect(response.errors?.map((e) => e.extensions?.code)).toContain('UNAUTHORIZED_FIELD_OR_TYPE');
    });

    it('opens the identity only after a second principal approves, and closes it on the very next request after revocation', async () => {
      const proposed = await propose('manager-e2e-a');
      expect(proposed.errors).toBeUndefined();
      const assignmentId = proposed.data!.proposeProtectionOfficer!.assignment.id;
      expect((await officerReads()).errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);

      const byProposer = await approve('manager-e2e-a', assignmentId);
      expect(byProposer.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'PROPOSER_CANNOT_APPROVE']]);
      const byOfficer = await approve(OFFICER, assignmentId);
      expect(byOfficer.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'OFFICER_CANNOT_APPROVE']]);
      const selfProposal = await propose(OFFICER);
      expect(selfProposal.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'SELF_PROPOSAL']]);
      expect((await officerReads()).data?.protectedWitness.identity).toBeNull();

      const approved = await approve('manager-e2e-b', assignmentId);
      expect(approved.errors).toBeUndefined();
      expect(approved.data?.approveProtectionOfficer?.assignment.history).toEqual([
        { action: 'PROPOSED', by: 'manager-e2e-a' },
        { action: 'APPROVED', by: 'manager-e2e-b' },
      ]);
      const open = await officerReads();
      expect(open.errors).toBeUndefined();
      expect(open.data?.protectedWitness).toMatchObject({ accessBasis: 'ASSIGNED', identity: { fullName: expect.stringMatching(/Synthetic/) } });

      expect((await revoke('manager-e2e-c')).errors).toBeUndefined();
      const closed = await officerReads();
      expect(closed.data?.protectedWitness).toMatchObject({ accessBasis: 'NONE', identity: null });
      expect(closed.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(JSON.stringify(closed)).not.toMatch(/Synthetic/);
    });
  });

  it('a caller with every scope but witness-protection:identity walks the whole graph and never receives an identity', async () => {
    const scopes = ['statistics:read', 'operations:read', 'operations:personnel', 'chambers:read', 'witness-protection:read', 'witness-protection:break-glass', 'forensics:read', 'police-cooperation:read'];
    const walk = /* GraphQL */ `{
      supportRequests(first: 100) { edges { node { reference kind deployment { id officersCommitted incident { municipality } } } } }
      protectedWitnesses(first: 100) { edges { node { id codename status riskLevel accessBasis identity { fullName dateOfBirth currentLocation }
        history { __typename ... on ThreatAssessment { occurredOn riskLevel summary } ... on Relocation { occurredOn fromLocation toLocation } } } } }
    }`;
    const response = await graph.queryAs(scopes, walk, undefined, { headers: { 'x-break-glass': 'EMERGENCY-3: walk test' } });
    const text = JSON.stringify(response);
    expect(text).toMatch(/WAGTAIL-07/); // the walk did reach the witnesses
    expect(text).toMatch(/officersCommitted/); // and deployments through support requests
    expect(text).not.toMatch(/Synthetic Witness|Safe Location|Transit Location|Home Town|"Relocation"/);
    // And through _entities, straight at the subgraph, with a valid internal token.
    const { signInternalToken } = await import('@mission-graph/service-kit');
    const payload = {
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on ProtectedWitness { codename identity { fullName currentLocation } history { ... on Relocation { toLocation } } } } }',
      variables: { r: [{ __typename: 'ProtectedWitness', id: WITNESS }] },
    };
    const token = await signInternalToken(
      graph.internalKey,
      'specialist-chambers',
      { authenticated: true, subject: ASSIGNED, scopes: new Set(scopes), purpose: PURPOSE, breakGlass: 'EMERGENCY-3: walk test' },
      { body: JSON.stringify(payload) },
    );
    const direct = await postGraphQL(graph.subgraphs['specialist-chambers']!.url, payload, { authorization: `Bearer ${token}` });
    expect(JSON.stringify(direct)).toMatch(/WAGTAIL-07/);
    expect(JSON.stringify(direct)).not.toMatch(/Synthetic Witness|Safe Location|Transit Location|Home Town/);
  });
});
