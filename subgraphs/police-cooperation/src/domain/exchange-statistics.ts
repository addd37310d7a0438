import { badUserInput, checkPeriod, type Period } from '@mission-graph/service-kit';

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
