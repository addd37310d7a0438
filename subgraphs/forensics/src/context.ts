import { loaderOfMany, loaderOfOne, periodKey, periodOfKey, type SubgraphContext } from '@mission-graph/service-kit';
import type { ForensicsDb } from './db/database.js';
import { createFieldOperationStore } from './stores/field-operation-store.js';
import { createGraveSiteStore } from './stores/grave-site-store.js';
import { createIdentificationStore } from './stores/identification-store.js';
import { createMissingPersonStore } from './stores/missing-person-store.js';
import { createMissionReportStore } from './stores/mission-report-store.js';
import { createMorgueReviewStore } from './stores/morgue-review-store.js';
import { createMortalRemainsStore } from './stores/mortal-remains-store.js';
import { createRemainsHandoverStore } from './stores/remains-handover-store.js';
import { createStatisticsStore } from './stores/statistics-store.js';

/** The stores of this subgraph; stateless, so built once per service. */
export function createStores(db: ForensicsDb) {
  return {
    missingPersons: createMissingPersonStore(db),
    graveSites: createGraveSiteStore(db),
    fieldOperations: createFieldOperationStore(db),
    mortalRemains: createMortalRemainsStore(db),
    morgueReviews: createMorgueReviewStore(db),
    identifications: createIdentificationStore(db),
    remainsHandovers: createRemainsHandoverStore(db),
    missionReport: createMissionReportStore(db),
    statistics: createStatisticsStore(db),
  };
}

export type Stores = ReturnType<typeof createStores>;

/**
 * Per-request loaders: each batches the lookups of one request into one SQL statement,
 * and its cache must not outlive the caller it was filled for.
 */
function createLoaders(stores: Stores) {
  return {
    missingPerson: loaderOfOne('MissingPerson', stores.missingPersons.byIds, (row) => row.id),
    graveSite: loaderOfOne('GraveSite', stores.graveSites.byIds, (row) => row.id),
    fieldOperation: loaderOfOne('FieldOperation', stores.fieldOperations.byIds, (row) => row.id),
    mortalRemains: loaderOfOne('MortalRemains', stores.mortalRemains.byIds, (row) => row.id),
    morgueReview: loaderOfOne('MorgueReview', stores.morgueReviews.byIds, (row) => row.id),
    identification: loaderOfOne('Identification', stores.identifications.byIds, (row) => row.id),
    fieldOperationsBySite: loaderOfMany(stores.fieldOperations.bySiteIds, (row) => row.siteId),
    identificationsByRemains: loaderOfMany(stores.identifications.byRemainsIds, (row) => row.remainsId),
    identificationsByMissingPerson: loaderOfMany(stores.identifications.byMissingPersonIds, (row) => row.missingPersonId),
    remainsByOperation: loaderOfMany(stores.mortalRemains.byOperationIds, (row) => row.recoveredByOperationId),
    morgueReviewsByRemains: loaderOfMany(stores.morgueReviews.byRemainsIds, (row) => row.remainsId),
    /** The handover of each set of remains (at most one: UNIQUE). */
    handoversByRemains: loaderOfMany(stores.remainsHandovers.byRemainsIds, (row) => row.remainsId),
    figuresByPeriod: loaderOfOne('MissionReport', (keys) => stores.missionReport.figuresForPeriods(keys.map(periodOfKey)), periodKey),
  };
}

/** What every resolver of one request sees (the floor plan's one context shape). */
export type ForensicsContext = SubgraphContext<ForensicsDb, Stores, ReturnType<typeof createLoaders>>;

/** Builds the stores once and, per request, a context with fresh loaders. */
export function contextFactory(db: ForensicsDb): () => Omit<ForensicsContext, 'caller'> {
  const stores = createStores(db);
  return () => ({ db, stores, loaders: createLoaders(stores) });
}
