import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { syntheticId } from '@mission-graph/service-kit';
import { createTestInternalAuth, startSubgraph, errorCodes, type GraphQLResponse, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

interface Figures {
  europolRequests: number;
  serbianMoiRequests: number;
  interpolRequests: number;
}

interface RequestSummary {
  id: string;
  requestDate: string;
  relatedMissingPerson: { __typename: string; id: string } | null;
}

const REPORTS = /* GraphQL */ `
  query Reports($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on MissionReport { from to policeCooperation { europolRequests serbianMoiRequests interpolRequests } }
    }
  }
`;

const PERSONS = /* GraphQL */ `
  query Persons($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on MissingPerson {
        id
        informationExchangeRequests { id requestDate relatedMissingPerson { __typename id } }
      }
    }
  }
`;

const REQUESTS = /* GraphQL */ `
  query Requests($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on InformationExchangeRequest { id reference relatedMissingPerson { __typename id } }
    }
  }
`;

const report = (from: string, to: string) => ({ __typename: 'MissionReport', from, to });
const missingPerson = (n: number) => ({ __typename: 'MissingPerson', id: syntheticId('missing-person', n) });
const range = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

describeOnEachDatabase('federation entities', (flavour) => {
  let subgraph: RunningSubgraph;

  const reports = (representations: unknown[]) =>
    subgraph.query<{ _entities: ({ from: string; to: string; policeCooperation: Figures } | null)[] }>(REPORTS, {
      representations,
    });
  const persons = (representations: unknown[]) =>
    subgraph.query<{ _entities: ({ id: string; informationExchangeRequests: RequestSummary[] } | null)[] }>(PERSONS, {
      representations,
    });

  /** Statements sent while `run` executes. */
  async function statementsOf(run: () => Promise<unknown>): Promise<number> {
    const before = subgraph.statementCount();
    await run();
    return subgraph.statementCount() - before;
  }

  beforeAll(async () => {
    subgraph = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await subgraph?.stop();
  });

  describe('MissionReport', () => {
    it('reports the published figures for 1 June 2018 – 14 June 2025, both days included', async () => {
      const response = await reports([report('2018-06-01', '2025-06-14')]);
      expect(response).toEqual({
        status: 200,
        data: {
          _entities: [
            {
              from: '2018-06-01',
              to: '2025-06-14',
              policeCooperation: { europolRequests: 1_871, serbianMoiRequests: 3_653, interpolRequests: 14_645 },
            },
          ],
        },
      });
    });

    it('counts one statement for every period of a request, repeated periods answered once', async () => {
      let response: Awaited<ReturnType<typeof reports>> | undefined;
      const statements = await statementsOf(async () => {
        response = await reports([
          report('2018-06-01', '2018-06-01'),
          report('2017-01-01', '2027-12-31'),
          report('2018-06-01', '2018-06-01'),
          report('2030-01-01', '2030-12-31'),
        ]);
      });
      expect(statements).toBe(1);
      const figures = response!.data!._entities.map((entity) => entity!.policeCooperation);
      expect(figures[1]).toEqual({ europolRequests: 1_976, serbianMoiRequests: 3_798, interpolRequests: 14_834 });
      expect(figures[2]).toEqual(figures[0]);
      expect(figures[3]).toEqual({ europolRequests: 0, serbianMoiRequests: 0, interpolRequests: 0 });
    });

    it('agrees with the filtered list totals for the same period', async () => {
      const [entity] = (await reports([report('2019-03-01', '2020-02-29')])).data!._entities;
      const totals = await subgraph.query<Record<string, { totalCount: number }>>(`{
        europol: informationExchangeRequests(first: 0, filter: { channel: EUROPOL, from: "2019-03-01", to: "2020-02-29" }) { totalCount }
        moi: informationExchangeRequests(first: 0, filter: { channel: SERBIAN_MOI, from: "2019-03-01", to: "2020-02-29" }) { totalCount }
        interpol: informationExchangeRequests(first: 0, filter: { channel: INTERPOL, from: "2019-03-01", to: "2020-02-29" }) { totalCount }
      }`);
      expect(entity!.policeCooperation).toEqual({
        europolRequests: totals.data!.europol!.totalCount,
        serbianMoiRequests: totals.data!.moi!.totalCount,
        interpolRequests: totals.data!.interpol!.totalCount,
      });
    });

    it('refuses a reversed or malformed period with BAD_USER_INPUT', async () => {
      expect(errorCodes(await reports([report('2025-06-14', '2018-06-01')]))).toEqual([
        { code: 'BAD_USER_INPUT', argument: 'to' },
      ]);
      expect(errorCodes(await reports([report('2018-13-01', '2025-06-14')]))).toEqual([
        { code: 'BAD_USER_INPUT', argument: 'from' },
      ]);
      expect(errorCodes(await reports([{ __typename: 'MissionReport', from: '2018-06-01' }]))).toEqual([
        { code: 'BAD_USER_INPUT', argument: 'to' },
      ]);
    });
  });

  describe('MissingPerson', () => {
    it('lists the requests about a person newest first, pointing back to the person', async () => {
      const response = await persons([missingPerson(1), missingPerson(2), missingPerson(264)]);
      expect(response.errors).toBeUndefined();
      const [first, second, third] = response.data!._entities;
      expect(first!.informationExchangeRequests).toHaveLength(2);
      const [newer, older] = first!.informationExchangeRequests;
      expect(newer!.requestDate > older!.requestDate).toBe(true);
      for (const request of first!.informationExchangeRequests) {
        expect(request.relatedMissingPerson).toEqual({ __typename: 'MissingPerson', id: syntheticId('missing-person', 1) });
      }
      expect(second).toEqual({ id: syntheticId('missing-person', 2), informationExchangeRequests: [] });
      expect(third!.informationExchangeRequests).toHaveLength(1);
    });

    it('links 413 requests to 300 of the 1,200 missing persons, 113 of them with two', async () => {
      const response = await persons(range(1_200).map(missingPerson));
      const counts = response.data!._entities.map((entity) => entity!.informationExchangeRequests.length);
      expect(counts.reduce((sum, count) => sum + count, 0)).toBe(413);
      expect(counts.filter((count) => count > 0)).toHaveLength(300);
      expect(counts.filter((count) => count === 2)).toHaveLength(113);
      expect(Math.max(...counts)).toBe(2);
    });

    it('makes as many SQL statements for 100 persons as for 10: one (no N+1)', async () => {
      const forTen = await statementsOf(() => persons(range(10).map(missingPerson)));
      const forHundred = await statementsOf(() => persons(range(100).map(missingPerson)));
      expect(forTen).toBe(1);
      expect(forHundred).toBe(forTen);
    });

    it('refuses a representation whose id is not a UUID, without SQL', async () => {
      let response: Awaited<ReturnType<typeof persons>> | undefined;
      const statements = await statementsOf(async () => {
        response = await persons([{ __typename: 'MissingPerson', id: 'mp-1' }]);
      });
      expect(errorCodes(response!)).toEqual([{ code: 'BAD_USER_INPUT', argument: 'id' }]);
      expect(statements).toBe(0);
    });
  });

  describe('InformationExchangeRequest', () => {
    it('resolves references in one statement, in representation order', async () => {
      const page = await subgraph.query<{ informationExchangeRequests: { edges: { node: { id: string; reference: string } }[] } }>(
        '{ informationExchangeRequests(first: 5, filter: { channel: SERBIAN_MOI }) { edges { node { id reference } } } }',
      );
      const nodes = page.data!.informationExchangeRequests.edges.map((edge) => edge.node).reverse();
      let response: GraphQLResponse | undefined;
      const statements = await statementsOf(async () => {
        response = await subgraph.query(REQUESTS, {
          representations: nodes.map(({ id }) => ({ __typename: 'InformationExchangeRequest', id })),
        });
      });
      expect(statements).toBe(1);
      expect(response!.data?._entities).toEqual(nodes.map((node) => ({ ...node, relatedMissingPerson: null })));
    });

    it('returns the related missing person as a reference for the gateway to resolve', async () => {
      const [request] = (await persons([missingPerson(38)])).data!._entities[0]!.informationExchangeRequests;
      const response = await subgraph.query(REQUESTS, {
        representations: [{ __typename: 'InformationExchangeRequest', id: request!.id }],
      });
      expect(response.data?._entities).toEqual([
        {
          id: request!.id,
          reference: expect.stringMatching(/^(EUR|MOI|INT)-\d{4}-\d{6}$/),
          relatedMissingPerson: { __typename: 'MissingPerson', id: syntheticId('missing-person', 38) },
        },
      ]);
    });

    it('answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
      const unknown = await subgraph.query(REQUESTS, {
        representations: [{ __typename: 'InformationExchangeRequest', id: '00000000-0000-4000-8000-000000000000' }],
      });
      expect(errorCodes(unknown)).toEqual([{ code: 'NOT_FOUND', argument: undefined }]);
      const malformed = await subgraph.query(REQUESTS, {
        representations: [{ __typename: 'InformationExchangeRequest', id: 'EUR-2019-000123' }],
      });
      expect(errorCodes(malformed)).toEqual([{ code: 'BAD_USER_INPUT', argument: 'id' }]);
    });
  });

  describe('direct calls', () => {
    const operations: [label: string, query: string, variables: Record<string, unknown>][] = [
      ['a normal query', '{ informationExchangeRequests(first: 1) { totalCount } }', {}],
      ['the subgraph SDL', '{ _service { sdl } }', {}],
      ['an entity reference', PERSONS, { representations: [missingPerson(1)] }],
    ];

    it.each(operations)('refuses %s without an internal token (401 UNAUTHENTICATED)', async (_label, query, variables) => {
      const { status, ...body } = await subgraph.post(query, variables, {});
      expect(status).toBe(401);
      expect(body.data ?? null).toBeNull();
      expect(errorCodes(body)).toEqual([{ code: 'UNAUTHENTICATED', argument: undefined }]);
    });

    it('refuses a token addressed to another subgraph', async () => {
      const { status, ...body } = await subgraph.post(PERSONS, { representations: [missingPerson(1)] }, await subgraph.auth.headers('forensics', {}, { query: PERSONS, variables: { representations: [missingPerson(1)] } }));
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a token signed by another key', async () => {
      const stranger = await createTestInternalAuth();
      const { status, ...body } = await subgraph.post('{ _service { sdl } }', {}, await stranger.headers('police-cooperation', {}, { query: '{ _service { sdl } }', variables: {} }));
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it.each(['/health/live', '/health/ready'])('answers %s without a token', async (path) => {
      const response = await fetch(new URL(path, subgraph.url));
      expect(response.status).toBe(200);
    });
  });
});
