import type { Caller } from '@mission-graph/service-kit';
import type { MutationChanges } from './audit/mutation-record.js';

/** What every request carries through the gateway. */
export interface GatewayContext {
  caller: Caller;
  /** Aborted when the client disconnects: subgraph fetches still running for it stop. */
  signal?: AbortSignal;
  /** A mutation's: where the subgraph client puts what each mutation fetch reported changed. */
  mutationChanges?: MutationChanges;
}
