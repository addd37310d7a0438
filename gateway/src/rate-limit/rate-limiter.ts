import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Caller } from '@mission-graph/service-kit';
import type { ClientRegistry, RegisteredClient } from '../clients/registry.js';
import { memoryRateLimitStore, type Bucket, type BucketState, type RateLimitStore } from './token-bucket.js';

/**
 * Per-client and per-principal rate limits. Every request takes a token from its
 * client's bucket (the client's `rateLimit` in the registry, shared by all its callers)
 * and from its principal's (the token subject, or the remote address of an anonymous
 * caller; `principalRateLimit`). Answers carry the IETF `RateLimit-Policy` and `RateLimit`
 * fields (draft-ietf-httpapi-ratelimit-headers-10); a refusal is HTTP 429 with
 * `Retry-After` and `extensions.code: "RATE_LIMITED"`, before anything is parsed or run.
 */
export const RATE_LIMITED = 'RATE_LIMITED';

export interface RateLimitSubject {
  caller: Caller;
  client?: RegisteredClient | undefined;
  /** The caller's address: anonymous callers are limited by it. */
  remoteAddress?: string | undefined;
}

export interface RateLimiter {
  /** Takes the request's tokens: the response headers to send, or throws a 429 `RATE_LIMITED` error. */
  admit(subject: RateLimitSubject): Promise<HeaderMap>;
  close(): Promise<void>;
}

export function createRateLimiter(registry: ClientRegistry, store: RateLimitStore): RateLimiter {
  // When the shared store (Redis) fails, each replica keeps limiting on its own rather
  // than letting everything through or refusing everything.
  const fallback = memoryRateLimitStore();
  let warned = false;
  return {
    async admit({ caller, client, remoteAddress }) {
      const buckets: Bucket[] = [];
      if (client) buckets.push({ name: 'client', key: `client:${client.id}`, policy: client.rateLimit });
      buckets.push({
        name: 'principal',
        key: caller.authenticated && caller.subject ? `principal:${caller.subject}` : `anonymous:${remoteAddress ?? 'unknown'}`,
        policy: registry.principalRateLimit,
      });
      let decision;
      try {
        decision = await store.take(buckets);
        warned = false;
      } catch (error) {
        if (!warned) console.error('rate-limit store unavailable; limiting per replica until it is back:', error);
        warned = true;
        decision = await fallback.take(buckets);
      }
      const headers = rateLimitHeaders(decision.states);
      if (decision.allowed) return headers;
      const empty = decision.states.filter((state) => state.retryAfterSeconds > 0);
      const retryAfter = Math.max(...empty.map((state) => state.retryAfterSeconds));
      headers.set('retry-after', String(retryAfter));
      const limit = empty[0]!.bucket;
      throw new GraphQLError(
        `Rate limit exceeded: ${limit.name === 'client' ? `client "${client?.id}"` : 'this caller'} may send ${limit.policy.quota} requests per ${limit.policy.windowSeconds} s; retry in ${retryAfter} s`,
        {
          extensions: {
            code: RATE_LIMITED,
            policy: limit.name,
            retryAfter,
            http: { status: 429, headers },
          },
        },
      );
    },
    async close() {
      await Promise.all([store.close(), fallback.close()]);
    },
  };
}

/** `RateLimit-Policy: "client";q=600;w=60, "principal";q=300;w=60` and `RateLimit: "client";r=599;t=1, …`. */
export function rateLimitHeaders(states: readonly BucketState[]): HeaderMap {
  const headers = new HeaderMap();
  headers.set(
    'ratelimit-policy',
    states.map(({ bucket }) => `"${bucket.name}";q=${bucket.policy.quota};w=${bucket.policy.windowSeconds}`).join(', '),
  );
  headers.set('ratelimit', states.map((state) => `"${state.bucket.name}";r=${state.remaining};t=${state.resetSeconds}`).join(', '));
  return headers;
}
