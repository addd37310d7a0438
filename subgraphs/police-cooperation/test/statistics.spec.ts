import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { startSubgraph, errorCodes, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

interface Group {
  channel: string | null;
  direction: string | null;
  month: string | null;
  status: string | null;
  requests: number;
  answered: number;
  medianDaysToAnswer: number | null;
}

const STATISTICS = /* GraphQL */ `
  query Statistics($from: Date!, $to: Date!, $groupBy: [ExchangeStatisticsDimension!]!) {
    exchangeStatistics(from: $from, to: $to, groupBy: $groupBy) {
      from to groupBy
      groups { channel direction month status requests answered medianDaysToAnswer }
    }
  }
`;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = (sorted.length - 1) / 2;
  return (sorted[Math.floor(middle)]! + sorted[Math.ceil(middle)]!) / 2;
}

describeOnEachDatabase('exchangeStatistics', (flavour) => {
  let subgraph: RunningSubgraph;
  const statistics = (from: string, to: string, groupBy: string[]) =>
    subgraph.query<{ exchangeStatistics: { from: string; to: string; groupBy: string[]; groups: Group[] } }>(STATISTICS, {
      from,
      to,
      groupBy,
    });

  beforeAll(async () => {
    subgraph = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await subgraph?.stop();
  });

  it('counts the published totals per channel, in one SQL statement', async () => {
    const before = subgraph.statementCount();
    const response = await statistics('2018-06-01', '2025-06-14', ['CHANNEL']);
    expect(subgraph.statementCount() - before).toBe(1);
    const groups = response.data!.exchangeStatistics.groups;
    expect(groups.map((group) => [group.channel, group.requests])).toEqual([
      ['EUROPOL', 1_871],
      ['SERBIAN_MOI', 3_653],
      ['INTERPOL', 14_645],
    ]);
    for (const group of groups) {
      expect(group).toMatchObject({ direction: null, month: null, status: null });
      expect(group.answered).toBeGreaterThan(0);
    }
  });

  it('answers one total group without groupBy, and months that add up to it', async () => {
    const total = (await statistics('2019-01-01', '2019-12-31', [])).data!.exchangeStatistics.groups;
    expect(total).toHaveLength(1);
    const months = (await statistics('2019-01-01', '2019-12-31', ['MONTH'])).data!.exchangeStatistics.groups;
    expect(months.map((group) => group.month)).toEqual(Array.from({ length: 12 }, (_, i) => `2019-${String(i + 1).padStart(2, '0')}`));
    expect(months.reduce((sum, group) => sum + group.requests, 0)).toBe(total[0]!.requests);
    const empty = (await statistics('2040-01-01', '2040-12-31', [])).data!.exchangeStatistics.groups;
    expect(empty).toEqual([{ channel: null, direction: null, month: null, status: null, requests: 0, answered: 0, medianDaysToAnswer: null }]);
  });

  it('computes the median days to answer as the rows say, per group of several dimensions', async () => {
    const from = '2021-03-01';
    const to = '2021-04-30';
    const groups = (await statistics(from, to, ['STATUS', 'CHANNEL', 'DIRECTION'])).data!.exchangeStatistics;
    expect(groups.groupBy).toEqual(['CHANNEL', 'DIRECTION', 'STATUS']);
    const page = await subgraph.query<{
      informationExchangeRequests: { totalCount: number; edges: { node: { channel: string; direction: string; status: string; requestDate: string; answeredOn: string | null } }[] };
    }>(
      `query Rows($filter: InformationExchangeRequestFilter) { informationExchangeRequests(first: 100, filter: $filter) {
        totalCount edges { node { channel direction status requestDate answeredOn } } } }`,
      { filter: { channel: 'EUROPOL', from, to } },
    );
    const rows = page.data!.informationExchangeRequests.edges.map((edge) => edge.node);
    expect(rows.length).toBe(page.data!.informationExchangeRequests.totalCount); // the whole group fits in one page
    for (const group of groups.groups.filter((g) => g.channel === 'EUROPOL')) {
      const members = rows.filter((row) => row.direction === group.direction && row.status === group.status);
      const days = members
        .filter((row) => row.answeredOn !== null)
        .map((row) => (Date.parse(row.answeredOn!) - Date.parse(row.requestDate)) / 86_400_000);
      expect(group.requests).toBe(members.length);
      expect(group.answered).toBe(days.length);
      expect(group.medianDaysToAnswer).toBe(median(days));
    }
  });

  it('refuses a reversed period and a repeated dimension with BAD_USER_INPUT', async () => {
    expect(errorCodes(await statistics('2020-12-31', '2020-01-01', []))).toEqual([{ code: 'BAD_USER_INPUT', argument: 'to' }]);
    expect(errorCodes(await statistics('2020-01-01', '2020-12-31', ['CHANNEL', 'CHANNEL']))).toEqual([
      { code: 'BAD_USER_INPUT', argument: 'groupBy' },
    ]);
  });
});
