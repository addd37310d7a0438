import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { ResponseCache } from './response-cache.js';

/** Header naming what the response cache did: `HIT`, `MISS` or `BYPASS`. */
export const CACHE_STATUS_HEADER = 'x-cache';

export type CacheStatus = 'HIT' | 'MISS' | 'BYPASS';

/**
 * What a response says about caching, when the response cache is on: `x-cache`, and
 * `cache-control` — `private, max-age=<ttl>` for an answer the gateway caches (per rights,
 * so never for a shared cache), `no-store` for everything else (personal data,
 * need-to-know, mutations, break-glass, errors). Nothing when the cache is off.
 */
export function markCacheStatus(requestContext: GatewayGraphQLRequestContext, cache: ResponseCache | undefined, status: CacheStatus): void {
  const headers = requestContext.response?.http?.headers;
  if (!cache?.enabled || !headers) return;
  headers.set(CACHE_STATUS_HEADER, status);
  headers.set('cache-control', status === 'BYPASS' ? 'no-store' : `private, max-age=${cache.maxAgeSeconds}`);
}
