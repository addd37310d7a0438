/**
 * What each GraphQL type of this subgraph resolves from, where that is not the GraphQL
 * shape itself: the mappers of the generated resolver types (codegen.ts).
 */
import type { Connection, Period, Protected } from '@mission-graph/service-kit';
import type {
  ProtectedWitnessRow,
  RelocationRow,
  SupportRequestRow,
  SupportRequestTransitionRow,
  ThreatAssessmentRow,
  WitnessIdentityRow,
} from './db/schema.js';
import type { WitnessEventRow } from './domain/witness-history.js';
import type { AssignmentEventRow, AssignmentRow } from './stores/protection-officer-store.js';
import type { SupportRequestFigures } from './stores/support-request-store.js';

export type SupportRequestModel = SupportRequestRow;
export type SupportRequestTransitionModel = SupportRequestTransitionRow;
export type ProtectedWitnessModel = ProtectedWitnessRow;
export type WitnessIdentityModel = WitnessIdentityRow;
export type ThreatAssessmentModel = ThreatAssessmentRow;
export type RelocationModel = RelocationRow;
export type WitnessEventModel = WitnessEventRow;
export type ProtectionOfficerAssignmentModel = AssignmentRow;
export type ProtectionOfficerAssignmentStepModel = AssignmentEventRow;
export type SupportRequestConnectionModel = Connection<SupportRequestRow>;
export type ProtectedWitnessConnectionModel = Connection<ProtectedWitnessRow>;
export type ProtectionOfficerAssignmentConnectionModel = Connection<AssignmentRow>;
/** A deployment of the operations pillar: this pillar knows only its id. */
export type DeploymentModel = { __typename: 'Deployment'; id: string };
export type MissionReportModel = Period;
/** A small count withheld on the external contract (domain/mission-figures.ts). */
export type SpecialistChambersFiguresModel = Protected<SupportRequestFigures, 'supportRequests'>;
