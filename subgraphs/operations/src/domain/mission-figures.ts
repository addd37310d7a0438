import { protectStatistics, type Caller } from '@mission-graph/service-kit';

interface OperationsCounts {
  patrols: number;
  exercises: number;
  deployments: number;
}

/** A period's operations figures as the caller may see them: small counts withheld on the external contract. */
export function protectOperationsFigures<Figures extends OperationsCounts>(caller: Caller, figures: Figures) {
  return protectStatistics(caller, [figures], {
    dimensions: [],
    measures: [{ name: 'patrols' }, { name: 'exercises' }, { name: 'deployments' }],
  })[0]!;
}
