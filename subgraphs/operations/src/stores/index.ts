import type { OperationsDb } from '../db/schema.js';
import { DEFAULT_SHIFT_PATTERN, type ShiftPattern } from '../domain/shift-pattern.js';
import { createDeploymentStore } from './deployment-store.js';
import { createEngagementRequestStore } from './engagement-request-store.js';
import { createExerciseStore } from './exercise-store.js';
import { createFormedPoliceUnitStore } from './formed-police-unit-store.js';
import { createIncidentStore } from './incident-store.js';
import { createMissionFiguresStore } from './mission-figures-store.js';
import { createOfficerStore } from './officer-store.js';
import { createPatrolStore } from './patrol-store.js';
import { createSecurityResponderStore } from './security-responder-store.js';

/** The stores of this subgraph; stateless, so built once per service. */
export function createStores(db: OperationsDb, shiftPattern: ShiftPattern = DEFAULT_SHIFT_PATTERN) {
  return {
    responders: createSecurityResponderStore(db),
    unit: createFormedPoliceUnitStore(db),
    officers: createOfficerStore(db),
    incidents: createIncidentStore(db),
    engagementRequests: createEngagementRequestStore(db),
    deployments: createDeploymentStore(db),
    patrols: createPatrolStore(db, shiftPattern),
    exercises: createExerciseStore(db),
    missionFigures: createMissionFiguresStore(db),
  };
}

export type Stores = ReturnType<typeof createStores>;
