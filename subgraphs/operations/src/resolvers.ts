import {
  idempotentCall,
  recordOnce,
  reportChanged,
  rowRecording,
  checkPeriod,
  checkPeriodBounds,
  FILTER_PERIOD_ARGUMENTS,
  periodKey,
  requireUuid,
  scalarResolvers,
  type PageArgs,
  type Period,
} from '@mission-graph/service-kit';
import type { OperationsContext } from './context.js';
import type { Resolvers } from './generated/resolvers.js';
import { idempotencyKeys, type OperationsDb, type SecurityResponderCode } from './db/schema.js';
import type { DayRange } from './stores/day-range-sql.js';
import type { DeploymentFilter, DeploymentRow } from './stores/deployment-store.js';
import type { EngagementRequestRow } from './stores/engagement-request-store.js';
import type {
  ExerciseFilter,
  ExerciseRow,
  RecordExerciseOutcomeInput,
  ScheduleExerciseInput,
} from './stores/exercise-store.js';
import type { FormedPoliceUnitRow } from './stores/formed-police-unit-store.js';
import type { IncidentEventRow } from './stores/incident-events.js';
import type { IncidentFilter, IncidentRow } from './stores/incident-store.js';
import type { OfficerFilter } from './stores/officer-store.js';
import type { PatrolFilter } from './stores/patrol-store.js';
import { checkIncidentReport, type IncidentReport } from './domain/incident.js';
import { checkPatrolLog, type PatrolLog } from './domain/patrol.js';
import { protectOperationsFigures } from './domain/mission-figures.js';

type ListArgs<Filter> = PageArgs & { filter?: Filter | null };
type Ctx = OperationsContext;
/** A machine-facing mutation's arguments: its input and, when the client may retry, an idempotency key. */
type RecordArgs<Shape> = { input: Shape; idempotencyKey?: string | null };

/** A list filter, its period checked before any SQL (`filter.to` may not precede `filter.from`). */
function checkedFilter<Filter extends DayRange>(filter: Filter): Filter {
  checkPeriodBounds(filter.from, filter.to, FILTER_PERIOD_ARGUMENTS);
  return filter;
}

/** A client's optional instant, or now. */
const instantOrNow = (value: string | null | undefined): string => value ?? new Date().toISOString();

type Input<Shape> = { input: Shape };

