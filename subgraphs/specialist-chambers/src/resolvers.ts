import {
  idempotentCall,
  recordOnce,
  reportChanged,
  requireDate,
  rowRecording,
  type Db,
  checkPeriod,
  checkPeriodBounds,
  FILTER_PERIOD_ARGUMENTS,
  periodKey,
  requireUuid,
  scalarResolvers,
  type PageArgs,
  type Period,
} from '@mission-graph/service-kit';
import type { SpecialistChambersContext as Context } from './context.js';
import type { Resolvers } from './generated/resolvers.js';
import type * as schema from './db/schema.js';
import { idempotencyKeys } from './db/schema.js';
import { mayKnow, needToKnowError, witnessAccessBasis, type WitnessAccessBasis } from './domain/need-to-know.js';
import {
  checkNote,
  checkSubmission,
  type SubmitSupportRequestInput,
} from './domain/support-request-workflow.js';
import { witnessHistory, type WitnessEventRow } from './domain/witness-history.js';
import { checkOfficerSubject, requireHumanPrincipal, requirePrincipal } from './domain/protection-officer-assignment.js';
import {
  checkAssessmentSummary,
  checkReferral,
  type ReferWitnessInput,
} from './domain/witness-programme.js';
import type { ProtectedWitnessFilter, ProtectedWitnessRow } from './stores/protected-witness-store.js';
import type { AssignmentEventRow, AssignmentRow } from './stores/protection-officer-store.js';
import type { SupportRequestFilter, SupportRequestRow } from './stores/support-request-store.js';
import type { ThreatAssessmentRow } from './stores/threat-assessment-store.js';
import { protectChambersFigures } from './domain/mission-figures.js';

interface ListArgs<Filter> extends PageArgs {
  filter?: Filter | null;
}

/** A machine-facing mutation's arguments: its input and, when the client may retry, an idempotency key. */
interface RecordArgs<Input> {
  input: Input;
  idempotencyKey?: string | null;
}

/** An entity representation as the gateway sends it: unchecked JSON. */
type Representation = Record<string, unknown>;

async function accessBasisOf(witness: ProtectedWitnessRow, { loaders, caller }: Context): Promise<WitnessAccessBasis> {
  const officers = await loaders.officersByWitnessId.load(witness.id);
  return witnessAccessBasis(caller, officers.map((row) => row.officerSubject));
}

/** An officer assignment changed: filed under its witness too (who may know whom). */
const assignmentChange = (assignment: AssignmentRow) => ({
  type: 'ProtectionOfficerAssignment',
  id: assignment.id,
  owner: { type: 'ProtectedWitness', id: assignment.witnessId },
});

