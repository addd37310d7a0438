import { HeaderMap } from '@apollo/server';
import type { GatewayContext } from '../context.js';
import type { ResponseCache } from './response-cache.js';

/** Header naming what the response cache did: `HIT`, `MISS` or `BYPASS`. */
export const CACHE_STATUS_HEADER = 'x-cache';

/**
 * What a response says about caching, when the response cache is on: `x-cache`, and
 * `cache-control` — `private, max-age=<ttl>` for an answer the gateway caches (never for a
 * shared cache: it is per rights), `no-store` for everything else (personal data,
 * need-to-know, mutations, errors, refusals). Added to `base` (the rate-limit fields).
 */
export function responseCacheHeaders(
  cache: ResponseCache,
  context: Partial<GatewayContext>,
  base: HeaderMap | undefined,
): HeaderMap | undefined {
  if (!cache.enabled) return base;
  const headers = new HeaderMap(base ?? []);
  const status = context.responseCache ?? 'BYPASS';
  headers.set(CACHE_STATUS_HEADER, status);
  headers.set('cache-control', status === 'BYPASS' ? 'no-store' : `private, max-age=${cache.maxAgeSeconds}`);
  return headers;
}
