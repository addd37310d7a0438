/** The dimensions `forensicsStatistics` can group by, in the order groups are keyed and sorted. */
export const STATISTICS_DIMENSIONS = ['YEAR', 'MUNICIPALITY', 'OPERATION_KIND'] as const;
export type StatisticsDimension = (typeof STATISTICS_DIMENSIONS)[number];

/**
 * The requested dimensions without repeats, in canonical order (so `[MUNICIPALITY, YEAR]`
 * and `[YEAR, MUNICIPALITY, YEAR]` give the same groups); none means one total group.
 */
export function normaliseGroupBy(groupBy: readonly StatisticsDimension[] | null | undefined): StatisticsDimension[] {
  const wanted = new Set(groupBy ?? []);
  return STATISTICS_DIMENSIONS.filter((dimension) => wanted.has(dimension));
}
