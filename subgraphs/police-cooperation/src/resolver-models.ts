/**
 * What each GraphQL type of this subgraph resolves from, where that is not the GraphQL
 * shape itself: the mappers of the generated resolver types (codegen.ts).
 */
import type { Connection, Period, Protected } from '@mission-graph/service-kit';
import type { ExchangeRequestTransitionRow, InformationExchangeRequestRow } from './db/schema.js';
import type { PeriodFigures, StatisticsGroup } from './stores/exchange-request-store.js';

export type InformationExchangeRequestModel = InformationExchangeRequestRow;
export type ExchangeRequestTransitionModel = ExchangeRequestTransitionRow;
/** Small counts withheld on the external contract (domain/exchange-statistics.ts). */
export type ExchangeStatisticsGroupModel = Protected<StatisticsGroup, 'requests' | 'answered' | 'medianDaysToAnswer'>;
export type InformationExchangeRequestConnectionModel = Connection<InformationExchangeRequestRow>;
/** A person of the forensics pillar: this pillar knows only its id. */
export type MissingPersonModel = { id: string };
export type MissionReportModel = Period;
export type PoliceCooperationFiguresModel = Protected<PeriodFigures, 'europolRequests' | 'serbianMoiRequests' | 'interpolRequests'>;
