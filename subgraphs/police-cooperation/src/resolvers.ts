import {
  checkPeriod,
  idempotentCall,
  periodKey,
  reportChanged,
  requireDate,
  requireUuid,
  scalarResolvers,
  type PageArgs,
  type Period,
} from '@mission-graph/service-kit';
import type { PoliceCooperationContext } from './context.js';
import type { Resolvers } from './generated/resolvers.js';
import type { ExchangeRequestStatus, InformationExchangeRequestRow } from './db/schema.js';
import {
  checkRecordInput,
  type RecordExchangeRequestInput,
} from './domain/exchange-request-input.js';
import { checkStatisticsQuery, protectChannelFigures, protectExchangeStatistics } from './domain/exchange-statistics.js';
import { mayRelease, releasableHandlingCodes } from './domain/external-release.js';
import { ACCURACY_NAME } from './domain/information-accuracy.js';
import type { ExchangeRequestFilter } from './stores/exchange-request-store.js';

type Context = PoliceCooperationContext;

export const resolvers: Resolvers = {
  ...scalarResolvers,

  Mutation: {
    recordExchangeRequest: async (
      _: unknown,
      args: { input: RecordExchangeRequestInput; idempotencyKey?: string | null },
      context: Context,
    ) => {
      const request = checkRecordInput(args.input);
      const call = idempotentCall('recordExchangeRequest', args.idempotencyKey, context.caller, request);
      const recorded = await context.stores.exchangeRequests.record(request, call);
      reportChanged(context, { type: 'InformationExchangeRequest', id: recorded.id });
      return { request: recorded };
    },

    transitionExchangeRequest: async (
      _: unknown,
      args: { input: { id: string; status: ExchangeRequestStatus; occurredOn: string } },
      context: Context,
    ) => {
      const id = requireUuid(args.input.id, 'input.id');
      const occurredOn = requireDate(args.input.occurredOn, 'input.occurredOn');
      const request = await context.stores.exchangeRequests.transition(id, args.input.status, occurredOn);
      reportChanged(context, { type: 'InformationExchangeRequest', id: request.id });
      return { request };
    },
  },

  Query: {
    exchangeStatistics: async (
      _: unknown,
      args: { from: string; to: string; groupBy?: readonly string[] | null },
      context: Context,
    ) => {
      const query = checkStatisticsQuery(args.from, args.to, args.groupBy);
      const groups = await context.stores.exchangeRequests.statistics(query);
      // Through the external contract, small counts are withheld (domain/exchange-statistics.ts).
      return { ...query, groups: protectExchangeStatistics(context.caller, groups, query.groupBy) };
    },

    informationExchangeRequest: async (_: unknown, args: { id: string }, context: Context) => {
      const request = await context.stores.exchangeRequests.findById(requireUuid(args.id, 'id'));
      // A request that may not leave is answered as one that does not exist.
      return request && mayRelease(context.caller, request) ? request : null;
    },

    informationExchangeRequests: (
      _: unknown,
      args: PageArgs & { filter?: ExchangeRequestFilter | null },
      context: Context,
    ) =>
      // Pages and totals of external callers hold H0/H1 requests only (domain/external-release.ts).
      context.stores.exchangeRequests.connection({ ...args.filter, handlingCodes: releasableHandlingCodes(context.caller) }, args),
  },

  InformationExchangeRequest: {
    __resolveReference: (reference: { id: unknown }, context: Context) =>
      context.loaders.exchangeRequestById.load(requireUuid(reference.id, 'id')),

    // The person lives in forensics: hand the gateway a reference, no SQL here.
    relatedMissingPerson: (request: InformationExchangeRequestRow) =>
      request.missingPersonId ? { __typename: 'MissingPerson', id: request.missingPersonId } : null,

    informationAccuracy: (request: InformationExchangeRequestRow) => ACCURACY_NAME[request.informationAccuracy],

    evaluationCode: (request: InformationExchangeRequestRow) =>
      `${request.sourceReliability}${request.informationAccuracy}`,

    history: (request: InformationExchangeRequestRow, _: unknown, context: Context) =>
      context.loaders.historyByRequest.load(request.id),
  },

  MissingPerson: {
    __resolveReference: (reference: { id: unknown }) => ({ id: requireUuid(reference.id, 'id') }),

    informationExchangeRequests: (person: { id: string }, _: unknown, context: Context) =>
      context.loaders.exchangeRequestsByMissingPerson.load(person.id),
  },

  MissionReport: {
    __resolveReference: (reference: { from: unknown; to: unknown }): Period =>
      checkPeriod(reference.from, reference.to),

    policeCooperation: async (report: Period, _: unknown, context: Context) =>
      protectChannelFigures(context.caller, await context.loaders.figuresByPeriod.load(periodKey(report))),
  },
};
