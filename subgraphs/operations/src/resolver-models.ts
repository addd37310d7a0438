/**
 * What each GraphQL type of this subgraph resolves from, where that is not the GraphQL
 * shape itself: the mappers of the generated resolver types (codegen.ts).
 */
import type { Connection, Period, Protected } from '@mission-graph/service-kit';
import type { DeploymentRow, EngagementRequestRow, ExerciseRow, IncidentRow, OfficerRow, PatrolRow, SecurityResponderRow } from './db/schema.js';
import type { FormedPoliceUnitRow } from './stores/formed-police-unit-store.js';
import type { IncidentEventRow } from './stores/incident-events.js';
import type { OperationsFiguresRow } from './stores/mission-figures-store.js';
import type { PatrolCoverageRow } from './stores/patrol-store.js';

export type SecurityResponderModel = SecurityResponderRow;
export type FormedPoliceUnitModel = FormedPoliceUnitRow;
export type OfficerModel = OfficerRow;
export type IncidentModel = IncidentRow;
export type IncidentEventModel = IncidentEventRow;
export type EngagementRequestModel = EngagementRequestRow;
export type DeploymentModel = DeploymentRow;
export type PatrolModel = PatrolRow;
export type PatrolCoverageModel = PatrolCoverageRow;
export type ExerciseModel = ExerciseRow;
export type OfficerConnectionModel = Connection<OfficerRow>;
export type IncidentConnectionModel = Connection<IncidentRow>;
export type DeploymentConnectionModel = Connection<DeploymentRow>;
export type PatrolConnectionModel = Connection<PatrolRow>;
export type ExerciseConnectionModel = Connection<ExerciseRow>;
export type MissionReportModel = Period;
/** Small counts withheld on the external contract (domain/mission-figures.ts). */
export type OperationsFiguresModel = Protected<OperationsFiguresRow, 'patrols' | 'exercises' | 'deployments'>;
