import { loaderOfMany, loaderOfOne, periodKey, periodOfKey, type SubgraphContext } from '@mission-graph/service-kit';
import type { OperationsDb, SecurityResponderCode } from './db/schema.js';
import type { ShiftPattern } from './domain/shift-pattern.js';
import { createStores, type Stores } from './stores/index.js';

/**
 * Per-request context. Loaders are built per request so their caches never outlive
 * (or leak across) a request; each batch of keys becomes one SQL statement.
 */
export type OperationsContext = SubgraphContext<OperationsDb, Stores, Loaders>;

export type Loaders = ReturnType<typeof createLoaders>;

function createLoaders(stores: Stores) {
  return {
    responder: loaderOfOne(
      'SecurityResponder',
      (codes: readonly SecurityResponderCode[]) => stores.responders.byCodes(codes),
      (row) => row.code,
    ),
    incident: loaderOfOne('Incident', (ids) => stores.incidents.byIds(ids), (row) => row.id),
    engagementRequest: loaderOfOne(
      'EngagementRequest',
      (ids) => stores.engagementRequests.byIds(ids),
      (row) => row.id,
    ),
    deployment: loaderOfOne('Deployment', (ids) => stores.deployments.byIds(ids), (row) => row.id),
    patrol: loaderOfOne('Patrol', (ids) => stores.patrols.byIds(ids), (row) => row.id),
    engagementRequestsOfIncident: loaderOfMany(
      (ids: readonly string[]) => stores.engagementRequests.byIncidentIds(ids),
      (row) => row.incidentId,
    ),
    deploymentsOfIncident: loaderOfMany(
      (ids: readonly string[]) => stores.deployments.byIncidentIds(ids),
      (row) => row.incidentId,
    ),
    timelineOfIncident: loaderOfMany(
      (ids: readonly string[]) => stores.incidents.timelines(ids),
      (row) => row.incidentId,
    ),
    officersOfDeployment: loaderOfMany(
      (ids: readonly string[]) => stores.deployments.officersOf(ids),
      (row) => row.deploymentId,
    ),
    participantsOfExercise: loaderOfMany(
      (ids: readonly string[]) => stores.exercises.participantsOf(ids),
      (row) => row.exerciseId,
    ),
    operationsFigures: loaderOfOne(
      'OperationsFigures',
      (keys: readonly string[]) => stores.missionFigures.forPeriods(keys.map(periodOfKey)),
      periodKey,
    ),
  };
}

/** Builds the stores once (with the patrol shift pattern this service runs) and, per request, a context with fresh loaders. */
export function contextFactory(db: OperationsDb, shiftPattern: ShiftPattern): () => Omit<OperationsContext, 'caller'> {
  const stores = createStores(db, shiftPattern);
  return () => ({ db, stores, loaders: createLoaders(stores) });
}
