import { loaderOfMany, type Db, type SubgraphContext } from '@mission-graph/service-kit';
import type { schema } from './db/schema.js';
import type { AuditRuntime } from './runtime.js';

/**
 * The stores of this subgraph: the trail's own, built once per service with the trail
 * (the event store group-commits appends and tells the checkpointer about them, so the
 * resolvers and the append route must share the one instance).
 */
export function storesOf({ trail }: Pick<AuditRuntime, 'trail'>) {
  return { events: trail.events, checkpoints: trail.checkpoints };
}

export type Stores = ReturnType<typeof storesOf>;

/** Built per request: loader caches must never outlive one caller's request. */
function createLoaders(stores: Stores) {
  const { events } = stores;
  return {
    /** The OUTCOME that closed each INTENT (none or one). */
    outcomesOf: loaderOfMany((ids) => events.outcomesOf(ids), (row) => row.intentId ?? ''),
    /** The REVIEW of each break-glass event (none or one). */
    reviewsOf: loaderOfMany((ids) => events.reviewsOf(ids), (row) => row.reviewedEventId ?? ''),
  };
}

/** What every resolver of one request sees (the floor plan's one context shape). */
export type AuditContext = SubgraphContext<Db<typeof schema>, Stores, ReturnType<typeof createLoaders>>;

/** Takes the trail's stores once and, per request, builds a context with fresh loaders. */
export function contextFactory(db: Db<typeof schema>, runtime: AuditRuntime): () => Omit<AuditContext, 'caller'> {
  const stores = storesOf(runtime);
  return () => ({ db, stores, loaders: createLoaders(stores) });
}
