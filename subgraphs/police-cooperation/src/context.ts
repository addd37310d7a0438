import { loaderOfMany, loaderOfOne, periodKey, periodOfKey, type Db, type SubgraphContext } from '@mission-graph/service-kit';
import type { schema } from './db/schema.js';
import { createExchangeRequestStore } from './stores/exchange-request-store.js';

/** The stores of this subgraph; stateless, so built once per service. */
export function createStores(db: Db<typeof schema>) {
  return { exchangeRequests: createExchangeRequestStore(db) };
}

export type Stores = ReturnType<typeof createStores>;

/** Built per request: loader caches must never outlive one caller's request. */
function createLoaders(stores: Stores) {
  const { exchangeRequests } = stores;
  return {
    exchangeRequestById: loaderOfOne('InformationExchangeRequest', (ids) => exchangeRequests.byIds(ids), (row) => row.id),
    exchangeRequestsByMissingPerson: loaderOfMany(
      (ids) => exchangeRequests.byMissingPersonIds(ids),
      (row) => row.missingPersonId ?? '',
    ),
    /** The history of each request, oldest step first. */
    historyByRequest: loaderOfMany((ids) => exchangeRequests.historyOf(ids), (row) => row.requestId),
    /** Keyed by `from|to` (see periodKey). */
    figuresByPeriod: loaderOfOne(
      'PoliceCooperationFigures',
      (keys) => exchangeRequests.figuresForPeriods(keys.map(periodOfKey)),
      periodKey,
    ),
  };
}

/** What every resolver of one request sees (the floor plan's one context shape). */
export type PoliceCooperationContext = SubgraphContext<Db<typeof schema>, Stores, ReturnType<typeof createLoaders>>;

/** Builds the stores once and, per request, a context with fresh loaders. */
export function contextFactory(db: Db<typeof schema>): () => Omit<PoliceCooperationContext, 'caller'> {
  const stores = createStores(db);
  return () => ({ db, stores, loaders: createLoaders(stores) });
}
