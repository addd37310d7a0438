import { protectStatistics, type Caller } from '@mission-graph/service-kit';

/** A period's support-request count as the caller may see it: a small count withheld on the external contract. */
export function protectChambersFigures<Figures extends { supportRequests: number }>(caller: Caller, figures: Figures) {
  return protectStatistics(caller, [figures], { dimensions: [], measures: [{ name: 'supportRequests' }] })[0]!;
}
