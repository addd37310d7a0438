import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/**
 * A short-lived cache of whole answers for data that is the same for every caller with
 * the same rights (statistics, `missionReport`, reference lists; eligibility.ts decides
 * which). Keyed by the normalized document and operation name, the coerced variables,
 * the caller's rights (authentication, every scope, every policy outcome) and the
 * endpoint (internal API or external contract): two callers share an entry only when the
 * pipeline would have cut, fetched and answered exactly the same for both.
 *
 * Entries die after `ttlMs`, and at once when a mutation of a subgraph they came from is
 * forwarded (the gateway forwards every mutation; `invalidate`). Every subgraph has a
 * generation number, bumped on each invalidation; an answer is stored only if none of
 * its subgraphs changed generation while it was being fetched, so a read racing a
 * mutation never stores the state from before it. With Redis (`REDIS_URL`), an
 * invalidation is published to every gateway replica.
 *
 * Stored as JSON text and parsed per hit: no two answers share a mutable object.
 */
export interface ResponseCacheOptions {
  /** Lifetime of an entry; 0 turns the cache off. */
  ttlMs: number;
  /** Most entries kept (default 2000). */
  maxEntries?: number;
  /** Most characters of answers kept in all (default 16 million: the gateway must stay small). */
  maxChars?: number;
  /** Set: invalidations are shared with every replica through Redis pub/sub. */
  redisUrl?: string | undefined;
  /** Pub/sub channel (tests use their own on a shared server). */
  channel?: string;
}

export const DEFAULT_INVALIDATION_CHANNEL = 'mission-graph:response-cache:invalidate';
/** An answer longer than this is not kept (one big answer would push out many small ones). */
const MAX_ANSWER_CHARS = 1_000_000;

interface Entry {
  data: string;
  subgraphs: readonly string[];
}

/** The subgraph generations seen when a miss began fetching. */
export type Generations = ReadonlyMap<string, number>;

export class ResponseCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly generations = new Map<string, number>();
  private readonly origin = randomUUID();
  private readonly channel: string;
  /**
   * The two Redis connections, once ioredis is loaded: it is imported only when Redis is
   * configured, so a gateway without Redis does not hold the client's modules (about
   * 2 MiB of heap; docs/benchmarks.md, "Memory"). Every publish waits on this one
   * promise, so invalidations go out in the order they happened, none lost while loading.
   */
  private redis: Promise<{ publisher: Redis; subscriber: Redis }> | undefined;
  private subscribed: Promise<unknown> | undefined;
  /** Answers served from the cache, answers stored, invalidations (metrics, tests). */
  readonly counts = { hits: 0, stored: 0, invalidations: 0 };

  constructor(private readonly options: ResponseCacheOptions) {
    this.entries = new LRUCache<string, Entry>({
      max: options.maxEntries ?? 2000,
      maxSize: options.maxChars ?? 16_000_000,
      sizeCalculation: (entry, key) => entry.data.length + key.length + 1,
      ttl: Math.max(1, options.ttlMs),
      ttlAutopurge: false,
    });
    this.channel = options.channel ?? DEFAULT_INVALIDATION_CHANNEL;
    if (options.redisUrl && this.enabled) this.connect(options.redisUrl);
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  /** Seconds a client may keep a cached answer (`cache-control: private, max-age`). */
  get maxAgeSeconds(): number {
    return Math.floor(this.options.ttlMs / 1000);
  }

  /** A fresh copy of the cached answer's data, if any. */
  get(key: string): Record<string, unknown> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.counts.hits += 1;
    return JSON.parse(entry.data) as Record<string, unknown>;
  }

  /** Taken before fetching a miss: `set` refuses if any of these subgraphs changed since. */
  generationsOf(subgraphs: Iterable<string>): Generations {
    return new Map([...subgraphs].map((subgraph) => [subgraph, this.generations.get(subgraph) ?? 0]));
  }

  set(key: string, data: unknown, seen: Generations): void {
    for (const [subgraph, generation] of seen) {
      if ((this.generations.get(subgraph) ?? 0) !== generation) return;
    }
    const text = JSON.stringify(data);
    if (text.length > MAX_ANSWER_CHARS) return;
    this.counts.stored += 1;
    this.entries.set(key, { data: text, subgraphs: [...seen.keys()] });
  }

  /** A mutation of `subgraph` is being forwarded, or has ended: its answers are stale. Shared with every replica. */
  invalidate(subgraph: string): void {
    this.invalidateHere(subgraph);
    this.redis
      ?.then(({ publisher }) => publisher.publish(this.channel, JSON.stringify({ origin: this.origin, subgraph })))
      .catch((error: unknown) => {
        console.error('response cache: invalidation could not be published:', error);
      });
  }

  async close(): Promise<void> {
    const connections = await this.redis?.catch(() => undefined);
    connections?.publisher.disconnect();
    connections?.subscriber.disconnect();
    this.entries.clear();
  }

  private invalidateHere(subgraph: string): void {
    this.counts.invalidations += 1;
    this.generations.set(subgraph, (this.generations.get(subgraph) ?? 0) + 1);
    for (const [key, entry] of this.entries.entries()) {
      if (entry.subgraphs.includes(subgraph)) this.entries.delete(key);
    }
  }

  private connect(url: string): void {
    this.redis = import('ioredis').then(({ Redis }) => {
      const options = { maxRetriesPerRequest: 1, enableOfflineQueue: true };
      const publisher = new Redis(url, options);
      const subscriber = new Redis(url, options);
      // Connection errors surface as stale entries bounded by the TTL; they must be consumed.
      publisher.on('error', () => {});
      subscriber.on('error', () => {});
      subscriber.on('message', (channel: string, message: string) => {
        if (channel !== this.channel) return;
        try {
          const { origin, subgraph } = JSON.parse(message) as { origin?: unknown; subgraph?: unknown };
          if (origin !== this.origin && typeof subgraph === 'string') this.invalidateHere(subgraph);
        } catch {
          // Not ours: ignored.
        }
      });
      return { publisher, subscriber };
    });
    this.subscribed = this.redis
      .then(({ subscriber }) => subscriber.subscribe(this.channel))
      .catch((error: unknown) => {
        console.error('response cache: could not subscribe to invalidations:', error);
      });
  }

  /** Resolves once the invalidation channel is subscribed (tests, start-up). */
  async ready(): Promise<void> {
    await this.subscribed;
  }
}
