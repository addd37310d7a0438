/**
 * The specialist-chambers subgraph over real HTTP, on PGlite and (with
 * TEST_DATABASE_URL) PostgreSQL, against its deterministic seed: 300 support
 * requests (200 Chambers / 100 Prosecutor's Office; 180 logistic / 120 operational;
 * 243 completed, 27 declined, 10 each requested / approved / in progress; two a day
 * from 2020-09-01 to 2026-10-31) and 40 protected witnesses (8 per status, 10 per
 * risk level), each with an identity and a history: 100 threat assessments (1–4 a
 * witness), 24 relocations (1–2 for each relocated or exited witness).
 */
import { ALL_SCOPES, encodeCursor, syntheticId, type Caller } from '@mission-graph/service-kit';
import { createTestInternalAuth, startSubgraph, type GraphQLResponse, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';
import { buildASTSchema, isObjectType, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { asOfficerOf, BREAK_GLASS } from './seed-facts.js';

interface Page<Node> {
  totalCount?: number;
  edges: { cursor: string; node: Node }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

interface RequestNode {
  id: string;
  reference: string;
  institution: string;
  kind: string;
  status: string;
  requestedOn: string;
}

const SUPPORT_REQUESTS = /* GraphQL */ `
  query SupportRequests($filter: SupportRequestFilter, $first: Int, $after: String) {
    supportRequests(filter: $filter, first: $first, after: $after) {
      totalCount
      edges { cursor node { id reference institution kind status requestedOn } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

const PROTECTED_WITNESSES = /* GraphQL */ `
  query ProtectedWitnesses($filter: ProtectedWitnessFilter, $first: Int, $after: String) {
    protectedWitnesses(filter: $filter, first: $first, after: $after) {
      totalCount
      edges { cursor node { id codename status riskLevel referredOn } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

const MISSION_REPORTS = /* GraphQL */ `
  query MissionReports($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on MissionReport { from to specialistChambers { supportRequests } }
    }
  }
`;

const report = (from: string, to: string) => ({ __typename: 'MissionReport', from, to });

interface HistoryEvent {
  __typename: 'ThreatAssessment' | 'Relocation';
  id: string;
  occurredOn: string;
  riskLevel?: string;
  summary?: string;
  fromLocation?: string;
  toLocation?: string;
}

const HISTORY =
  'history { __typename ... on ThreatAssessment { id occurredOn riskLevel summary } ... on Relocation { id occurredOn fromLocation toLocation } }';

/** Callers the gateway may vouch for, narrower than the harness's default (every scope, a purpose). */
const withoutScope = (scope: string): Partial<Caller> => ({
  scopes: new Set(ALL_SCOPES.filter((held) => held !== scope)),
});
const NO_IDENTITY_SCOPE = withoutScope('witness-protection:identity');
const NO_PURPOSE: Partial<Caller> = { purpose: undefined };
const CHAMBERS_ONLY: Partial<Caller> = { scopes: new Set(['chambers:read']), purpose: undefined };

/** `extensions.code` and `path` of every error, for compact assertions. */
const errorsOf = (response: GraphQLResponse<unknown>) =>
  (response.errors ?? []).map((error) => ({ code: error.extensions?.code, path: error.path }));

/** Newest first: later day first, on one day the greater id first. */
const isNewestFirst = (events: readonly HistoryEvent[]) =>
  events.every((event, i) => {
    const next = events[i + 1];
    return !next || event.occurredOn > next.occurredOn || (event.occurredOn === next.occurredOn && event.id > next.id);
  });

describeOnEachDatabase('specialist-chambers', (flavour) => {
  let running: RunningSubgraph;

  beforeAll(async () => {
    running = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await running?.stop();
  });

  const supportRequests = async (variables: Record<string, unknown>) => {
    const { data, errors } = await running.query<{ supportRequests: Page<RequestNode> }>(SUPPORT_REQUESTS, variables);
    expect(errors).toBeUndefined();
    return data!.supportRequests;
  };

  describe('supportRequests', () => {
    it('counts the seeded requests, per filter and combined', async () => {
      const totals = async (filter: Record<string, unknown> | null) =>
        (await supportRequests({ filter, first: 0 })).totalCount;
      expect(await totals(null)).toBe(300);
      expect(await totals({ institution: 'KOSOVO_SPECIALIST_CHAMBERS' })).toBe(200);
      expect(await totals({ institution: 'SPECIALIST_PROSECUTORS_OFFICE' })).toBe(100);
      expect(await totals({ kind: 'LOGISTIC' })).toBe(180);
      expect(await totals({ kind: 'OPERATIONAL' })).toBe(120);
      expect(await totals({ status: 'COMPLETED' })).toBe(243);
      expect(await totals({ status: 'DECLINED' })).toBe(27);
      expect(await totals({ status: 'REQUESTED' })).toBe(10);
      expect(await totals({ status: 'APPROVED' })).toBe(10);
      expect(await totals({ status: 'IN_PROGRESS' })).toBe(10);
      expect(await totals({ institution: 'KOSOVO_SPECIALIST_CHAMBERS', kind: 'OPERATIONAL' })).toBe(80);
      expect(await totals({ institution: 'SPECIALIST_PROSECUTORS_OFFICE', kind: 'LOGISTIC' })).toBe(60);
      expect(await totals({ from: '2021-01-01', to: '2021-12-31' })).toBe(48);
      expect(await totals({ from: '2023-01-01', to: '2023-06-30' })).toBe(24);
      // Both bounds inclusive: the first day holds two requests.
      expect(await totals({ from: '2020-09-01', to: '2020-09-01' })).toBe(2);
      expect(await totals({ to: '2020-12-31' })).toBe(18);
      expect(await totals({ from: '2026-01-01' })).toBe(42);
    });

    it('returns only matching requests, newest first with the id breaking ties', async () => {
      const page = await supportRequests({
        filter: { institution: 'SPECIALIST_PROSECUTORS_OFFICE', kind: 'OPERATIONAL', from: '2022-01-01', to: '2023-12-31' },
        first: 100,
      });
      const nodes = page.edges.map((edge) => edge.node);
      expect(nodes.length).toBe(page.totalCount);
      expect(nodes.length).toBeGreaterThan(0);
      for (const node of nodes) {
        expect(node).toMatchObject({ institution: 'SPECIALIST_PROSECUTORS_OFFICE', kind: 'OPERATIONAL' });
        expect(node.requestedOn >= '2022-01-01' && node.requestedOn <= '2023-12-31').toBe(true);
        expect(node.reference).toMatch(/^SPO-\d{4}-\d{4}$/);
      }
      const all = (await supportRequests({ first: 4 })).edges.map((edge) => edge.node);
      expect(all.map((node) => [node.requestedOn, node.reference])).toEqual([
        ['2026-10-31', expect.any(String)],
        ['2026-10-31', expect.any(String)],
        ['2026-10-15', expect.any(String)],
        ['2026-10-15', expect.any(String)],
      ]);
      expect(all[0]!.id > all[1]!.id).toBe(true);
      expect(all[2]!.id > all[3]!.id).toBe(true);
    });

    it('pages with `after`: pages continue each other without overlap', async () => {
      const first = await supportRequests({ first: 7 });
      const second = await supportRequests({ first: 7, after: first.pageInfo.endCursor });
      const both = await supportRequests({ first: 14 });
      expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
      expect(second.pageInfo.startCursor).toBe(second.edges[0]!.cursor);
      const ids = [...first.edges, ...second.edges].map((edge) => edge.node.id);
      expect(new Set(ids).size).toBe(14);
      expect(ids).toEqual(both.edges.map((edge) => edge.node.id));
    });

    it('walks a filtered list to its end: every request once, the last page says so', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const page: Page<RequestNode> = await supportRequests({
          filter: { institution: 'SPECIALIST_PROSECUTORS_OFFICE' },
          first: 30,
          after,
        });
        pages += 1;
        seen.push(...page.edges.map((edge) => edge.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(pages).toBe(4);
      expect(seen.length).toBe(100);
      expect(new Set(seen).size).toBe(100);
    });

    it('gives an empty page with a next-page flag for first: 0', async () => {
      const page = await supportRequests({ first: 0 });
      expect(page.edges).toEqual([]);
      expect(page.pageInfo).toMatchObject({ hasNextPage: true, startCursor: null, endCursor: null });
    });
  });

  describe('supportRequest', () => {
    it('reads one request by id', async () => {
      const { data, errors } = await running.query(
        'query($id: ID!) { supportRequest(id: $id) { reference institution kind title requestedOn status } }',
        { id: syntheticId('support-request', 1) },
      );
      expect(errors).toBeUndefined();
      expect(data).toEqual({
        supportRequest: {
          reference: 'KSC-2020-0001',
          institution: 'KOSOVO_SPECIALIST_CHAMBERS',
          kind: 'OPERATIONAL',
          title: 'Close protection during a site visit',
          requestedOn: '2020-09-01',
          status: 'COMPLETED',
        },
      });
    });

    it('answers NOT_FOUND for an unknown id', async () => {
      const id = syntheticId('support-request', 301);
      const { data, errors } = await running.query('query($id: ID!) { supportRequest(id: $id) { id } }', { id });
      expect(data).toEqual({ supportRequest: null });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', type: 'SupportRequest', id });
    });
  });

  describe('protectedWitnesses', () => {
    it('counts the seeded witnesses, per filter and combined', async () => {
      const totals = async (filter: Record<string, unknown> | null) => {
        const { data, errors } = await running.query<{ protectedWitnesses: Page<unknown> }>(PROTECTED_WITNESSES, {
          filter,
          first: 0,
        });
        expect(errors).toBeUndefined();
        return data!.protectedWitnesses.totalCount;
      };
      expect(await totals(null)).toBe(40);
      for (const status of ['REFERRED', 'ASSESSED', 'ADMITTED', 'RELOCATED', 'EXITED']) {
        expect(await totals({ status })).toBe(8);
      }
      for (const riskLevel of ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']) {
        expect(await totals({ riskLevel })).toBe(10);
      }
      expect(await totals({ status: 'RELOCATED', riskLevel: 'CRITICAL' })).toBe(2);
    });

    it('pages most recently referred first, without overlap', async () => {
      const page = async (after: string | null) => {
        const { data } = await running.query<{
          protectedWitnesses: Page<{ id: string; codename: string; referredOn: string }>;
        }>(PROTECTED_WITNESSES, { first: 25, after });
        return data!.protectedWitnesses;
      };
      const first = await page(null);
      const second = await page(first.pageInfo.endCursor);
      expect(first.edges[0]!.node).toMatchObject({ codename: 'MARTIN-40', referredOn: '2026-06-30' });
      expect(second.pageInfo.hasNextPage).toBe(false);
      const nodes = [...first.edges, ...second.edges].map((edge) => edge.node);
      expect(new Set(nodes.map((node) => node.id)).size).toBe(40);
      const dates = nodes.map((node) => node.referredOn);
      expect(dates).toEqual([...dates].sort().reverse());
    });

    it('reads one witness under codename, with the identity kept in its own type', async () => {
      const { data, errors } = await running.query(
        /* GraphQL */ `query($id: ID!) {
          protectedWitness(id: $id) {
            codename status riskLevel referredOn
            identity { fullName dateOfBirth currentLocation }
          }
        }`,
        { id: syntheticId('protected-witness', 7) },
        asOfficerOf(7),
      );
      expect(errors).toBeUndefined();
      expect(data).toEqual({
        protectedWitness: {
          codename: 'WAGTAIL-07',
          status: 'ADMITTED',
          riskLevel: 'CRITICAL',
          referredOn: '2021-11-17',
          identity: {
            fullName: 'Synthetic Witness 07',
            dateOfBirth: '1961-05-06',
            currentLocation: 'Synthetic Safe Location 91',
          },
        },
      });
    });

    it('never reads identities unless they are asked for, and then in one batch', async () => {
      const withoutIdentity = await running.statementsDuring(() =>
        running.query('{ protectedWitnesses(first: 40) { edges { node { codename } } } }'),
      );
      expect(withoutIdentity).toBe(1);
      const withIdentity = await running.statementsDuring(async () => {
        const { data, errors } = await running.query<{
          protectedWitnesses: Page<{ identity: { fullName: string } }>;
        }>('{ protectedWitnesses(first: 40) { edges { node { identity { fullName } } } } }', {}, BREAK_GLASS);
        expect(errors).toBeUndefined();
        expect(data!.protectedWitnesses.edges.every((edge) => /^Synthetic Witness \d{2}$/.test(edge.node.identity.fullName))).toBe(true);
      });
      // The page, every witness's officers (need-to-know) and every identity: one statement each.
      expect(withIdentity).toBe(3);
    });
  });

  describe('MissionReport', () => {
    it('counts support requests per period, both bounds inclusive, all periods in one statement', async () => {
      let body: Awaited<ReturnType<RunningSubgraph['query']>> | undefined;
      const statements = await running.statementsDuring(async () => {
        body = await running.query(MISSION_REPORTS, {
          representations: [
            report('2020-09-01', '2026-10-31'),
            report('2021-01-01', '2021-12-31'),
            report('2020-09-01', '2020-09-01'),
            report('2018-06-01', '2020-08-31'),
            report('2021-01-01', '2021-12-31'),
          ],
        });
      });
      expect(body?.errors).toBeUndefined();
      expect(body?.data).toEqual({
        _entities: [
          { from: '2020-09-01', to: '2026-10-31', specialistChambers: { supportRequests: 300 } },
          { from: '2021-01-01', to: '2021-12-31', specialistChambers: { supportRequests: 48 } },
          { from: '2020-09-01', to: '2020-09-01', specialistChambers: { supportRequests: 2 } },
          { from: '2018-06-01', to: '2020-08-31', specialistChambers: { supportRequests: 0 } },
          { from: '2021-01-01', to: '2021-12-31', specialistChambers: { supportRequests: 48 } },
        ],
      });
      expect(statements).toBe(1);
    });

    it('refuses a malformed or reversed period in a representation, alone', async () => {
      const { data, errors } = await running.query(MISSION_REPORTS, {
        representations: [report('2025-06-14', '2018-06-01'), report('yesterday', '2025-06-14'), report('2024-01-01', '2024-12-31')],
      });
      expect(data).toEqual({
        _entities: [null, null, { from: '2024-01-01', to: '2024-12-31', specialistChambers: { supportRequests: 48 } }],
      });
      expect(errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.argument])).toEqual([
        [['_entities', 0], 'BAD_USER_INPUT', 'to'],
        [['_entities', 1], 'BAD_USER_INPUT', 'from'],
      ]);
    });

    it('publishes support-request figures only: nothing about the witness programme', async () => {
      const { data } = await running.query<{ _service: { sdl: string } }>('{ _service { sdl } }');
      const schema = buildASTSchema(parse(data!._service.sdl), { assumeValidSDL: true });
      const fieldsOf = (name: string) => {
        const type = schema.getType(name);
        return isObjectType(type) ? Object.keys(type.getFields()) : [];
      };
      expect(fieldsOf('MissionReport')).toEqual(['from', 'to', 'specialistChambers']);
      expect(fieldsOf('SpecialistChambersFigures')).toEqual(['supportRequests', 'suppressed']);
    });
  });

  describe('entities', () => {
    it('resolves support requests and witnesses by key, one statement per batch', async () => {
      const requestIds = [3, 1, 2, 150, 300].map((n) => syntheticId('support-request', n));
      const witnessIds = [40, 1, 7].map((n) => syntheticId('protected-witness', n));
      let body: Awaited<ReturnType<RunningSubgraph['query']>> | undefined;
      const statements = await running.statementsDuring(async () => {
        body = await running.query(
          /* GraphQL */ `query($representations: [_Any!]!) {
            _entities(representations: $representations) {
              ... on SupportRequest { id reference }
              ... on ProtectedWitness { id codename }
            }
          }`,
          {
            representations: [
              ...requestIds.map((id) => ({ __typename: 'SupportRequest', id })),
              ...witnessIds.map((id) => ({ __typename: 'ProtectedWitness', id })),
            ],
          },
        );
      });
      expect(body?.errors).toBeUndefined();
      expect(body?.data).toEqual({
        _entities: [
          { id: requestIds[0], reference: 'SPO-2020-0003' },
          { id: requestIds[1], reference: 'KSC-2020-0001' },
          { id: requestIds[2], reference: 'KSC-2020-0002' },
          { id: requestIds[3], reference: 'SPO-2023-0150' },
          { id: requestIds[4], reference: 'SPO-2026-0300' },
          { id: witnessIds[0], codename: 'MARTIN-40' },
          { id: witnessIds[1], codename: 'KESTREL-01' },
          { id: witnessIds[2], codename: 'WAGTAIL-07' },
        ],
      });
      // One statement for the support requests, one for the witnesses.
      expect(statements).toBe(2);
    });

    it('refuses a representation whose id is not a UUID, without failing the others', async () => {
      const { data, errors } = await running.query(
        '{ _entities(representations: [{ __typename: "SupportRequest", id: "42" }, { __typename: "ProtectedWitness", id: "' +
          syntheticId('protected-witness', 1) +
          '" }]) { ... on ProtectedWitness { codename } } }',
      );
      expect(data).toEqual({ _entities: [null, { codename: 'KESTREL-01' }] });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
    });
  });

  describe('bad input', () => {
    const cases: [label: string, query: string, variables: Record<string, unknown>, argument: string][] = [
      ['first: -1', SUPPORT_REQUESTS, { first: -1 }, 'first'],
      ['first: 100000', PROTECTED_WITNESSES, { first: 100000 }, 'first'],
      ['an `after` that is no cursor', SUPPORT_REQUESTS, { after: 'not-a-cursor' }, 'after'],
      ['a cursor with the wrong shape', PROTECTED_WITNESSES, { after: encodeCursor(['2024-01-01']) }, 'after'],
      ['a forged cursor SQL could not cast', SUPPORT_REQUESTS, { after: encodeCursor(['yesterday', 'x']) }, 'after'],
      ['a filter whose `to` precedes `from`', SUPPORT_REQUESTS, { filter: { from: '2024-01-01', to: '2023-12-31' } }, 'filter.to'],
      ['a support request id that is no UUID', 'query($id: ID!) { supportRequest(id: $id) { id } }', { id: '42' }, 'id'],
      ['a witness id that is no UUID', 'query($id: ID!) { protectedWitness(id: $id) { id } }', { id: "1' or '1'='1" }, 'id'],
    ];

    it.each(cases)('%s gets BAD_USER_INPUT naming the argument', async (_label, query, variables, argument) => {
      const response = await running.query(query, variables);
      expect(response.errors).toHaveLength(1);
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(JSON.stringify(response)).not.toMatch(/stacktrace|select|specialist_chambers|syntax/i);
    });

    it('refuses an impossible date in a filter before any SQL runs', async () => {
      const response = await running.query(SUPPORT_REQUESTS, { filter: { from: '2021-02-30' } });
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.message).toContain('2021-02-30');
    });
  });

  describe('history', () => {
    it("tells a witness's assessments and relocations newest first", async () => {
      const { data, errors } = await running.query<{
        protectedWitness: { codename: string; riskLevel: string; identity: { currentLocation: string }; history: HistoryEvent[] };
      }>(`query($id: ID!) { protectedWitness(id: $id) { codename riskLevel identity { currentLocation } ${HISTORY} } }`, {
        id: syntheticId('protected-witness', 3),
      }, asOfficerOf(3));
      expect(errors).toBeUndefined();
      // MERLIN-03, referred 2021-04-27, relocated: assessments on day +7 and +67, relocations on +30 and +120.
      const witness = data!.protectedWitness;
      expect(witness.history.map((event) => [event.__typename, event.occurredOn])).toEqual([
        ['Relocation', '2021-08-25'],
        ['ThreatAssessment', '2021-07-03'],
        ['Relocation', '2021-05-27'],
        ['ThreatAssessment', '2021-05-04'],
      ]);
      const [lastMove, latest, firstMove] = witness.history;
      // The newest assessment is the witness's risk level; the last move ends where the witness lives.
      expect(latest).toMatchObject({ riskLevel: witness.riskLevel, summary: expect.stringContaining('MERLIN-03') });
      expect(lastMove).toMatchObject({ fromLocation: firstMove!.toLocation, toLocation: witness.identity.currentLocation });
      expect(firstMove!.fromLocation).toMatch(/^Synthetic /);
    });

    it('gives every witness 1–4 assessments and only relocated or exited ones 1–2 relocations, in one statement per table', async () => {
      let response: GraphQLResponse<{
        protectedWitnesses: Page<{ status: string; riskLevel: string; history: HistoryEvent[] }>;
      }> | undefined;
      const statements = await running.statementsDuring(async () => {
        response = await running.query(`{ protectedWitnesses(first: 40) { edges { node { status riskLevel ${HISTORY} } } } }`, {}, BREAK_GLASS);
      });
      expect(response?.errors).toBeUndefined();
      // The page, then every witness's assessments, officers (need-to-know) and relocations: one statement each.
      expect(statements).toBe(4);
      const witnesses = response!.data!.protectedWitnesses.edges.map((edge) => edge.node);
      expect(witnesses).toHaveLength(40);
      const assessmentsPerWitness: number[] = [];
      let relocations = 0;
      for (const witness of witnesses) {
        const assessments = witness.history.filter((event) => event.__typename === 'ThreatAssessment');
        const moves = witness.history.filter((event) => event.__typename === 'Relocation');
        assessmentsPerWitness.push(assessments.length);
        relocations += moves.length;
        expect(isNewestFirst(witness.history)).toBe(true);
        expect(assessments[0]?.riskLevel).toBe(witness.riskLevel);
        if (['RELOCATED', 'EXITED'].includes(witness.status)) expect([1, 2]).toContain(moves.length);
        else expect(moves).toEqual([]);
      }
      expect(assessmentsPerWitness.reduce((sum, n) => sum + n, 0)).toBe(100);
      for (const count of [1, 2, 3, 4]) expect(assessmentsPerWitness.filter((n) => n === count)).toHaveLength(10);
      expect(relocations).toBe(24);
    });

    it('loads the history of entity references in one statement per table too', async () => {
      const ids = [40, 1, 7, 3, 9].map((n) => syntheticId('protected-witness', n));
      let response: GraphQLResponse<{ _entities: { id: string; history: HistoryEvent[] }[] }> | undefined;
      const statements = await running.statementsDuring(async () => {
        response = await running.query(
          `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ProtectedWitness { id ${HISTORY} } } }`,
          { representations: ids.map((id) => ({ __typename: 'ProtectedWitness', id })) },
          BREAK_GLASS,
        );
      });
      expect(response?.errors).toBeUndefined();
      // Witnesses, assessments, officers (need-to-know), relocations.
      expect(statements).toBe(4);
      expect(response!.data!._entities.map((entity) => entity.id)).toEqual(ids);
      expect(response!.data!._entities.every((entity) => entity.history.length > 0 && isNewestFirst(entity.history))).toBe(true);
    });
  });

  describe('direct calls', () => {
    const witnessReference = { __typename: 'ProtectedWitness', id: syntheticId('protected-witness', 1) };
    const operations: [label: string, query: string, variables: Record<string, unknown>][] = [
      ['a normal query', '{ supportRequests(first: 1) { totalCount } }', {}],
      ['the subgraph SDL', '{ _service { sdl } }', {}],
      [
        'an entity reference',
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on ProtectedWitness { codename } } }',
        { r: [witnessReference] },
      ],
    ];

    it.each(operations)('refuses %s without an internal token (401 UNAUTHENTICATED)', async (_label, query, variables) => {
      const response = await running.post(query, variables, {});
      expect(response.status).toBe(401);
      expect(response.data ?? null).toBeNull();
      expect(errorsOf(response)).toEqual([{ code: 'UNAUTHENTICATED', path: undefined }]);
    });

    it('refuses a token addressed to another subgraph', async () => {
      const response = await running.post(operations[2]![1], operations[2]![2], await running.auth.headers('operations', {}, { query: operations[2]![1], variables: operations[2]![2] }));
      expect(response.status).toBe(401);
      expect(errorsOf(response)).toEqual([{ code: 'UNAUTHENTICATED', path: undefined }]);
    });

    it('refuses a token signed by another key', async () => {
      const stranger = await createTestInternalAuth();
      const response = await running.post('{ _service { sdl } }', {}, await stranger.headers('specialist-chambers', {}, { query: '{ _service { sdl } }', variables: {} }));
      expect(response.status).toBe(401);
      expect(errorsOf(response)).toEqual([{ code: 'UNAUTHENTICATED', path: undefined }]);
    });

    it.each(['/health/live', '/health/ready'])('answers %s without a token', async (path) => {
      const response = await fetch(new URL(path, running.url));
      expect(response.status).toBe(200);
    });
  });

  describe('access rules enforced by the subgraph itself', () => {
    const id = syntheticId('protected-witness', 7);
    const WITNESS_WITH_IDENTITY = 'query($id: ID!) { protectedWitness(id: $id) { codename identity { fullName dateOfBirth currentLocation } } }';
    const ENTITY_WITH_IDENTITY =
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on ProtectedWitness { codename identity { fullName dateOfBirth currentLocation } } } }';
    // What the seed holds for witness 7 (see 'reads one witness under codename').
    const identityValues = ['Synthetic Witness 07', '1961-05-06', 'Synthetic Safe Location 91'];
    const discloses = (response: unknown) => identityValues.some((value) => JSON.stringify(response).includes(value));

    it('shows the identity to an assigned officer with the identity scope and a declared purpose', async () => {
      expect(discloses(await running.query(WITNESS_WITH_IDENTITY, { id }, asOfficerOf(7)))).toBe(true);
    });

    it.each([
      ['without the identity scope', NO_IDENTITY_SCOPE],
      ['with the scope but no declared purpose', NO_PURPOSE],
    ])('withholds the identity from a caller %s', async (_label, caller) => {
      const response = await running.query(WITNESS_WITH_IDENTITY, { id }, caller);
      expect(response.data).toEqual({ protectedWitness: { codename: 'WAGTAIL-07', identity: null } });
      expect(errorsOf(response)).toEqual([{ code: 'UNAUTHORIZED_FIELD_OR_TYPE', path: ['protectedWitness', 'identity'] }]);
      expect(discloses(response)).toBe(false);
    });

    it.each([
      ['without the identity scope', NO_IDENTITY_SCOPE],
      ['with the scope but no declared purpose', NO_PURPOSE],
    ])('withholds the identity through a hand-made entity reference from a caller %s', async (_label, caller) => {
      const response = await running.query(ENTITY_WITH_IDENTITY, { r: [{ __typename: 'ProtectedWitness', id }] }, caller);
      expect(response.data).toEqual({ _entities: [{ codename: 'WAGTAIL-07', identity: null }] });
      expect(errorsOf(response)).toEqual([{ code: 'UNAUTHORIZED_FIELD_OR_TYPE', path: ['_entities', 0, 'identity'] }]);
      expect(discloses(response)).toBe(false);
    });

    it('gives a caller with chambers:read only support requests, and neither witnesses nor their count', async () => {
      const requests = await running.query<{ supportRequests: { totalCount: number } }>(
        '{ supportRequests(first: 0) { totalCount } }',
        {},
        CHAMBERS_ONLY,
      );
      expect(requests.errors).toBeUndefined();
      expect(requests.data?.supportRequests.totalCount).toBe(300);

      const list = await running.query('{ protectedWitnesses(first: 5) { totalCount edges { node { codename } } } }', {}, CHAMBERS_ONLY);
      expect(list.data ?? null).toBeNull();
      expect(errorsOf(list)).toEqual([{ code: 'UNAUTHORIZED_FIELD_OR_TYPE', path: ['protectedWitnesses'] }]);
      expect(JSON.stringify(list)).not.toMatch(/totalCount|[A-Z]+-\d{2}/);

      const one = await running.query('query($id: ID!) { protectedWitness(id: $id) { codename } }', { id }, CHAMBERS_ONLY);
      expect(one.data).toEqual({ protectedWitness: null });
      expect(errorsOf(one)).toEqual([{ code: 'UNAUTHORIZED_FIELD_OR_TYPE', path: ['protectedWitness'] }]);
    });

    it('refuses a ProtectedWitness reference to a caller with chambers:read only', async () => {
      const entity = await running.query(
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on ProtectedWitness { codename } } }',
        { r: [{ __typename: 'ProtectedWitness', id }] },
        CHAMBERS_ONLY,
      );
      expect(entity.data).toEqual({ _entities: [null] });
      expect(errorsOf(entity)).toEqual([{ code: 'UNAUTHORIZED_FIELD_OR_TYPE', path: ['_entities', 0] }]);
    });

    it('leaves relocations out of the history of a caller without the identity scope, not even counted', async () => {
      // MERLIN-03 was relocated twice (see 'history').
      const relocated = { id: syntheticId('protected-witness', 3) };
      const query =
        'query($id: ID!) { protectedWitness(id: $id) { codename history { __typename ... on Relocation { occurredOn fromLocation toLocation } } } }';
      for (const caller of [NO_IDENTITY_SCOPE, NO_PURPOSE]) {
        const response = await running.query<{ protectedWitness: { history: HistoryEvent[] } }>(query, relocated, caller);
        expect(response.errors).toBeUndefined();
        const kinds = response.data?.protectedWitness.history.map((event) => event.__typename);
        expect(kinds?.length).toBeGreaterThan(0);
        expect(new Set(kinds)).toEqual(new Set(['ThreatAssessment']));
        expect(JSON.stringify(response)).not.toMatch(/Relocation|Synthetic|2021-0[5-8]/);
      }
      // An assigned officer with the scope and a purpose sees both moves.
      const allowed = await running.query<{ protectedWitness: { history: HistoryEvent[] } }>(query, relocated, asOfficerOf(3));
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data?.protectedWitness.history.filter((event) => event.toLocation)).toHaveLength(2);
    });

    it('shows threat assessments with witness-protection:read alone', async () => {
      // KESTREL-01 is ASSESSED: no relocations in its history.
      const response = await running.query<{ protectedWitness: { history: HistoryEvent[] } }>(
        'query($id: ID!) { protectedWitness(id: $id) { history { ... on ThreatAssessment { occurredOn riskLevel summary } } } }',
        { id: syntheticId('protected-witness', 1) },
        { scopes: new Set(['witness-protection:read']), purpose: undefined },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data?.protectedWitness.history.length).toBeGreaterThan(0);
      expect(response.data?.protectedWitness.history.every((event) => event.riskLevel && event.summary)).toBe(true);
    });

    it('gives mission-report figures only to a caller with statistics:read', async () => {
      const response = await running.query(
        MISSION_REPORTS,
        { representations: [report('2021-01-01', '2021-12-31')] },
        withoutScope('statistics:read'),
      );
      expect(response.data).toEqual({ _entities: [null] });
      // Refused at the reference or at its figures, depending on where the kit checks the type rule.
      expect(response.errors?.length).toBe(1);
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
      expect(response.errors?.[0]?.path?.slice(0, 2)).toEqual(['_entities', 0]);
    });
  });
});
