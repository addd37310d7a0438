import {
  checkPeriod,
  type CallerContext,
  periodKey,
  readPageArgs,
  requireDate,
  requireUuid,
  scalarResolvers,
  type PageArgs,
  type Period,
} from '@mission-graph/service-kit';
import type { PoliceCooperationContext } from './context.js';
import type { ExchangeRequestStatus, InformationExchangeRequestRow } from './db/schema.js';
import {
  checkIdempotencyKey,
  checkRecordInput,
  type RecordExchangeRequestInput,
} from './domain/exchange-request-input.js';
import { checkStatisticsQuery, protectChannelFigures, protectExchangeStatistics } from './domain/exchange-statistics.js';
import { mayRelease, releasableHandlingCodes } from './domain/external-release.js';
import type { ExchangeRequestFilter } from './stores/exchange-request-store.js';

type Context = PoliceCooperationContext & CallerContext;

/** Sort key of the requests list: (request_date, id). */
const CURSOR_ARITY = 2;

export const resolvers = {
  ...scalarResolvers,

  /** GraphQL names of the accuracy grades; the database keeps the manual's digits. */
  InformationAccuracy: {
    NOT_IN_DOUBT: '1',
    KNOWN_TO_SOURCE: '2',
    CORROBORATED: '3',
    NOT_CORROBORATED: '4',
  },

  Mutation: {
    recordExchangeRequest: async (
      _: unknown,
      args: { input: RecordExchangeRequestInput; idempotencyKey?: string | null },
      context: Context,
    ) => {
      const request = checkRecordInput(args.input);
      const key = checkIdempotencyKey(args.idempotencyKey);
      // Keys are per client: two machine clients never collide on the same key.
      const client = context.caller.clientId ?? context.caller.subject ?? 'anonymous';
      return { request: await context.exchangeRequests.record(request, key ? { client, key } : null) };
    },

    transitionExchangeRequest: async (
      _: unknown,
      args: { input: { id: string; status: ExchangeRequestStatus; occurredOn: string } },
      context: Context,
    ) => {
      const id = requireUuid(args.input.id, 'input.id');
      const occurredOn = requireDate(args.input.occurredOn, 'input.occurredOn');
      return { request: await context.exchangeRequests.transition(id, args.input.status, occurredOn) };
    },
  },

  Query: {
    exchangeStatistics: async (
      _: unknown,
      args: { from: string; to: string; groupBy?: readonly string[] | null },
      context: Context,
    ) => {
      const query = checkStatisticsQuery(args.from, args.to, args.groupBy);
      const groups = await context.exchangeRequests.statistics(query);
      return { ...query, groups: protectExchangeStatistics(context.caller, groups, query.groupBy) };
    },

    informationExchangeRequest: async (_: unknown, args: { id: string }, context: Context) => {
      const request = await context.exchangeRequests.findById(requireUuid(args.id, 'id'));
      // A request that may not leave is answered as one that does not exist.
      return request && mayRelease(context.caller, request) ? request : null;
    },

    informationExchangeRequests: (
      _: unknown,
      args: PageArgs & { filter?: ExchangeRequestFilter | null },
      context: Context,
    ) =>
      context.exchangeRequests.list(
        { ...args.filter, handlingCodes: releasableHandlingCodes(context.caller) },
        readPageArgs(args, CURSOR_ARITY),
      ),
  },

  InformationExchangeRequest: {
    __resolveReference: (reference: { id: unknown }, context: Context) =>
      context.loaders.exchangeRequestById.load(requireUuid(reference.id, 'id')),

    // The person lives in forensics: hand the gateway a reference, no SQL here.
    relatedMissingPerson: (request: InformationExchangeRequestRow) =>
      request.missingPersonId ? { __typename: 'MissingPerson', id: request.missingPersonId } : null,

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
