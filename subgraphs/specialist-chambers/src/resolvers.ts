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
import type { ResolverContext as Context } from './context.js';
import { mayKnow, needToKnowError, witnessAccessBasis, type WitnessAccessBasis } from './domain/need-to-know.js';
import {
  checkNote,
  checkSubmission,
  type SubmitSupportRequestInput,
} from './domain/support-request-workflow.js';
import { witnessHistory, type WitnessEventRow } from './domain/witness-history.js';
import {
  checkAssessmentSummary,
  checkOfficerSubject,
  checkReferral,
  type ReferWitnessInput,
} from './domain/witness-programme.js';
import type { ProtectedWitnessFilter, ProtectedWitnessRow } from './stores/protected-witness-store.js';
import type { SupportRequestFilter, SupportRequestRow } from './stores/support-request-store.js';
import type { ThreatAssessmentRow } from './stores/threat-assessment-store.js';
import { protectChambersFigures } from './domain/mission-figures.js';

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

async function accessBasisOf(witness: ProtectedWitnessRow, { loaders, caller }: Context): Promise<WitnessAccessBasis> {
  const officers = await loaders.officersByWitnessId.load(witness.id);
  return witnessAccessBasis(caller, officers.map((row) => row.officerSubject));
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

  Mutation: {
    submitSupportRequest: async (_: unknown, { input }: { input: SubmitSupportRequestInput }, { stores }: Context) => ({
      supportRequest: await stores.supportRequests.submit(checkSubmission(input)),
    }),

    transitionSupportRequest: async (
      _: unknown,
      { input }: { input: { id: string; status: SupportRequestRow['status']; note?: string | null; deploymentId?: string | null } },
      { stores }: Context,
    ) => ({
      supportRequest: await stores.supportRequests.transition({
        id: requireUuid(input.id, 'input.id'),
        status: input.status,
        note: checkNote(input.note, 'input.note'),
        ...(input.deploymentId !== undefined ? { deploymentId: input.deploymentId } : {}),
      }),
    }),

    referWitness: async (_: unknown, { input }: { input: ReferWitnessInput }, { stores }: Context) => ({
      protectedWitness: await stores.protectedWitnesses.refer(checkReferral(input)),
    }),

    recordThreatAssessment: async (
      _: unknown,
      { input }: { input: { witnessId: string; occurredOn: string; riskLevel: ThreatAssessmentRow['riskLevel']; summary: string } },
      { stores }: Context,
    ) => {
      const { witness, assessment } = await stores.threatAssessments.record({
        witnessId: requireUuid(input.witnessId, 'input.witnessId'),
        occurredOn: input.occurredOn,
        riskLevel: input.riskLevel,
        summary: checkAssessmentSummary(input.summary),
      });
      return { protectedWitness: witness, threatAssessment: assessment };
    },

    transitionWitness: async (
      _: unknown,
      { input }: { input: { witnessId: string; status: ProtectedWitnessRow['status'] } },
      { stores }: Context,
    ) => ({
      protectedWitness: await stores.protectedWitnesses.transition(requireUuid(input.witnessId, 'input.witnessId'), input.status),
    }),

    recordRelocation: async (
      _: unknown,
      { input }: { input: { witnessId: string; occurredOn: string; toLocation: string } },
      { stores, caller }: Context,
    ) => ({
      protectedWitness: await stores.relocations.record(
        { witnessId: requireUuid(input.witnessId, 'input.witnessId'), occurredOn: input.occurredOn, toLocation: input.toLocation },
        caller,
      ),
    }),

    assignProtectionOfficer: async (
      _: unknown,
      { input }: { input: { witnessId: string; officer: string } },
      { stores }: Context,
    ) => ({
      protectedWitness: await stores.protectionOfficers.assign(
        requireUuid(input.witnessId, 'input.witnessId'),
        checkOfficerSubject(input.officer),
      ),
    }),
  },

  // References resolve asynchronously so that one bad representation fails alone,
  // not the whole `_entities` batch.
  MissionReport: {
    __resolveReference: async (representation: Representation): Promise<Period> =>
      checkPeriod(representation.from, representation.to),
    specialistChambers: async (report: Period, _: unknown, { loaders, caller }: Context) =>
      protectChambersFigures(caller, await loaders.figuresByPeriod.load(periodKey(report))),
  },

  SupportRequest: {
    __resolveReference: async (representation: Representation, { loaders }: Context): Promise<SupportRequestRow> =>
      loaders.supportRequestById.load(requireUuid(representation.id, 'id')),
    /** A federation stub: operations resolves the deployment's fields. */
    deployment: (request: SupportRequestRow) =>
      request.deploymentId ? { __typename: 'Deployment', id: request.deploymentId } : null,
    history: (request: SupportRequestRow, _: unknown, { loaders }: Context) =>
      loaders.historyBySupportRequestId.load(request.id),
  },

  ProtectedWitness: {
    __resolveReference: async (representation: Representation, { loaders }: Context): Promise<ProtectedWitnessRow> =>
      loaders.protectedWitnessById.load(requireUuid(representation.id, 'id')),
    accessBasis: (witness: ProtectedWitnessRow, _: unknown, context: Context) => accessBasisOf(witness, context),
    /** Need-to-know, per witness, after the SDL rules (scope, purpose) have passed. */
    identity: async (witness: ProtectedWitnessRow, _: unknown, context: Context) => {
      if (!mayKnow(await accessBasisOf(witness, context))) throw needToKnowError();
      return context.loaders.witnessIdentityByWitnessId.load(witness.id);
    },
    /**
     * Relocations only with need-to-know: otherwise left out, not even counted (the
     * kit leaves them out already for callers without the identity scope or a purpose).
     */
    history: async (witness: ProtectedWitnessRow, _: unknown, context: Context): Promise<WitnessEventRow[]> => {
      const { loaders } = context;
      const [assessments, relocations] = await Promise.all([
        loaders.threatAssessmentsByWitnessId.load(witness.id),
        accessBasisOf(witness, context).then((basis) => (mayKnow(basis) ? loaders.relocationsByWitnessId.load(witness.id) : [])),
      ]);
      return witnessHistory(assessments, relocations);
    },
  },

  WitnessEvent: {
    __resolveType: (event: WitnessEventRow) => event.__typename,
  },
};
