import type { OperationsDb } from '../db/schema.js';
import { deploymentStore } from './deployment-store.js';
import { engagementRequestStore } from './engagement-request-store.js';
import { exerciseStore } from './exercise-store.js';
import { formedPoliceUnitStore } from './formed-police-unit-store.js';
import { incidentStore } from './incident-store.js';
import { missionFiguresStore } from './mission-figures-store.js';
import { officerStore } from './officer-store.js';
import { patrolStore } from './patrol-store.js';
import { securityResponderStore } from './security-responder-store.js';

/** The stores of this subgraph; stateless, so built once per service. */
export function createStores(db: OperationsDb) {
  return {
    responders: securityResponderStore(db),
    unit: formedPoliceUnitStore(db),
    officers: officerStore(db),
    incidents: incidentStore(db),
    engagementRequests: engagementRequestStore(db),
    deployments: deploymentStore(db),
    patrols: patrolStore(db),
    exercises: exerciseStore(db),
    missionFigures: missionFiguresStore(db),
  };
}

export type Stores = ReturnType<typeof createStores>;
