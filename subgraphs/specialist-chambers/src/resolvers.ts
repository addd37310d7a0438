import {
  checkPeriod,
  checkPeriodBounds,
  FILTER_PERIOD_ARGUMENTS,
  periodKey,
  readPageArgs,
  requireUuid,
  scalarResolvers,
  toConnection,
  type CursorKey,
  type PageArgs,
  type PageRequest,
  type Period,
} from '@mission-graph/service-kit';
import type { SpecialistChambersContext as Context } from './context.js';
import { witnessHistory, type WitnessEventRow } from './domain/witness-history.js';
import type { ProtectedWitnessFilter, ProtectedWitnessRow } from './stores/protected-witness-store.js';
import type { SupportRequestFilter, SupportRequestRow } from './stores/support-request-store.js';

interface ListArgs<Filter> extends PageArgs {
  filter?: Filter | null;
}

/** An entity representation as the gateway sends it: unchecked JSON. */
type Representation = Record<string, unknown>;

/** Both lists sort by `(date desc, id desc)`: a cursor has two parts. */
const DATE_ID_CURSOR_ARITY = 2;

async function connectionOf<Filter, Row>(
  store: { list(filter: Filter, page: PageRequest): Promise<Row[]>; count(filter: Filter): Promise<number> },
  filter: Filter,
  args: PageArgs,
  cursorKeyOf: (row: Row) => CursorKey,
) {
  const page = readPageArgs(args, DATE_ID_CURSOR_ARITY);
  const rows = await store.list(filter, page);
  return toConnection(rows, page, cursorKeyOf, () => store.count(filter));
}

export const resolvers = {
  ...scalarResolvers,

  Query: {
    supportRequest: (_: unknown, args: { id: string }, { loaders }: Context) =>
      loaders.supportRequestById.load(requireUuid(args.id, 'id')),

    supportRequests: (_: unknown, args: ListArgs<SupportRequestFilter>, { stores }: Context) => {
      const filter = args.filter ?? {};
      checkPeriodBounds(filter.from, filter.to, FILTER_PERIOD_ARGUMENTS);
      return connectionOf(stores.supportRequests, filter, args, (row) => [row.requestedOn, row.id]);
    },

    protectedWitness: (_: unknown, args: { id: string }, { loaders }: Context) =>
      loaders.protectedWitnessById.load(requireUuid(args.id, 'id')),

    protectedWitnesses: (_: unknown, args: ListArgs<ProtectedWitnessFilter>, { stores }: Context) =>
      connectionOf(stores.protectedWitnesses, args.filter ?? {}, args, (row) => [row.referredOn, row.id]),
  },

  // References resolve asynchronously so that one bad representation fails alone,
  // not the whole `_entities` batch.
  MissionReport: {
    __resolveReference: async (representation: Representation): Promise<Period> =>
      checkPeriod(representation.from, representation.to),
    specialistChambers: (report: Period, _: unknown, { loaders }: Context) =>
      loaders.figuresByPeriod.load(periodKey(report)),
  },

  SupportRequest: {
    __resolveReference: async (representation: Representation, { loaders }: Context): Promise<SupportRequestRow> =>
      loaders.supportRequestById.load(requireUuid(representation.id, 'id')),
  },

  ProtectedWitness: {
    __resolveReference: async (representation: Representation, { loaders }: Context): Promise<ProtectedWitnessRow> =>
      loaders.protectedWitnessById.load(requireUuid(representation.id, 'id')),
    identity: (witness: ProtectedWitnessRow, _: unknown, { loaders }: Context) =>
      loaders.witnessIdentityByWitnessId.load(witness.id),
    history: async (witness: ProtectedWitnessRow, _: unknown, { loaders }: Context): Promise<WitnessEventRow[]> => {
      const [assessments, relocations] = await Promise.all([
        loaders.threatAssessmentsByWitnessId.load(witness.id),
        loaders.relocationsByWitnessId.load(witness.id),
      ]);
      return witnessHistory(assessments, relocations);
    },
  },

  WitnessEvent: {
    __resolveType: (event: WitnessEventRow) => event.__typename,
  },
};
