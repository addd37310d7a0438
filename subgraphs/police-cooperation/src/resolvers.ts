import {
  checkPeriod,
  periodKey,
  readPageArgs,
  requireUuid,
  scalarResolvers,
  type PageArgs,
  type Period,
} from '@mission-graph/service-kit';
import type { PoliceCooperationContext as Context } from './context.js';
import type { InformationExchangeRequestRow } from './db/schema.js';
import type { ExchangeRequestFilter } from './stores/exchange-request-store.js';

/** Sort key of the requests list: (request_date, id). */
const CURSOR_ARITY = 2;

export const resolvers = {
  ...scalarResolvers,

  Query: {
    informationExchangeRequest: (_: unknown, args: { id: string }, context: Context) =>
      context.exchangeRequests.findById(requireUuid(args.id, 'id')),

    informationExchangeRequests: (
      _: unknown,
      args: PageArgs & { filter?: ExchangeRequestFilter | null },
      context: Context,
    ) => context.exchangeRequests.list(args.filter ?? {}, readPageArgs(args, CURSOR_ARITY)),
  },

  InformationExchangeRequest: {
    __resolveReference: (reference: { id: unknown }, context: Context) =>
      context.loaders.exchangeRequestById.load(requireUuid(reference.id, 'id')),

    // The person lives in forensics: hand the gateway a reference, no SQL here.
    relatedMissingPerson: (request: InformationExchangeRequestRow) =>
      request.missingPersonId ? { __typename: 'MissingPerson', id: request.missingPersonId } : null,
  },

  MissingPerson: {
    __resolveReference: (reference: { id: unknown }) => ({ id: requireUuid(reference.id, 'id') }),

    informationExchangeRequests: (person: { id: string }, _: unknown, context: Context) =>
      context.loaders.exchangeRequestsByMissingPerson.load(person.id),
  },

  MissionReport: {
    __resolveReference: (reference: { from: unknown; to: unknown }): Period =>
      checkPeriod(reference.from, reference.to),

    policeCooperation: (report: Period, _: unknown, context: Context) =>
      context.loaders.figuresByPeriod.load(periodKey(report)),
  },
};
