import { protectStatistics, type Caller } from '@mission-graph/service-kit';

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

/** The group field each dimension keys. */
const DIMENSION_FIELD = { YEAR: 'year', MUNICIPALITY: 'municipality', OPERATION_KIND: 'operationKind' } as const;

interface ForensicsCounts {
  year?: number | null;
  municipality?: string | null;
  operationKind?: string | null;
  fieldOperations: number;
  exhumations: number;
  individualsIdentified: number;
  missingPersonsIdentified: number;
}

/** Exhumations are field operations; identified missing persons are identified individuals. */
const FORENSICS_MEASURES = [
  { name: 'fieldOperations' },
  { name: 'exhumations', within: 'fieldOperations' },
  { name: 'individualsIdentified' },
  { name: 'missingPersonsIdentified', within: 'individualsIdentified' },
] as const;

/**
 * Forensics figures as the caller may see them: through the external contract, a count
 * below the threshold (two identifications in one municipality in a year can point at a
 * family) is withheld with its complements (service-kit small-counts).
 */
export function protectForensicsStatistics<Row extends ForensicsCounts>(caller: Caller, groups: readonly Row[], groupBy: readonly StatisticsDimension[]) {
  return protectStatistics(caller, groups, { dimensions: groupBy.map((dimension) => DIMENSION_FIELD[dimension]), measures: FORENSICS_MEASURES });
}

/** A mission-report period's forensics figures (one row of totals) as the caller may see them. */
export function protectForensicsFigures<Figures extends ForensicsCounts>(caller: Caller, figures: Figures) {
  return protectStatistics(caller, [figures], { dimensions: [], measures: FORENSICS_MEASURES })[0]!;
}
