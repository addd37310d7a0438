import type { Caller } from '@mission-graph/service-kit';

/** What every request carries through the gateway. */
export interface GatewayContext {
  caller: Caller;
  /** Aborted when the client disconnects: subgraph fetches still running for it stop. */
  signal?: AbortSignal;
  /**
   * What the response cache did for this request (response-cache/): `HIT` answered from
   * it, `MISS` fetched (and stored when cacheable), `BYPASS` not cacheable (personal data,
   * need-to-know, a mutation, break-glass). Unset when the cache is off.
   */
  responseCache?: 'HIT' | 'MISS' | 'BYPASS';
}
