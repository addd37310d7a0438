import { loaderOfMany, loaderOfOne, periodKey, periodOfKey } from '@mission-graph/service-kit';
import type { ForensicsDb } from './db/database.js';
import { fieldOperationsByIds, fieldOperationsBySiteIds } from './stores/field-operation-store.js';
import { graveSitesByIds } from './stores/grave-site-store.js';
import {
  identificationsByIds,
  identificationsByMissingPersonIds,
  identificationsByRemainsIds,
} from './stores/identification-store.js';
import { figuresForPeriods } from './stores/mission-report-store.js';
import { missingPersonsByIds } from './stores/missing-person-store.js';
import { morgueReviewsByIds, morgueReviewsByRemainsIds } from './stores/morgue-review-store.js';
import { handoversByRemainsIds } from './stores/remains-handover-store.js';
import { mortalRemainsByIds, mortalRemainsByOperationIds } from './stores/mortal-remains-store.js';

/**
 * Per-request context. Loaders are built here for every request, never shared: each
 * batches the lookups of one request into one SQL statement, and its cache must not
 * outlive the caller it was filled for.
 */
export interface ForensicsContext {
  db: ForensicsDb;
  loaders: ReturnType<typeof createLoaders>;
}

function createLoaders(db: ForensicsDb) {
  return {
    missingPerson: loaderOfOne('MissingPerson', (ids) => missingPersonsByIds(db, ids), (row) => row.id),
    graveSite: loaderOfOne('GraveSite', (ids) => graveSitesByIds(db, ids), (row) => row.id),
    fieldOperation: loaderOfOne('FieldOperation', (ids) => fieldOperationsByIds(db, ids), (row) => row.id),
    mortalRemains: loaderOfOne('MortalRemains', (ids) => mortalRemainsByIds(db, ids), (row) => row.id),
    fieldOperationsBySite: loaderOfMany(
      (siteIds) => fieldOperationsBySiteIds(db, siteIds),
      (row) => row.siteId,
    ),
    identificationsByRemains: loaderOfMany(
      (remainsIds) => identificationsByRemainsIds(db, remainsIds),
      (row) => row.remainsId,
    ),
    identificationsByMissingPerson: loaderOfMany(
      (personIds) => identificationsByMissingPersonIds(db, personIds),
      (row) => row.missingPersonId,
    ),
    remainsByOperation: loaderOfMany(
      (operationIds) => mortalRemainsByOperationIds(db, operationIds),
      (row) => row.recoveredByOperationId,
    ),
    morgueReview: loaderOfOne('MorgueReview', (ids) => morgueReviewsByIds(db, ids), (row) => row.id),
    identification: loaderOfOne('Identification', (ids) => identificationsByIds(db, ids), (row) => row.id),
    /** The handover of each set of remains (at most one: UNIQUE). */
    handoversByRemains: loaderOfMany((remainsIds) => handoversByRemainsIds(db, remainsIds), (row) => row.remainsId),
    morgueReviewsByRemains: loaderOfMany(
      (remainsIds) => morgueReviewsByRemainsIds(db, remainsIds),
      (row) => row.remainsId,
    ),
    figuresByPeriod: loaderOfOne(
      'MissionReport',
      (keys) => figuresForPeriods(db, keys.map(periodOfKey)),
      periodKey,
    ),
  };
}

export function createContext(db: ForensicsDb): ForensicsContext {
  return { db, loaders: createLoaders(db) };
}
