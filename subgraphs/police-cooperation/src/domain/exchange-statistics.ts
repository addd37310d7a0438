import { badUserInput, checkPeriod, protectStatistics, type Caller, type Period } from '@mission-graph/service-kit';

/** What `exchangeStatistics` can group by (GraphQL `ExchangeStatisticsDimension`). */
export const STATISTICS_DIMENSIONS = ['CHANNEL', 'DIRECTION', 'MONTH', 'STATUS'] as const;
export type StatisticsDimension = (typeof STATISTICS_DIMENSIONS)[number];

/** A statistics question: a closed period and its grouping, each dimension at most once, in a fixed order. */
export interface StatisticsQuery extends Period {
  groupBy: StatisticsDimension[];
}

/** At most this many days (about fifty years) per question: keeps MONTH groups bounded. */
export const MAX_STATISTICS_DAYS = 18_300;

export function checkStatisticsQuery(from: unknown, to: unknown, groupBy: readonly unknown[] | null | undefined): StatisticsQuery {
  const period = checkPeriod(from, to);
  const days = (Date.parse(period.to) - Date.parse(period.from)) / 86_400_000;
  if (days > MAX_STATISTICS_DAYS) {
    throw badUserInput('to', `the period may span at most ${MAX_STATISTICS_DAYS} days; got ${days + 1}`);
  }
  const requested = groupBy ?? [];
  for (const dimension of requested) {
    if (!STATISTICS_DIMENSIONS.includes(dimension as StatisticsDimension)) {
      throw badUserInput('groupBy', `unknown dimension ${JSON.stringify(dimension)}`);
    }
  }
  if (new Set(requested).size !== requested.length) {
    throw badUserInput('groupBy', 'names a dimension more than once');
  }
  return {
    ...period,
    groupBy: STATISTICS_DIMENSIONS.filter((dimension) => requested.includes(dimension)),
  };
}

/** The group field each dimension keys. */
const DIMENSION_FIELD = { CHANNEL: 'channel', DIRECTION: 'direction', MONTH: 'month', STATUS: 'status' } as const;

interface ExchangeStatisticsRow {
  channel: string | null;
  direction: string | null;
  month: string | null;
  status: string | null;
  requests: number;
  answered: number;
  medianDaysToAnswer: number | null;
}

/**
 * The groups as the caller may see them: through the external contract, counts below
 * the threshold withheld with their complements (service-kit small-counts); the
 * answered requests are part of the requests, and the median comes from the answered.
 */
export function protectExchangeStatistics<Row extends ExchangeStatisticsRow>(caller: Caller, groups: readonly Row[], groupBy: readonly StatisticsDimension[]) {
  return protectStatistics(caller, groups, {
    dimensions: groupBy.map((dimension) => DIMENSION_FIELD[dimension]),
    measures: [{ name: 'requests' }, { name: 'answered', within: 'requests' }],
    derived: [{ name: 'medianDaysToAnswer', from: 'answered' }],
  });
}

export interface ChannelFigures {
  europolRequests: number;
  serbianMoiRequests: number;
  interpolRequests: number;
}

/**
 * A period's requests per channel as the caller may see them. The three channels are one
 * line whose total the caller can ask for (`exchangeStatistics` without grouping), so a
 * withheld channel gets a complement among the other two.
 */
export function protectChannelFigures<Figures extends ChannelFigures>(caller: Caller, figures: Figures) {
  const channels = ['europolRequests', 'serbianMoiRequests', 'interpolRequests'] as const;
  const cells = protectStatistics(
    caller,
    channels.map((channel) => ({ channel, requests: figures[channel] })),
    { dimensions: ['channel'], measures: [{ name: 'requests' }] },
  );
  return {
    ...figures,
    europolRequests: cells[0]!.requests,
    serbianMoiRequests: cells[1]!.requests,
    interpolRequests: cells[2]!.requests,
    suppressed: cells.some((cell) => cell.suppressed),
  };
}
