import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { encodeCursor } from '@mission-graph/service-kit';
import { startSubgraph, errorCodes, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

interface RequestNode {
  id: string;
  reference: string;
  channel: string;
  direction: string;
  requestDate: string;
  answeredOn: string | null;
  status: string;
}

interface Page {
  informationExchangeRequests: {
    totalCount: number;
    edges: { cursor: string; node: RequestNode }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

const LIST = /* GraphQL */ `
  query List($filter: InformationExchangeRequestFilter, $first: Int, $after: String) {
    informationExchangeRequests(filter: $filter, first: $first, after: $after) {
      totalCount
      edges { cursor node { id reference channel direction requestDate answeredOn status } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

const TOTAL = /* GraphQL */ `
  query Total($filter: InformationExchangeRequestFilter) {
    informationExchangeRequests(filter: $filter, first: 0) { totalCount }
  }
`;

const PUBLISHED = { from: '2018-06-01', to: '2025-06-14' };

/** (requestDate desc, id desc): the list order. */
function isNewestFirst(a: RequestNode, b: RequestNode): boolean {
  return a.requestDate > b.requestDate || (a.requestDate === b.requestDate && a.id > b.id);
}

describeOnEachDatabase('informationExchangeRequests', (flavour) => {
  let subgraph: RunningSubgraph;
  const list = (variables: Record<string, unknown>) => subgraph.query<Page>(LIST, variables);
  const total = async (filter: Record<string, unknown>) =>
    (await subgraph.query<Page>(TOTAL, { filter })).data?.informationExchangeRequests.totalCount;

  beforeAll(async () => {
    subgraph = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await subgraph?.stop();
  });

  it('holds exactly the published totals per channel between 1 June 2018 and 14 June 2025', async () => {
    expect(await total(PUBLISHED)).toBe(1_871 + 3_653 + 14_645);
    expect(await total({ ...PUBLISHED, channel: 'EUROPOL' })).toBe(1_871);
    expect(await total({ ...PUBLISHED, channel: 'SERBIAN_MOI' })).toBe(3_653);
    expect(await total({ ...PUBLISHED, channel: 'INTERPOL' })).toBe(14_645);
  });

  it('also holds requests before and after the published period', async () => {
    expect(await total({})).toBe(20_608);
    expect(await total({ to: '2018-05-31' })).toBe(48 + 66 + 91);
    expect(await total({ from: '2025-06-15' })).toBe(57 + 79 + 98);
  });

  it('filters by direction and status', async () => {
    expect(await total({ direction: 'RECEIVED' })).toBe(11_515);
    expect(await total({ direction: 'SENT' })).toBe(9_093);
    expect(await total({ status: 'ANSWERED' })).toBe(6_874);
    expect(await total({ status: 'RECEIVED', direction: 'SENT' })).toBe(0);

    const answered = await list({ filter: { status: 'ANSWERED', channel: 'SERBIAN_MOI' }, first: 100 });
    const nodes = answered.data?.informationExchangeRequests.edges.map((edge) => edge.node) ?? [];
    expect(nodes).toHaveLength(100);
    for (const node of nodes) {
      expect(node).toMatchObject({ status: 'ANSWERED', channel: 'SERBIAN_MOI' });
      expect(node.answeredOn! >= node.requestDate).toBe(true);
    }
  });

  it('includes both days of a date filter', async () => {
    const firstDay = await list({ filter: { from: '2018-06-01', to: '2018-06-01' }, first: 100 });
    const nodes = firstDay.data?.informationExchangeRequests.edges.map((edge) => edge.node) ?? [];
    // Every channel's published window starts on its first day and ends on its last.
    expect(new Set(nodes.map((node) => node.channel))).toEqual(new Set(['EUROPOL', 'INTERPOL', 'SERBIAN_MOI']));
    expect(nodes.every((node) => node.requestDate === '2018-06-01')).toBe(true);
    expect(await total({ from: '2025-06-14', to: '2025-06-14', channel: 'EUROPOL' })).toBe(1);
  });

  it('matches a reference fragment case-insensitively and literally', async () => {
    const europol2019 = await total({ channel: 'EUROPOL', from: '2019-01-01', to: '2019-12-31' });
    expect(europol2019).toBeGreaterThan(0);
    expect(await total({ referenceContains: 'eur-2019-' })).toBe(europol2019);
    const page = await list({ filter: { referenceContains: 'EUR-2019-' }, first: 5 });
    for (const { node } of page.data?.informationExchangeRequests.edges ?? []) {
      expect(node.reference).toMatch(/^EUR-2019-\d{6}$/);
    }
    expect(await total({ referenceContains: '%' })).toBe(0);
    expect(await total({ referenceContains: '_' })).toBe(0);
  });

  it('pages newest first without overlap until the filter is exhausted', async () => {
    const filter = { channel: 'EUROPOL', from: '2024-01-01', to: PUBLISHED.to };
    const expected = await total(filter);
    const seen: RequestNode[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const response: Awaited<ReturnType<typeof list>> = await list({ filter, first: 40, after });
      const connection = response.data!.informationExchangeRequests;
      expect(connection.totalCount).toBe(expected);
      expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(connection.pageInfo.startCursor).toBe(connection.edges[0]?.cursor ?? null);
      seen.push(...connection.edges.map((edge) => edge.node));
      pages += 1;
      if (!connection.pageInfo.hasNextPage) break;
      expect(connection.edges).toHaveLength(40);
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(expected!);
    expect(pages).toBe(Math.ceil(expected! / 40));
    expect(new Set(seen.map((node) => node.id)).size).toBe(seen.length);
    for (let i = 1; i < seen.length; i += 1) expect(isNewestFirst(seen[i - 1]!, seen[i]!)).toBe(true);
    expect(seen.at(-1)!.requestDate >= '2024-01-01').toBe(true);
  });

  it('continues after a cursor exactly where the previous page ended', async () => {
    const firstPage = await list({ first: 5 });
    const secondPage = await list({ first: 5, after: firstPage.data!.informationExchangeRequests.pageInfo.endCursor });
    const both = await list({ first: 10 });
    const ids = (page: Page | null | undefined) => page?.informationExchangeRequests.edges.map((edge) => edge.node.id) ?? [];
    expect([...ids(firstPage.data), ...ids(secondPage.data)]).toEqual(ids(both.data));
    expect(both.data!.informationExchangeRequests.edges[0]!.node.requestDate).toBe('2026-10-31');
  });

  it('answers an empty page for first: 0, and counts only when totalCount is selected', async () => {
    const empty = await list({ first: 0 });
    expect(empty.data?.informationExchangeRequests).toMatchObject({
      edges: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
    const before = subgraph.statementCount();
    await subgraph.query('{ informationExchangeRequests(first: 3) { edges { node { id } } } }');
    expect(subgraph.statementCount() - before).toBe(1);
    await subgraph.query('{ informationExchangeRequests(first: 3) { totalCount edges { node { id } } } }');
    expect(subgraph.statementCount() - before).toBe(3);
  });

  it('finds one request by id, and null for an unknown id', async () => {
    const [edge] = (await list({ filter: { channel: 'INTERPOL' }, first: 1 })).data!.informationExchangeRequests.edges;
    const found = await subgraph.query(
      'query One($id: ID!) { informationExchangeRequest(id: $id) { id reference channel counterpart kosovoPoliceUnit subject } }',
      { id: edge!.node.id },
    );
    expect(found.errors).toBeUndefined();
    expect(found.data?.informationExchangeRequest).toMatchObject({
      id: edge!.node.id,
      reference: edge!.node.reference,
      channel: 'INTERPOL',
      counterpart: expect.stringMatching(/^Interpol /),
      kosovoPoliceUnit: expect.any(String),
      subject: expect.stringMatching(/^Subject PC-\d{6} \(synthetic\)$/),
    });
    const missing = await subgraph.query('{ informationExchangeRequest(id: "00000000-0000-4000-8000-000000000000") { id } }');
    expect(missing).toEqual({ status: 200, data: { informationExchangeRequest: null } });
  });

  it('refuses bad arguments with BAD_USER_INPUT naming the argument, before any SQL', async () => {
    const before = subgraph.statementCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ first: -1 }, 'first'],
      [{ first: 100_000 }, 'first'],
      [{ after: 'not-a-cursor' }, 'after'],
      [{ after: encodeCursor(['2020-01-01']) }, 'after'],
      [{ after: encodeCursor(['yesterday', 'not-a-uuid']) }, 'after'],
      [{ filter: { from: '2020-02-01', to: '2020-01-31' } }, 'filter.to'],
      [{ filter: { referenceContains: 'x'.repeat(65) } }, 'filter.referenceContains'],
    ];
    for (const [variables, argument] of cases) {
      const response = await list(variables);
      expect(response.data).toBeNull();
      expect(errorCodes(response)).toEqual([{ code: 'BAD_USER_INPUT', argument }]);
    }
    const badId = await subgraph.query('{ informationExchangeRequest(id: "42") { id } }');
    expect(errorCodes(badId)).toEqual([{ code: 'BAD_USER_INPUT', argument: 'id' }]);
    expect(subgraph.statementCount()).toBe(before);
  });

  it('refuses an impossible date through the Date scalar', async () => {
    const response = await list({ filter: { from: '2021-02-30' } });
    expect(response.errors?.[0]?.message).toMatch(/Date must be an ISO-8601 calendar date/);
    expect(JSON.stringify(response)).not.toMatch(/select|police_cooperation/i);
  });
});
