import type DataLoader from 'dataloader';
import { loaderOfMany, loaderOfOne, periodKey, periodOfKey } from '@mission-graph/service-kit';
import type { ExchangeRequestTransitionRow, InformationExchangeRequestRow } from './db/schema.js';
import type { ExchangeRequestStore, PeriodFigures } from './stores/exchange-request-store.js';

/** What every resolver of one request sees. */
export interface PoliceCooperationContext {
  exchangeRequests: ExchangeRequestStore;
  loaders: {
    exchangeRequestById: DataLoader<string, InformationExchangeRequestRow>;
    exchangeRequestsByMissingPerson: DataLoader<string, InformationExchangeRequestRow[]>;
    /** The history of each request, oldest step first. */
    historyByRequest: DataLoader<string, ExchangeRequestTransitionRow[]>;
    /** Keyed by `from|to` (see periodKey). */
    figuresByPeriod: DataLoader<string, PeriodFigures>;
  };
}

/** Built per request: loader caches must never outlive one caller's request. */
export function createContext(exchangeRequests: ExchangeRequestStore): PoliceCooperationContext {
  return {
    exchangeRequests,
    loaders: {
      exchangeRequestById: loaderOfOne('InformationExchangeRequest', (ids) => exchangeRequests.byIds(ids), (row) => row.id),
      exchangeRequestsByMissingPerson: loaderOfMany(
        (ids) => exchangeRequests.byMissingPersonIds(ids),
        (row) => row.missingPersonId ?? '',
      ),
      historyByRequest: loaderOfMany(
        (ids) => exchangeRequests.historyOf(ids),
        (row) => row.requestId,
      ),
      figuresByPeriod: loaderOfOne(
        'PoliceCooperationFigures',
        (keys) => exchangeRequests.figuresForPeriods(keys.map(periodOfKey)),
        periodKey,
      ),
    },
  };
}
