/**
 * `/external/graphql`: other EU systems see and run only the external contract
 * (schema/external.graphql), never personal data, witness data or an H2/H3 record —
 * through the gateway (introspection, fragments, aliases, variables) and by calling a
 * subgraph directly with an internal token that says the request came through the contract.
 */
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES, signInternalToken, type Caller } from '@mission-graph/service-kit';
import { EXTERNAL_API_SCHEMA_PATH } from '../scripts/contract.js';
import { postGraphQL, startGraph, type GraphQLResponse, type RunningGraph } from './testkit/graph.js';

const SANDBOX = 'external-sandbox';

describe('the external contract at /external/graphql', () => {
  let graph: RunningGraph;
  /** Ids of seeded requests by handling code (read through the internal API). */
  const idsByCode: Record<string, string[]> = {};

  beforeAll(async () => {
    graph = await startGraph();
    for (const code of ['H0', 'H1', 'H2', 'H3']) {
      const { data } = await graph.queryAs<{ informationExchangeRequests: { edges: { node: { id: string } }[] } }>(
        ['police-cooperation:read'],
        `{ informationExchangeRequests(first: 5, filter: { handlingCode: ${code} }) { edges { node { id } } } }`,
      );
      idsByCode[code] = data!.informationExchangeRequests.edges.map((edge) => edge.node.id);
      expect(idsByCode[code]!.length, code).toBeGreaterThan(0);
    }
  });
  afterAll(async () => {
    await graph?.stop();
  });

  /** A client-credentials token of a registered external client. */
  const clientToken = (scopes: readonly string[], clientId = SANDBOX) =>
    graph.token(scopes, { subject: clientId, claims: { client_id: clientId } });

  const external = async <Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options: { scopes?: readonly string[]; purpose?: boolean } = {},
  ): Promise<GraphQLResponse<Data>> =>
    postGraphQL<Data>(
      graph.externalUrl,
      { query, variables },
      {
        authorization: `Bearer ${await clientToken(options.scopes ?? ALL_SCOPES)}`,
        ...(options.purpose === false ? {} : { 'x-access-purpose': 'CASE-2025-001: contract test' }),
      },
    );

  const subgraphCalls = () => Object.values(graph.subgraphs).reduce((sum, subgraph) => sum + subgraph.received.length, 0);

  describe('introspection', () => {
    it('shows exactly the contract schema: its types, its root fields, no mutations', async () => {
      const contract = buildSchema(readFileSync(EXTERNAL_API_SCHEMA_PATH, 'utf8'));
      const { data, errors } = await external<{
        __schema: { types: { name: string }[]; queryType: { fields: { name: string }[] }; mutationType: null | { name: string } };
      }>('{ __schema { types { name } queryType { fields { name } } mutationType { name } } }');
      expect(errors).toBeUndefined();
      const served = data!.__schema.types.map((type) => type.name).filter((name) => !name.startsWith('__')).sort();
      const expected = Object.keys(contract.getTypeMap()).filter((name) => !name.startsWith('__')).sort();
      expect(served).toEqual(expected);
      expect(data!.__schema.queryType.fields.map((field) => field.name).sort()).toEqual(
        Object.keys(contract.getQueryType()!.getFields()).sort(),
      );
      expect(data!.__schema.mutationType).toBeNull();
      expect(served).not.toContain('MissingPerson');
      expect(served).not.toContain('ProtectedWitness');
    });

    it('has no description, argument or enum value outside the contract (HandlingCode is H0, H1)', async () => {
      const { data } = await external<{ __type: { enumValues: { name: string }[] } }>('{ __type(name: "HandlingCode") { enumValues { name } } }');
      expect(data!.__type.enumValues.map((value) => value.name)).toEqual(['H0', 'H1']);
      const request = await external<{ __type: { fields: { name: string }[] } }>('{ __type(name: "InformationExchangeRequest") { fields { name } } }');
      const fields = request.data!.__type.fields.map((field) => field.name);
      expect(fields).toContain('reference');
      for (const hidden of ['subject', 'relatedMissingPerson', 'handlingConditions', 'legalBasis']) expect(fields).not.toContain(hidden);
    });

    it('is the internal schema on /graphql, for contrast', async () => {
      const { data } = await graph.queryAs<{ __type: { name: string } | null }>(ALL_SCOPES, '{ __type(name: "MissingPerson") { name } }');
      expect(data!.__type).toEqual({ name: 'MissingPerson' });
    });
  });

  describe('execution', () => {
    it('answers statistics and reference data to a registered external client', async () => {
      const { data, errors } = await external<{ securityResponders: { code: string }[]; formedPoliceUnit: { authorizedStrength: number } }>(
        '{ securityResponders { code tier } formedPoliceUnit { name authorizedStrength } }',
        undefined,
        { scopes: ['operations:read'] },
      );
      expect(errors).toBeUndefined();
      expect(data!.securityResponders.map((responder) => responder.code)).toEqual(['KOSOVO_POLICE', 'EULEX_FPU', 'KFOR']);
      expect(data!.formedPoliceUnit.authorizedStrength).toBe(105);
    });

    it('enforces the same access rules as the internal endpoint (no scope, no figures)', async () => {
      const { data, errors } = await external('{ formedPoliceUnit { name } }', undefined, { scopes: ['statistics:read'] });
      expect(data).toBeUndefined();
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHORIZED_FIELD_OR_TYPE', requiredScopes: [['operations:read']] });
    });

    it.each([
      ['a personal field', '{ informationExchangeRequests(first: 1) { edges { node { subject } } } }'],
      ['a link to a missing person', '{ informationExchangeRequests(first: 1) { edges { node { relatedMissingPerson { id } } } } }'],
      ['missing persons', '{ missingPersons(first: 1) { edges { node { fullName } } } }'],
      ['protected witnesses', '{ protectedWitnesses(first: 1) { edges { node { codename } } } }'],
      ['the audit trail', '{ auditEvents(first: 1) { edges { node { principal } } } }'],
      ['a mutation', 'mutation { transitionExchangeRequest(input: { id: "00000000-0000-4000-8000-000000000000", status: CLOSED, occurredOn: "2025-01-01" }) { request { id } } }'],
      ['the H2 handling code as a filter', '{ informationExchangeRequests(first: 1, filter: { handlingCode: H2 }) { totalCount } }'],
      ['a fragment on a type outside the contract', '{ securityResponders { code } } fragment F on MissingPerson { fullName }'],
    ])('refuses %s at validation, before any subgraph is asked', async (_, query) => {
      const before = subgraphCalls();
      const { status, data, errors } = await external(query);
      expect(status).toBe(400);
      expect(data).toBeUndefined();
      expect(errors?.[0]?.extensions?.code).toMatch(/GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT/);
      expect(subgraphCalls()).toBe(before);
    });
  });

  describe('H2/H3 records never leave through it', () => {
    type Page = { informationExchangeRequests: { totalCount: number; edges: { node: { id: string; handlingCode: string } }[] } };

    it('leaves them out of lists, their pages and their totals', async () => {
      const internalTotals = await graph.queryAs<{ h0: { totalCount: number }; h1: { totalCount: number } }>(
        ['police-cooperation:read'],
        '{ h0: informationExchangeRequests(first: 0, filter: { handlingCode: H0 }) { totalCount } h1: informationExchangeRequests(first: 0, filter: { handlingCode: H1 }) { totalCount } }',
      );
      const { data, errors } = await external<Page>('{ informationExchangeRequests(first: 100) { totalCount edges { node { id handlingCode } } } }');
      expect(errors).toBeUndefined();
      expect(data!.informationExchangeRequests.totalCount).toBe(internalTotals.data!.h0.totalCount + internalTotals.data!.h1.totalCount);
      expect(data!.informationExchangeRequests.edges).toHaveLength(100);
      expect(new Set(data!.informationExchangeRequests.edges.map((edge) => edge.node.handlingCode))).toEqual(new Set(['H0', 'H1']));
    });

    it('answers one by id as if it did not exist, through aliases, fragments and variables', async () => {
      const { data, errors } = await external<Record<string, { reference: string } | null>>(
        `query Look($h2: ID!, $h3: ID!, $h0: ID!) {
           a: informationExchangeRequest(id: $h2) { ...Register }
           b: informationExchangeRequest(id: $h3) { ... on InformationExchangeRequest { reference handlingCode } }
           c: informationExchangeRequest(id: $h0) { ...Register }
         }
         fragment Register on InformationExchangeRequest { reference handlingCode history { toStatus } }`,
        { h2: idsByCode.H2![0], h3: idsByCode.H3![0], h0: idsByCode.H0![0] },
      );
      expect(errors).toBeUndefined();
      expect(data!.a).toBeNull();
      expect(data!.b).toBeNull();
      expect(data!.c).toMatchObject({ handlingCode: 'H0' });
    });

    it('refuses them when the internal token says "external", calling the subgraph directly', async () => {
      const url = graph.subgraphs['police-cooperation']!.url;
      const asExternal = async (query: string, variables?: Record<string, unknown>, caller: Partial<Caller> = {}) =>
        postGraphQL<Record<string, unknown>>(url, { query, variables }, {
          authorization: `Bearer ${await signInternalToken(
            graph.internalKey,
            'police-cooperation',
            {
              authenticated: true,
              subject: SANDBOX,
              clientId: SANDBOX,
              scopes: new Set(ALL_SCOPES),
              purpose: 'CASE-2025-001: direct call',
              contract: 'external',
              ...caller,
            },
            { body: JSON.stringify({ query, variables }) },
          )}`,
        });

      const list = await asExternal('{ informationExchangeRequests(first: 100, filter: { handlingCode: H2 }) { totalCount edges { node { id } } } }');
      expect(list.data).toEqual({ informationExchangeRequests: { totalCount: 0, edges: [] } });

      const one = await asExternal('query($id: ID!) { informationExchangeRequest(id: $id) { reference } }', { id: idsByCode.H3![0] });
      expect(one.data).toEqual({ informationExchangeRequest: null });

      const entities = await asExternal(
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on InformationExchangeRequest { reference handlingCode } } }',
        { r: [{ __typename: 'InformationExchangeRequest', id: idsByCode.H2![0] }, { __typename: 'InformationExchangeRequest', id: idsByCode.H1![0] }] },
      );
      expect(entities.data?._entities).toEqual([null, expect.objectContaining({ handlingCode: 'H1' })]);
      expect(entities.errors?.[0]).toMatchObject({ path: ['_entities', 0], extensions: { code: 'NOT_FOUND' } });

      // Outside the contract: refused, whatever scopes the token carries.
      const subject = await asExternal('query($id: ID!) { informationExchangeRequest(id: $id) { reference subject } }', { id: idsByCode.H0![0] });
      expect(subject.data).toEqual({ informationExchangeRequest: { reference: expect.any(String), subject: null } });
      expect(subject.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');

      const person = await asExternal(
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on MissingPerson { informationExchangeRequests { id handlingCode } } } }',
        { r: [{ __typename: 'MissingPerson', id: '00000000-0000-4000-8000-000000000001' }] },
      );
      expect(person.data?._entities).toEqual([null]);
      expect(person.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');

      const sdl = await asExternal('{ _service { sdl } }');
      expect(sdl.data).toBeNull();
      expect(sdl.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');

      const mutation = await asExternal(
        'mutation($id: ID!) { transitionExchangeRequest(input: { id: $id, status: CLOSED, occurredOn: "2030-01-01" }) { request { id } } }',
        { id: idsByCode.H0![0] },
      );
      expect(mutation.data).toBeNull();
      expect(mutation.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');

      // The same token without the contract claim (the internal API) sees them: the claim is what closes the door.
      const internal = await asExternal('query($id: ID!) { informationExchangeRequest(id: $id) { handlingCode } }', { id: idsByCode.H2![0] }, { contract: undefined });
      expect(internal.data).toEqual({ informationExchangeRequest: { handlingCode: 'H2' } });
    });

    it('refuses an internal token whose contract claim names no known contract', async () => {
      const { SignJWT } = await import('jose');
      const token = await new SignJWT({ scope: ALL_SCOPES.join(' '), authenticated: true, contract: 'internal-but-not-really' })
        .setProtectedHeader({ alg: 'ES256', kid: graph.internalKey.kid, typ: 'mission-graph-internal+jwt' })
        .setIssuer('mission-graph-gateway')
        .setAudience('police-cooperation')
        .setSubject(SANDBOX)
        .setIssuedAt()
        .setJti('test')
        .setExpirationTime('60s')
        .sign(graph.internalKey.privateKey);
      const response = await postGraphQL(graph.subgraphs['police-cooperation']!.url, { query: '{ __typename }' }, { authorization: `Bearer ${token}` });
      expect(response.status).toBe(401);
    });
  });

  describe('demand control on the contract', () => {
    // Within COST_MAX (5000) but above external-sandbox's registry costMax (1000).
    const expensive = `{ exchangeStatistics(from: "2018-06-01", to: "2025-06-14") { groups { requests } }
      informationExchangeRequests(first: 100) { totalCount edges { node { reference } } } }`;
    const scopes = ['statistics:read', 'police-cooperation:read'];

    it('estimates every answer from the contract supergraph’s own @cost/@listSize, as the internal endpoint does', async () => {
      const cheap = '{ exchangeStatistics(from: "2018-06-01", to: "2018-06-30") { groups { requests } } }';
      const outside = await external(cheap, undefined, { scopes });
      const inside = await graph.queryAs(scopes, cheap);
      expect(outside.errors).toBeUndefined();
      expect(outside.extensions?.cost).toEqual({ estimated: expect.any(Number) });
      expect((outside.extensions?.cost as { estimated: number }).estimated).toBeGreaterThanOrEqual(500); // exchangeStatistics weighs 500
      expect(outside.extensions?.cost).toEqual(inside.extensions?.cost);
    });

    it('refuses an operation above the client’s registry budget, before any subgraph is asked, where an analyst’s runs', async () => {
      const internal = await graph.queryAs(scopes, expensive);
      expect(internal.errors).toBeUndefined();
      const estimated = (internal.extensions?.cost as { estimated: number }).estimated;
      expect(estimated).toBeGreaterThan(1000);
      const before = subgraphCalls();
      const refused = await external(expensive, undefined, { scopes });
      expect(refused.status).toBe(400);
      expect(refused.data).toBeUndefined();
      expect(refused.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', cost: { estimated, max: 1000 } });
      expect(subgraphCalls()).toBe(before);
    });
  });

  describe('who may use it', () => {
    it('refuses a call without a token (401) and a person’s token (403)', async () => {
      const anonymous = await postGraphQL(graph.externalUrl, { query: '{ __typename }' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const person = await postGraphQL(graph.externalUrl, { query: '{ __typename }' }, { authorization: `Bearer ${await graph.token(ALL_SCOPES)}` });
      expect(person.status).toBe(403);
      expect(person.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('refuses a client the registry does not know, on either endpoint', async () => {
      const token = await clientToken(ALL_SCOPES, 'someone-else');
      for (const url of [graph.externalUrl, graph.gatewayUrl]) {
        const response = await postGraphQL(url, { query: '{ __typename }' }, { authorization: `Bearer ${token}` });
        expect(response.status, url).toBe(403);
        expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', clientId: 'someone-else' });
      }
    });

    it('keeps an external client off the internal endpoint, saying where it belongs', async () => {
      const response = await postGraphQL(graph.gatewayUrl, { query: '{ __typename }' }, { authorization: `Bearer ${await clientToken(ALL_SCOPES)}` });
      expect(response.status).toBe(403);
      expect(response.errors?.[0]?.message).toContain('/external/graphql');
    });

    it('records no disclosure for an external client holding every scope and a purpose: nothing personal can be reached', async () => {
      // Three operations, each within the sandbox's cost budget (1000); together they read every part of the contract.
      for (const query of [
        `{ missionReport(from: "2018-06-01", to: "2025-06-14") { policeCooperation { europolRequests } forensics { individualsIdentified } operations { patrols } specialistChambers { supportRequests } } }`,
        `{ informationExchangeRequests(first: 50) { edges { node { id reference counterpart kosovoPoliceUnit handlingCode history { toStatus } } } } }`,
        `{ exchangeStatistics(from: "2018-06-01", to: "2025-06-14", groupBy: [CHANNEL]) { groups { channel requests } }
           forensicsStatistics(from: "2008-12-09", to: "2025-06-14", groupBy: [YEAR]) { groups { year fieldOperations } } }`,
      ]) {
        const { errors } = await external(query);
        expect(errors, query).toBeUndefined();
      }
      const audit = await graph.queryAs<{ auditEvents: { edges: { node: { principal: string } }[] } }>(
        ['audit:read'],
        // Disclosures only: this client's refused attempts elsewhere in this file are DENIED events.
        `{ auditEvents(first: 100, filter: { principal: "${SANDBOX}", kind: DISCLOSURE }) { edges { node { principal } } } }`,
      );
      expect(audit.data!.auditEvents.edges).toEqual([]);
    });
  });

  describe('small counts on the external contract', () => {
    type Group = { municipality: string | null; fieldOperations: number | null; exhumations: number | null; individualsIdentified: number | null; suppressed: boolean };
    const byMunicipality = `query($from: Date!, $to: Date!) { forensicsStatistics(from: $from, to: $to, groupBy: [MUNICIPALITY]) {
      groups { municipality fieldOperations exhumations individualsIdentified suppressed } } }`;
    const total = `query($from: Date!, $to: Date!) { forensicsStatistics(from: $from, to: $to) { groups { fieldOperations suppressed } } }`;
    const period = { from: '2012-01-01', to: '2012-12-31' };

    it('withholds every count below 5 (null, suppressed: true) and a complement, where internal callers see exact figures', async () => {
      const exact = await graph.queryAs<{ forensicsStatistics: { groups: Group[] } }>(['statistics:read'], byMunicipality, period);
      const shown = await external<{ forensicsStatistics: { groups: Group[] } }>(byMunicipality, period, { scopes: ['statistics:read'] });
      expect(shown.errors).toBeUndefined();
      const internalGroups = exact.data!.forensicsStatistics.groups;
      const externalGroups = shown.data!.forensicsStatistics.groups;
      expect(internalGroups.every((group) => !group.suppressed && group.fieldOperations !== null)).toBe(true);
      expect(externalGroups.map((group) => group.municipality)).toEqual(internalGroups.map((group) => group.municipality));

      const small = internalGroups.filter((group) => group.fieldOperations! > 0 && group.fieldOperations! < 5);
      expect(small.length, 'the seed has small municipal counts in 2012').toBeGreaterThan(0);
      externalGroups.forEach((group, index) => {
        const exactGroup = internalGroups[index]!;
        for (const figure of ['fieldOperations', 'exhumations', 'individualsIdentified'] as const) {
          const value = group[figure];
          if (value === null) {
            expect(group.suppressed).toBe(true);
          } else {
            expect(value).toBe(exactGroup[figure]);
            expect(value === 0 || value >= 5, `${group.municipality} ${figure} = ${value}`).toBe(true);
          }
        }
      });

      // Complementary suppression: the total (asked separately) minus every shown cell is
      // the sum of at least two withheld cells, so no single small count can be derived.
      const totals = await external<{ forensicsStatistics: { groups: Group[] } }>(total, period, { scopes: ['statistics:read'] });
      const grandTotal = totals.data!.forensicsStatistics.groups[0]!.fieldOperations!;
      const withheld = externalGroups.flatMap((group, index) => (group.fieldOperations === null ? [internalGroups[index]!.fieldOperations!] : []));
      const shownSum = externalGroups.reduce((sum, group) => sum + (group.fieldOperations ?? 0), 0);
      expect(withheld.length).toBeGreaterThanOrEqual(2);
      expect(grandTotal - shownSum).toBe(withheld.reduce((sum, value) => sum + value, 0));
    });

    it('withholds small figures of a mission report too, and never those of internal callers', async () => {
      const report = `{ missionReport(from: "2019-03-04", to: "2019-03-04") {
        policeCooperation { europolRequests serbianMoiRequests interpolRequests suppressed }
        forensics { fieldOperations exhumations suppressed } operations { patrols suppressed } } }`;
      type Report = { missionReport: Record<string, Record<string, number | boolean | null>> };
      const exact = await graph.queryAs<Report>(['statistics:read'], report);
      const shown = await external<Report>(report, undefined, { scopes: ['statistics:read'] });
      expect(shown.errors).toBeUndefined();
      for (const [pillar, figures] of Object.entries(exact.data!.missionReport)) {
        expect(figures.suppressed, pillar).toBe(false);
        for (const [name, value] of Object.entries(figures)) {
          if (name === 'suppressed') continue;
          const external = shown.data!.missionReport[pillar]![name];
          if (typeof value === 'number' && value > 0 && value < 5) {
            expect(external, `${pillar}.${name}`).toBeNull();
            expect(shown.data!.missionReport[pillar]!.suppressed).toBe(true);
          }
          if (external !== null) expect(external).toBe(value);
        }
      }
      // One day of police cooperation has some small channel: withheld with a complement.
      const channels = shown.data!.missionReport.policeCooperation!;
      const hiddenChannels = ['europolRequests', 'serbianMoiRequests', 'interpolRequests'].filter((name) => channels[name] === null);
      if (hiddenChannels.length > 0) expect(hiddenChannels.length).toBeGreaterThanOrEqual(2);
    });
  });
});
