import type { RateLimitPolicy } from '../clients/registry.js';

/**
 * Token buckets: a bucket holds up to `quota` tokens and refills continuously at
 * `quota / windowSeconds` per second; each request takes one token. Unlike fixed windows
 * there is no edge at which a client may send two windows' worth at once, and the wait
 * a refused client is told (`Retry-After`) is the real time until its next token.
 *
 * A request takes a token from each of its buckets (its client's and its principal's)
 * or from none: a refusal by one bucket costs the other nothing.
 */
export interface Bucket {
  /** Name of the policy in the response headers (`client`, `principal`). */
  name: string;
  /** Storage key: whose bucket it is. */
  key: string;
  policy: RateLimitPolicy;
}

/** A bucket's state after a request: what the `RateLimit` header reports. */
export interface BucketState {
  bucket: Bucket;
  /** Whole tokens left. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until the next token, when there is none now. */
  retryAfterSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  states: BucketState[];
}

/** Where buckets live: this process's memory, or Redis shared by every gateway replica. */
export interface RateLimitStore {
  /** Takes one token from every bucket, or from none when any is empty. */
  take(buckets: readonly Bucket[]): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

/** Tokens gained per millisecond. */
export const refillPerMs = (policy: RateLimitPolicy) => policy.quota / (policy.windowSeconds * 1000);

/** Tokens a bucket holds at `now`, given what it held at `updatedAt`. */
export function tokensAt(policy: RateLimitPolicy, tokens: number, updatedAt: number, now: number): number {
  return Math.min(policy.quota, tokens + Math.max(0, now - updatedAt) * refillPerMs(policy));
}

/** The header view of a bucket holding `tokens` (after the request's own token was taken, if it was). */
export function stateOf(bucket: Bucket, tokens: number): BucketState {
  const perMs = refillPerMs(bucket.policy);
  return {
    bucket,
    remaining: Math.max(0, Math.floor(tokens)),
    resetSeconds: Math.ceil((bucket.policy.quota - tokens) / perMs / 1000),
    retryAfterSeconds: tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)),
  };
}

interface Held {
  tokens: number;
  updatedAt: number;
  /** Idle this long, the bucket is full again: nothing to remember. */
  windowMs: number;
}

/**
 * Buckets in this process's memory (the default: one gateway). Idle buckets are full
 * buckets, so they are forgotten after a window; the map never grows past the callers
 * of the last window.
 */
export function memoryRateLimitStore(now: () => number = Date.now): RateLimitStore {
  const buckets = new Map<string, Held>();
  let lastSweep = now();
  const sweep = (at: number) => {
    if (at - lastSweep < 60_000) return;
    lastSweep = at;
    for (const [key, held] of buckets) if (at - held.updatedAt > held.windowMs) buckets.delete(key);
  };
  return {
    async take(wanted) {
      const at = now();
      sweep(at);
      const current = wanted.map((bucket) => {
        const held = buckets.get(bucket.key);
        return held ? tokensAt(bucket.policy, held.tokens, held.updatedAt, at) : bucket.policy.quota;
      });
      const allowed = current.every((tokens) => tokens >= 1);
      const after = current.map((tokens) => (allowed ? tokens - 1 : tokens));
      wanted.forEach((bucket, index) =>
        buckets.set(bucket.key, { tokens: after[index]!, updatedAt: at, windowMs: bucket.policy.windowSeconds * 1000 }),
      );
      return { allowed, states: wanted.map((bucket, index) => stateOf(bucket, after[index]!)) };
    },
    async close() {
      buckets.clear();
    },
  };
}
