import type { Caller } from '@mission-graph/service-kit';

/** What every request carries through the gateway. */
export interface GatewayContext {
  caller: Caller;
  /** Aborted when the client disconnects: subgraph fetches still running for it stop. */
  signal?: AbortSignal;
}
