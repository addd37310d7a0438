/**
 * Need-to-know on protected witnesses (issue 4): the identity scope is necessary but
 * not sufficient. Only the officers assigned to a witness see its identity, location
 * and relocations; anyone else gets FORBIDDEN (and no relocations), unless they break
 * the glass with both the break-glass scope and an X-Break-Glass justification.
 */
import { ALL_SCOPES, DENIAL_REPORT_EXTENSION, syntheticId, type Caller } from '@mission-graph/service-kit';
import { startSubgraph, type GraphQLResponse, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { witnessIdentities, relocations } from '../src/db/schema.js';
import { asOfficerOf, BREAK_GLASS, officersOf } from './seed-facts.js';

const WITNESS = `accessBasis codename identity { fullName dateOfBirth currentLocation }
  history { __typename ... on ThreatAssessment { occurredOn riskLevel } ... on Relocation { occurredOn fromLocation toLocation } }`;
const ONE = `query($id: ID!) { protectedWitness(id: $id) { ${WITNESS} } }`;
const ENTITY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ProtectedWitness { ${WITNESS} } } }`;

interface WitnessView {
  accessBasis: string;
  codename: string;
  identity: { fullName: string; dateOfBirth: string; currentLocation: string } | null;
  history: { __typename: string }[];
}

const withoutScope = (scope: string, more: Partial<Caller> = {}): Partial<Caller> => ({
  scopes: new Set(ALL_SCOPES.filter((held) => held !== scope)),
  ...more,
});

describeOnEachDatabase('need-to-know', (flavour) => {
  let running: RunningSubgraph;
  /** Every identity value and relocation place the seed holds: none may leak. */
  let secrets: string[];

  beforeAll(async () => {
    running = await startSubgraph(createService, flavour);
    const identities = await running.instance.database.rows<{ full_name: string; date_of_birth: string; current_location: string }>(
      sql`select full_name, date_of_birth::text, current_location from ${witnessIdentities}`,
    );
    const places = await running.instance.database.rows<{ from_location: string; to_location: string }>(
      sql`select from_location, to_location from ${relocations}`,
    );
    secrets = [
      ...identities.flatMap((row) => [row.full_name, row.date_of_birth, row.current_location]),
      ...places.flatMap((row) => [row.from_location, row.to_location]),
    ];
    expect(secrets.length).toBe(40 * 3 + 24 * 2);
  });
  afterAll(async () => {
    await running?.stop();
  });

  const leaks = (response: unknown) => {
    const text = JSON.stringify(response);
    return secrets.filter((secret) => text.includes(secret));
  };
  const one = (n: number, caller?: Partial<Caller>) =>
    running.query<{ protectedWitness: WitnessView }>(ONE, { id: syntheticId('protected-witness', n) }, caller);
  const entity = (n: number, caller?: Partial<Caller>) =>
    running.query<{ _entities: (WitnessView | null)[] }>(ENTITY, { r: [{ __typename: 'ProtectedWitness', id: syntheticId('protected-witness', n) }] }, caller);
  const relocationsIn = (view: WitnessView | null | undefined) => view?.history.filter((event) => event.__typename === 'Relocation').length;

  const expectForbidden = (response: GraphQLResponse<unknown>, path: (string | number)[]) => {
    expect(response.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([['FORBIDDEN', path]]);
    expect(response.errors?.[0]?.message).toMatch(/^Need to know/);
    expect(leaks(response)).toEqual([]);
  };

  it('shows an assigned officer the identity and relocations of the witness (ASSIGNED)', async () => {
    // Witness 3 (MERLIN-03, relocated twice): officer-03.
    const response = await one(3, asOfficerOf(3));
    expect(response.errors).toBeUndefined();
    expect(response.data?.protectedWitness).toMatchObject({ accessBasis: 'ASSIGNED', identity: { fullName: 'Synthetic Witness 03' } });
    expect(relocationsIn(response.data?.protectedWitness)).toBe(2);
  });

  it('shows both officers of a witness with two (officer-04 and officer-10 for witness 4)', async () => {
    expect(officersOf(4)).toEqual(['officer-04', 'officer-10']);
    for (const subject of officersOf(4)) {
      const response = await one(4, { subject });
      expect(response.errors).toBeUndefined();
      expect(response.data?.protectedWitness.identity?.fullName).toBe('Synthetic Witness 04');
    }
  });

  it('tells the gateway, and only the gateway, which witness it refused (the DENIED event names it)', async () => {
    // The subgraph answers only the gateway (internal token); the gateway takes this
    // report out of the error before the client sees it (tests/denied-attempts.e2e.spec.ts).
    const response = await one(3, { subject: 'officer-08' });
    expect(response.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      [DENIAL_REPORT_EXTENSION]: { reason: 'NEED_TO_KNOW', coordinate: 'ProtectedWitness.identity', entity: { type: 'ProtectedWitness', id: syntheticId('protected-witness', 3) } },
    });
  });

  it.each([
    ['an officer of another witness', { subject: 'officer-08' }],
    ['a principal assigned to no witness', { subject: 'analyst-1' }],
    ['a caller without a subject', { subject: undefined }],
  ])('refuses %s the identity with FORBIDDEN and hides its relocations (NONE)', async (_label, caller) => {
    const response = await one(3, caller);
    expect(response.data?.protectedWitness).toMatchObject({ accessBasis: 'NONE', codename: 'MERLIN-03', identity: null });
    expect(relocationsIn(response.data?.protectedWitness)).toBe(0);
    expect(response.data?.protectedWitness.history.length).toBeGreaterThan(0);
    expectForbidden(response, ['protectedWitness', 'identity']);
  });

  it('decides per record: one request, the assigned witness shown and the other refused', async () => {
    const response = await running.query<{ a: WitnessView; b: WitnessView }>(
      `query($a: ID!, $b: ID!) { a: protectedWitness(id: $a) { ${WITNESS} } b: protectedWitness(id: $b) { ${WITNESS} } }`,
      { a: syntheticId('protected-witness', 3), b: syntheticId('protected-witness', 15) }, // officer-03 protects both
      asOfficerOf(3),
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.a.identity?.fullName).toBe('Synthetic Witness 03');
    expect(response.data?.b.identity?.fullName).toBe('Synthetic Witness 15');
    const other = await running.query<{ a: WitnessView; b: WitnessView }>(
      `query($a: ID!, $b: ID!) { a: protectedWitness(id: $a) { ${WITNESS} } b: protectedWitness(id: $b) { ${WITNESS} } }`,
      { a: syntheticId('protected-witness', 3), b: syntheticId('protected-witness', 4) },
      asOfficerOf(3),
    );
    expect(other.data?.a.accessBasis).toBe('ASSIGNED');
    expect(other.data?.b).toMatchObject({ accessBasis: 'NONE', identity: null });
    expect(other.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([['FORBIDDEN', ['b', 'identity']]]);
  });

  it('applies the same through _entities with a hand-made representation', async () => {
    const allowed = await entity(3, asOfficerOf(3));
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?._entities[0]).toMatchObject({ accessBasis: 'ASSIGNED', identity: { fullName: 'Synthetic Witness 03' } });
    expect(relocationsIn(allowed.data?._entities[0])).toBe(2);

    const refused = await entity(3, { subject: 'officer-08' });
    expect(refused.data?._entities[0]).toMatchObject({ accessBasis: 'NONE', identity: null });
    expect(relocationsIn(refused.data?._entities[0])).toBe(0);
    expectForbidden(refused, ['_entities', 0, 'identity']);
  });

  describe('break-glass', () => {
    it('opens an unassigned witness with the scope and the header together (BREAK_GLASS)', async () => {
      for (const response of [await one(3, BREAK_GLASS), await entity(3, BREAK_GLASS)]) {
        expect(response.errors).toBeUndefined();
        const view = 'protectedWitness' in (response.data ?? {})
          ? (response.data as { protectedWitness: WitnessView }).protectedWitness
          : (response.data as { _entities: WitnessView[] })._entities[0];
        expect(view).toMatchObject({ accessBasis: 'BREAK_GLASS', identity: { fullName: 'Synthetic Witness 03' } });
        expect(relocationsIn(view)).toBe(2);
      }
    });

    it.each([
      ['the header without the break-glass scope', withoutScope('witness-protection:break-glass', { breakGlass: 'TEST-CASE-9: emergency' })],
      ['the scope without the header', { breakGlass: undefined }],
      ['the scope with a blank header', { breakGlass: '   ' }],
    ])('keeps it closed with %s', async (_label, caller) => {
      const response = await one(3, caller);
      expect(response.data?.protectedWitness).toMatchObject({ accessBasis: 'NONE', identity: null });
      expect(relocationsIn(response.data?.protectedWitness)).toBe(0);
      expectForbidden(response, ['protectedWitness', 'identity']);
    });

    it('is not what opens a witness to its own officer (ASSIGNED wins)', async () => {
      const response = await one(3, { ...asOfficerOf(3), ...BREAK_GLASS });
      expect(response.data?.protectedWitness.accessBasis).toBe('ASSIGNED');
    });

    it('still needs the identity scope and a declared purpose', async () => {
      const noScope = await one(3, withoutScope('witness-protection:identity', BREAK_GLASS));
      expect(noScope.data?.protectedWitness).toMatchObject({ accessBasis: 'BREAK_GLASS', identity: null });
      expect(noScope.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
      expect(relocationsIn(noScope.data?.protectedWitness)).toBe(0);
      const noPurpose = await one(3, { ...BREAK_GLASS, purpose: undefined });
      expect(noPurpose.data?.protectedWitness.identity).toBeNull();
      expect(leaks(noScope)).toEqual([]);
      expect(leaks(noPurpose)).toEqual([]);
    });
  });

  it('lets a caller with every scope but witness-protection:identity walk the whole subgraph without one identity detail', async () => {
    // Even an assigned officer who broke the glass: without the scope, nothing shows.
    const caller = withoutScope('witness-protection:identity', { ...asOfficerOf(3), ...BREAK_GLASS });
    const responses: GraphQLResponse<unknown>[] = [];
    const walk = async (query: string, variables: Record<string, unknown> = {}) => {
      const response = await running.query(query, variables, caller);
      responses.push(response);
      return response;
    };
    // Every support request, with its deployment stub and history.
    let after: string | null = null;
    let requests = 0;
    let deployments = 0;
    for (;;) {
      const page = (await walk(
        `query($after: String) { supportRequests(first: 100, after: $after) {
          edges { node { id reference kind status deployment { __typename id } history { fromStatus toStatus occurredAt note } } }
          pageInfo { hasNextPage endCursor } } }`,
        { after },
      )) as GraphQLResponse<{ supportRequests: { edges: { node: { deployment: unknown } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>;
      expect(page.errors).toBeUndefined();
      requests += page.data!.supportRequests.edges.length;
      deployments += page.data!.supportRequests.edges.filter((edge) => edge.node.deployment).length;
      if (!page.data!.supportRequests.pageInfo.hasNextPage) break;
      after = page.data!.supportRequests.pageInfo.endCursor;
    }
    expect([requests, deployments]).toEqual([300, 30]);
    // Every witness with everything it has, by list, one by one, and by reference.
    const list = (await walk(`{ protectedWitnesses(first: 100) { totalCount edges { node { id status riskLevel referredOn ${WITNESS} } } } }`)) as GraphQLResponse<{
      protectedWitnesses: { edges: { node: WitnessView & { id: string } }[] };
    }>;
    const ids = list.data!.protectedWitnesses.edges.map((edge) => edge.node.id);
    expect(ids).toHaveLength(40);
    for (const id of ids) await walk(ONE, { id });
    await walk(ENTITY, { r: ids.map((id) => ({ __typename: 'ProtectedWitness', id })) });
    await walk('query($r: [_Any!]!) { _entities(representations: $r) { ... on SupportRequest { reference deployment { id } } } }', {
      r: [{ __typename: 'SupportRequest', id: syntheticId('support-request', 1) }],
    });

    expect(responses.flatMap(leaks)).toEqual([]);
    const text = JSON.stringify(responses);
    expect(text).not.toMatch(/"(fullName|dateOfBirth|currentLocation|fromLocation|toLocation)"|Relocation|Synthetic (Witness|Safe|Transit|Home)/);
    // What was refused was refused as unauthorized, not by a crash.
    const codes = new Set(responses.flatMap((response) => response.errors ?? []).map((error) => error.extensions?.code));
    expect([...codes]).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
  });
});