/** Thin: read and check arguments, ask a store or a loader, return what it gives. */
export const resolvers: Resolvers = {
  ...scalarResolvers,

  Query: {
    formedPoliceUnit: (_: unknown, __: unknown, { stores }: Ctx) => stores.unit.theUnit(),
    securityResponders: (_: unknown, __: unknown, { stores }: Ctx) => stores.responders.all(),
    incident: (_: unknown, { id }: { id: string }, { loaders }: Ctx) => loaders.incident.load(requireUuid(id, 'id')),
    incidents: (_: unknown, { filter, ...page }: ListArgs<IncidentFilter>, { stores }: Ctx) =>
      stores.incidents.connection(checkedFilter(filter ?? {}), page),
    deployments: (_: unknown, { filter, ...page }: ListArgs<DeploymentFilter>, { stores }: Ctx) =>
      stores.deployments.connection(checkedFilter(filter ?? {}), page),
    patrols: (_: unknown, { filter, ...page }: ListArgs<PatrolFilter>, { stores }: Ctx) =>
      stores.patrols.connection(checkedFilter(filter ?? {}), page),
    exercises: (_: unknown, { filter, ...page }: ListArgs<ExerciseFilter>, { stores }: Ctx) =>
      stores.exercises.connection(checkedFilter(filter ?? {}), page),
    missionReport: (_: unknown, { from, to }: Period): Period => checkPeriod(from, to),
    patrolCoverage: (_: unknown, { from, to }: Period, { stores }: Ctx) =>
      stores.patrols.coverage(checkPeriod(from, to)),
  },

  Mutation: {
    reportIncident: async (_: unknown, args: RecordArgs<IncidentReport>, context: Ctx) => {
      const report = checkIncidentReport(args.input);
      const call = idempotentCall('reportIncident', args.idempotencyKey, context.caller, report);
      const recording = rowRecording((tx) => context.stores.incidents.report(report, tx as OperationsDb), (id) => context.loaders.incident.load(id));
      const incident = await recordOnce(context.db, idempotencyKeys, call, recording);
      reportChanged(context, { type: 'Incident', id: incident.id });
      return { incident };
    },
    requestEngagement: async (
      _: unknown,
      { input }: Input<{ incidentId: string; fromResponder: SecurityResponderCode; requestedAt?: string | null }>,
      context: Ctx,
    ) => {
      const engagementRequest = await context.stores.engagementRequests.request({
        incidentId: requireUuid(input.incidentId, 'input.incidentId'),
        fromResponder: input.fromResponder,
        requestedAt: instantOrNow(input.requestedAt),
      });
      reportChanged(context, { type: 'EngagementRequest', id: engagementRequest.id }, { type: 'Incident', id: engagementRequest.incidentId });
      return { engagementRequest };
    },
    decideEngagementRequest: async (
      _: unknown,
      { input }: Input<{ engagementRequestId: string; decision: 'ACCEPTED' | 'DECLINED'; decidedAt?: string | null }>,
      context: Ctx,
    ) => {
      const engagementRequest = await context.stores.engagementRequests.decide(
        requireUuid(input.engagementRequestId, 'input.engagementRequestId'),
        input.decision,
        instantOrNow(input.decidedAt),
      );
      reportChanged(context, { type: 'EngagementRequest', id: engagementRequest.id });
      return { engagementRequest };
    },
    withdrawEngagementRequest: async (
      _: unknown,
      { input }: Input<{ engagementRequestId: string; withdrawnAt?: string | null }>,
      context: Ctx,
    ) => {
      const engagementRequest = await context.stores.engagementRequests.withdraw(
        requireUuid(input.engagementRequestId, 'input.engagementRequestId'),
        instantOrNow(input.withdrawnAt),
      );
      reportChanged(context, { type: 'EngagementRequest', id: engagementRequest.id });
      return { engagementRequest };
    },
    deployFormedPoliceUnit: async (
      _: unknown,
      {
        input,
      }: Input<{ incidentId: string; officersCommitted: number; officerIds?: string[] | null; startedAt?: string | null }>,
      context: Ctx,
    ) => {
      const officerIds = (input.officerIds ?? []).map((id) => requireUuid(id, 'input.officerIds'));
      const deployment = await context.stores.deployments.deploy({
        incidentId: requireUuid(input.incidentId, 'input.incidentId'),
        officersCommitted: input.officersCommitted,
        officerIds,
        startedAt: instantOrNow(input.startedAt),
      });
      reportChanged(
        context,
        { type: 'Deployment', id: deployment.id },
        { type: 'Incident', id: deployment.incidentId },
        // The officers are now on this deployment (not free for another).
        ...officerIds.map((id) => ({ type: 'Officer', id, owner: { type: 'Deployment', id: deployment.id } })),
      );
      return { deployment };
    },
    endDeployment: async (
      _: unknown,
      { input }: Input<{ deploymentId: string; endedAt?: string | null }>,
      context: Ctx,
    ) => {
      const deployment = await context.stores.deployments.end(
        requireUuid(input.deploymentId, 'input.deploymentId'),
        instantOrNow(input.endedAt),
      );
      reportChanged(context, { type: 'Deployment', id: deployment.id });
      return { deployment };
    },
    logPatrol: async (_: unknown, args: RecordArgs<PatrolLog>, context: Ctx) => {
      const shift = checkPatrolLog(args.input, context.stores.patrols.shiftPattern);
      const call = idempotentCall('logPatrol', args.idempotencyKey, context.caller, shift);
      const recording = rowRecording((tx) => context.stores.patrols.log(shift, tx as OperationsDb), (id) => context.loaders.patrol.load(id));
      const patrol = await recordOnce(context.db, idempotencyKeys, call, recording);
      reportChanged(context, { type: 'Patrol', id: patrol.id });
      return { patrol };
    },
    scheduleExercise: async (_: unknown, { input }: Input<ScheduleExerciseInput>, context: Ctx) => {
      const exercise = await context.stores.exercises.schedule(input);
      reportChanged(context, { type: 'Exercise', id: exercise.id });
      return { exercise };
    },
    recordExerciseOutcome: async (_: unknown, { input }: Input<RecordExerciseOutcomeInput>, context: Ctx) => {
      const exercise = await context.stores.exercises.recordOutcome({
        ...input,
        exerciseId: requireUuid(input.exerciseId, 'input.exerciseId'),
      });
      reportChanged(context, { type: 'Exercise', id: exercise.id });
      return { exercise };
    },
  },

  MissionReport: {
    // Async so a bad representation fails its own entity, not the whole `_entities` list.
    __resolveReference: async ({ from, to }: { from: unknown; to: unknown }): Promise<Period> => checkPeriod(from, to),
    operations: async (period: Period, _: unknown, { loaders, caller }: Ctx) =>
      protectOperationsFigures(caller, await loaders.operationsFigures.load(periodKey(period))),
  },

  FormedPoliceUnit: {
    officers: ({ id }: FormedPoliceUnitRow, { filter, ...page }: ListArgs<OfficerFilter>, { stores }: Ctx) =>
      stores.officers.connection(id, filter ?? {}, page),
  },

  Incident: {
    engagementRequests: ({ id }: IncidentRow, _: unknown, { loaders }: Ctx) =>
      loaders.engagementRequestsOfIncident.load(id),
    deployments: ({ id }: IncidentRow, _: unknown, { loaders }: Ctx) => loaders.deploymentsOfIncident.load(id),
    timeline: ({ id }: IncidentRow, _: unknown, { loaders }: Ctx) => loaders.timelineOfIncident.load(id),
  },

  IncidentEvent: {
    engagementRequest: ({ engagementRequestId }: IncidentEventRow, _: unknown, { loaders }: Ctx) =>
      engagementRequestId ? loaders.engagementRequest.load(engagementRequestId) : null,
    deployment: ({ deploymentId }: IncidentEventRow, _: unknown, { loaders }: Ctx) =>
      deploymentId ? loaders.deployment.load(deploymentId) : null,
  },

  EngagementRequest: {
    incident: ({ incidentId }: EngagementRequestRow, _: unknown, { loaders }: Ctx) =>
      loaders.incident.load(incidentId),
    fromResponder: ({ fromResponder }: EngagementRequestRow, _: unknown, { loaders }: Ctx) =>
      loaders.responder.load(fromResponder),
    toResponder: ({ toResponder }: EngagementRequestRow, _: unknown, { loaders }: Ctx) =>
      loaders.responder.load(toResponder),
  },

  Deployment: {
    __resolveReference: async ({ id }: { id: string }, { loaders }: Ctx) =>
      loaders.deployment.load(requireUuid(id, 'id')),
    incident: ({ incidentId }: DeploymentRow, _: unknown, { loaders }: Ctx) => loaders.incident.load(incidentId),
    engagementRequest: ({ engagementRequestId }: DeploymentRow, _: unknown, { loaders }: Ctx) =>
      loaders.engagementRequest.load(engagementRequestId),
    officers: ({ id }: DeploymentRow, _: unknown, { loaders }: Ctx) => loaders.officersOfDeployment.load(id),
  },

  Exercise: {
    participants: ({ id }: ExerciseRow, _: unknown, { loaders }: Ctx) => loaders.participantsOfExercise.load(id),
  },
};