export const resolvers: Resolvers = {
  ...scalarResolvers,

  Query: {
    supportRequest: (_: unknown, args: { id: string }, { loaders }: Context) =>
      loaders.supportRequestById.load(requireUuid(args.id, 'id')),

    supportRequests: (_: unknown, args: ListArgs<SupportRequestFilter>, { stores }: Context) => {
      const filter = args.filter ?? {};
      checkPeriodBounds(filter.from, filter.to, FILTER_PERIOD_ARGUMENTS);
      return stores.supportRequests.connection(filter, args);
    },

    protectedWitness: (_: unknown, args: { id: string }, { loaders }: Context) =>
      loaders.protectedWitnessById.load(requireUuid(args.id, 'id')),

    protectedWitnesses: (_: unknown, args: ListArgs<ProtectedWitnessFilter>, { stores }: Context) =>
      stores.protectedWitnesses.connection(args.filter ?? {}, args),

    protectionOfficerProposals: (_: unknown, args: PageArgs, { stores }: Context) => stores.protectionOfficers.pendingProposals(args),
  },

  Mutation: {
    submitSupportRequest: async (_: unknown, args: RecordArgs<SubmitSupportRequestInput>, context: Context) => {
      const request = checkSubmission(args.input);
      const call = idempotentCall('submitSupportRequest', args.idempotencyKey, context.caller, request);
      const recording = rowRecording(
        (tx) => context.stores.supportRequests.submit(request, tx as Db<typeof schema>),
        (id) => context.loaders.supportRequestById.load(id),
      );
      const supportRequest = await recordOnce(context.db, idempotencyKeys, call, recording);
      reportChanged(context, { type: 'SupportRequest', id: supportRequest.id });
      return { supportRequest };
    },

    transitionSupportRequest: async (
      _: unknown,
      { input }: { input: { id: string; status: SupportRequestRow['status']; note?: string | null; deploymentId?: string | null } },
      context: Context,
    ) => {
      const supportRequest = await context.stores.supportRequests.transition({
        id: requireUuid(input.id, 'input.id'),
        status: input.status,
        note: checkNote(input.note, 'input.note'),
        ...(input.deploymentId !== undefined ? { deploymentId: input.deploymentId } : {}),
      });
      reportChanged(context, { type: 'SupportRequest', id: supportRequest.id });
      return { supportRequest };
    },

    referWitness: async (_: unknown, { input }: { input: ReferWitnessInput }, context: Context) => {
      const protectedWitness = await context.stores.protectedWitnesses.refer(checkReferral(input));
      reportChanged(context, { type: 'ProtectedWitness', id: protectedWitness.id });
      return { protectedWitness };
    },

    recordThreatAssessment: async (
      _: unknown,
      { input }: { input: { witnessId: string; occurredOn: string; riskLevel: ThreatAssessmentRow['riskLevel']; summary: string } },
      context: Context,
    ) => {
      const { witness, assessment } = await context.stores.threatAssessments.record({
        witnessId: requireUuid(input.witnessId, 'input.witnessId'),
        occurredOn: input.occurredOn,
        riskLevel: input.riskLevel,
        summary: checkAssessmentSummary(input.summary),
      });
      reportChanged(
        context,
        { type: 'ThreatAssessment', id: assessment.id, owner: { type: 'ProtectedWitness', id: witness.id } },
        { type: 'ProtectedWitness', id: witness.id },
      );
      return { protectedWitness: witness, threatAssessment: assessment };
    },

    transitionWitness: async (
      _: unknown,
      { input }: { input: { witnessId: string; status: ProtectedWitnessRow['status'] } },
      context: Context,
    ) => {
      const protectedWitness = await context.stores.protectedWitnesses.transition(requireUuid(input.witnessId, 'input.witnessId'), input.status);
      reportChanged(context, { type: 'ProtectedWitness', id: protectedWitness.id });
      return { protectedWitness };
    },

    recordRelocation: async (
      _: unknown,
      args: RecordArgs<{ witnessId: string; occurredOn: string; toLocation: string }>,
      context: Context,
    ) => {
      const { stores, caller } = context;
      const relocation = {
        witnessId: requireUuid(args.input.witnessId, 'input.witnessId'),
        occurredOn: requireDate(args.input.occurredOn, 'input.occurredOn'),
        toLocation: args.input.toLocation.trim(),
      };
      const call = idempotentCall('recordRelocation', args.idempotencyKey, caller, relocation);
      let relocationId: string | undefined;
      const witness = await recordOnce(context.db, idempotencyKeys, call, {
        record: async (tx) => {
          const recorded = await stores.relocations.record(relocation, caller, tx as Db<typeof schema>);
          relocationId = recorded.relocationId;
          return { id: recorded.relocationId, result: recorded.witness };
        },
        // A retry answers the witness as it is now, and only to a caller who may still
        // move it: need-to-know is decided again, not remembered.
        replay: async (recordedId) => {
          relocationId = recordedId;
          const [moved] = await stores.relocations.witnessIdsOf([recordedId]);
          const witness = await context.loaders.protectedWitnessById.load(moved!.witnessId);
          if (!mayKnow(await accessBasisOf(witness, context))) throw needToKnowError(witness.id, 'Mutation.recordRelocation');
          return witness;
        },
      });
      // The relocation is filed under its witness too, so a reviewer of the witness finds it.
      reportChanged(context, { type: 'Relocation', id: relocationId!, owner: { type: 'ProtectedWitness', id: witness.id } }, { type: 'ProtectedWitness', id: witness.id });
      return { protectedWitness: witness };
    },

    proposeProtectionOfficer: async (
      _: unknown,
      { input }: { input: { witnessId: string; officer: string } },
      context: Context,
    ) => {
      const assignment = await context.stores.protectionOfficers.propose(
        requireUuid(input.witnessId, 'input.witnessId'),
        checkOfficerSubject(input.officer),
        requireHumanPrincipal(context.caller),
      );
      reportChanged(context, assignmentChange(assignment));
      return { assignment };
    },

    approveProtectionOfficer: async (_: unknown, { input }: { input: { assignmentId: string } }, context: Context) => {
      const assignment = await context.stores.protectionOfficers.approve(requireUuid(input.assignmentId, 'input.assignmentId'), requireHumanPrincipal(context.caller));
      reportChanged(context, assignmentChange(assignment));
      return { assignment };
    },

    revokeProtectionOfficer: async (
      _: unknown,
      { input }: { input: { witnessId: string; officer: string } },
      context: Context,
    ) => {
      const protectedWitness = await context.stores.protectionOfficers.revoke(
        requireUuid(input.witnessId, 'input.witnessId'),
        checkOfficerSubject(input.officer),
        requirePrincipal(context.caller),
      );
      reportChanged(context, { type: 'ProtectedWitness', id: protectedWitness.id });
      return { protectedWitness };
    },
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
      if (!mayKnow(await accessBasisOf(witness, context))) throw needToKnowError(witness.id, 'ProtectedWitness.identity');
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

  ProtectionOfficerAssignment: {
    witness: (assignment: AssignmentRow, _: unknown, { loaders }: Context) => loaders.protectedWitnessById.load(assignment.witnessId),
    officer: (assignment: AssignmentRow) => assignment.officerSubject,
    history: (assignment: AssignmentRow, _: unknown, { loaders }: Context) => loaders.historyByAssignmentId.load(assignment.id),
  },

  ProtectionOfficerAssignmentStep: {
    by: (step: AssignmentEventRow) => step.actor,
    at: (step: AssignmentEventRow) => step.occurredAt,
  },

  WitnessEvent: {
    __resolveType: (event: WitnessEventRow) => event.__typename,
  },
};
