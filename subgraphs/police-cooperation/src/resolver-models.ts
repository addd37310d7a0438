/**
 * What each GraphQL type of this subgraph resolves from, where that is not the GraphQL
 * shape itself: the mappers of the generated resolver types (codegen.ts).
 */
import type { Connection, Period } from '@mission-graph/service-kit';
import type { ExchangeRequestTransitionRow, InformationExchangeRequestRow } from './db/schema.js';
import type { PeriodFigures, StatisticsGroup } from './stores/exchange-request-store.js';

export type InformationExchangeRequestModel = InformationExchangeRequestRow;
export type ExchangeRequestTransitionModel = ExchangeRequestTransitionRow;
export type ExchangeStatisticsGroupModel = StatisticsGroup;
export type InformationExchangeRequestConnectionModel = Connection<InformationExchangeRequestRow>;
/** A person of the forensics pillar: this pillar knows only its id. */
export type MissingPersonModel = { id: string };
export type MissionReportModel = Period;
export type PoliceCooperationFiguresModel = PeriodFigures;
