/**
 * What each GraphQL type of this subgraph resolves from, where that is not the GraphQL
 * shape itself: the mappers of the generated resolver types (codegen.ts). A connection
 * is the kit's, whose `totalCount` is counted only when selected.
 */
import type { Connection, Period, Protected } from '@mission-graph/service-kit';
import type {
  FieldOperationRow,
  GraveSiteRow,
  IdentificationRow,
  MissingPersonRow,
  MorgueReviewRow,
  MortalRemainsRow,
  RemainsHandoverRow,
} from './db/schema.js';
import type { ForensicsFigures } from './stores/mission-report-store.js';

export type MissingPersonModel = MissingPersonRow;
export type GraveSiteModel = GraveSiteRow;
export type FieldOperationModel = FieldOperationRow;
export type MortalRemainsModel = MortalRemainsRow;
export type MorgueReviewModel = MorgueReviewRow;
export type IdentificationModel = IdentificationRow;
export type RemainsHandoverModel = RemainsHandoverRow;
export type MissingPersonConnectionModel = Connection<MissingPersonRow>;
export type GraveSiteConnectionModel = Connection<GraveSiteRow>;
export type FieldOperationConnectionModel = Connection<FieldOperationRow>;
export type MortalRemainsConnectionModel = Connection<MortalRemainsRow>;
export type IdentificationConnectionModel = Connection<IdentificationRow>;
export type MissionReportModel = Period;
/** Small counts withheld on the external contract (domain/statistics.ts). */
export type ForensicsFiguresModel = Protected<ForensicsFigures, 'fieldOperations' | 'exhumations' | 'individualsIdentified' | 'missingPersonsIdentified'>;
