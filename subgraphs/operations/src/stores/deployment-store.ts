import { rethrowAsTypedError } from '@mission-graph/service-kit';
import {
  isInstant,
  tableConnection,
  idPart,
  keyPart,
  type KeysetOrder,
  type PageArgs,
} from '@mission-graph/service-kit';
import { badUserInput, conflict, notFound, rowsOf } from '@mission-graph/service-kit';
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, getTableColumns, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import {
  deploymentOfficers,
  deployments,
  engagementRequests,
  formedPoliceUnits,
  incidents,
  officers,
  type OperationsDb,
} from '../db/schema.js';
import { checkDeploymentEnd, checkNamedOfficers, checkOfficersAvailable } from '../domain/deployment.js';
import { engagementNotRequested } from '../domain/engagement.js';
import { requireNotBefore } from '../domain/text.js';
import { instantWithin, type DayRange } from './day-range-sql.js';
import type { OfficerRow } from './officer-store.js';
import { onlyRow } from './rows.js';
import { OPERATIONS_VIOLATIONS } from './violations.js';
import type { DeploymentRow } from '../db/schema.js';


export type DeploymentOfficerRow = OfficerRow & { deploymentId: string };

export interface DeployInput {
  incidentId: string;
  officersCommitted: number;
  officerIds: readonly string[];
  startedAt: string;
}

export interface DeploymentFilter extends DayRange {
  /** true: still going on (no end); false: ended. */
  open?: boolean | null;
}

function matching(filter: DeploymentFilter): SQL | undefined {
  const openness =
    filter.open === true ? isNull(deployments.endedAt) : filter.open === false ? isNotNull(deployments.endedAt) : undefined;
  return and(...instantWithin(deployments.startedAt, filter), openness);
}

/** Newest first by `startedAt`, the id breaking ties; the cursor is `(startedAt, id)`. */
const DEPLOYMENTS_ORDER: KeysetOrder<typeof deployments.$inferSelect> = {
  direction: 'desc',
  key: [keyPart(deployments.startedAt, sql`timestamptz`, isInstant, (row) => row.startedAt), idPart(deployments.id)],
};

export function createDeploymentStore(db: OperationsDb) {
  return {
    /**
     * Deploys the FPU on Kosovo Police's accepted request for the incident. At no instant
     * from its start on may the unit's deployments exceed its strength, back-dated ones
     * included. The unit row is locked first, so deployments committed at the same moment
     * are counted one after the other.
     */
    async deploy(input: DeployInput): Promise<DeploymentRow> {
      const named = checkNamedOfficers(input.officerIds, input.officersCommitted);
      try {
        return await db.transaction(async (tx) => {
          const [unit] = await tx.select().from(formedPoliceUnits).for('update');
          if (!unit) throw notFound('FormedPoliceUnit', 'EULEX_FPU');
          const [incident] = await tx.select({ id: incidents.id }).from(incidents).where(eq(incidents.id, input.incidentId));
          if (!incident) throw notFound('Incident', input.incidentId);

          const [request] = await tx
            .select()
            .from(engagementRequests)
            .where(
              and(
                eq(engagementRequests.incidentId, input.incidentId),
                eq(engagementRequests.fromResponder, 'KOSOVO_POLICE'),
                eq(engagementRequests.toResponder, 'EULEX_FPU'),
              ),
            )
            .orderBy(sql`${engagementRequests.decision} = 'ACCEPTED' desc`, desc(engagementRequests.requestedAt))
            .limit(1);
          if (!request || request.decision !== 'ACCEPTED' || request.decidedAt === null) {
            throw engagementNotRequested(input.incidentId, request?.decision ?? null);
          }
          requireNotBefore(input.startedAt, request.decidedAt, 'input.startedAt', 'the acceptance of the request');
          const [already] = await tx
            .select({ id: deployments.id })
            .from(deployments)
            .where(eq(deployments.engagementRequestId, request.id));
          if (already) {
            throw conflict(`the FPU is already deployed on this request (deployment "${already.id}")`, {
              currentState: 'DEPLOYED',
              requestedState: 'DEPLOYED',
            });
          }

          // The busiest instant from the start on (the new deployment is open-ended): the
          // database's own deployed_peak, which its trigger checks again.
          const [busiest] = rowsOf<{ peak: number; peak_at: string }>(
            await tx.execute(sql`select peak, peak_at::text from operations.deployed_peak(${unit.id}::uuid, null, ${input.startedAt}::timestamptz, null)`),
          );
          checkOfficersAvailable(input.officersCommitted, unit.authorizedStrength - (busiest?.peak ?? 0), unit.authorizedStrength, busiest?.peak_at);

          if (named.length > 0) {
            const found = await tx
              .select({ id: officers.id })
              .from(officers)
              .where(and(inArray(officers.id, named), eq(officers.unitId, unit.id)))
              .for('update');
            if (found.length !== named.length) {
              const known = new Set(found.map((officer) => officer.id));
              throw badUserInput('input.officerIds', `no officer of the unit has id "${named.find((id) => !known.has(id))}"`);
            }
            const busy = await tx
              .select({ officerId: deploymentOfficers.officerId, deploymentId: deployments.id })
              .from(deploymentOfficers)
              .innerJoin(deployments, eq(deployments.id, deploymentOfficers.deploymentId))
              .where(and(inArray(deploymentOfficers.officerId, named), isNull(deployments.endedAt)));
            if (busy.length > 0) {
              throw conflict(
                `officer "${busy[0]?.officerId}" is already on open deployment "${busy[0]?.deploymentId}"`,
                { argument: 'input.officerIds', currentState: 'DEPLOYED', requestedState: 'DEPLOYED' },
              );
            }
          }

          const deployment = onlyRow(
            await tx
              .insert(deployments)
              .values({
                id: randomUUID(),
                unitId: unit.id,
                incidentId: input.incidentId,
                engagementRequestId: request.id,
                officersCommitted: input.officersCommitted,
                startedAt: input.startedAt,
              })
              .returning(),
          );
          if (named.length > 0) {
            await tx.insert(deploymentOfficers).values(named.map((officerId) => ({ deploymentId: deployment.id, officerId })));
          }
          return deployment;
        });
      } catch (error) {
        return rethrowAsTypedError(error, OPERATIONS_VIOLATIONS);
      }
    },

    /** Ends an open deployment; its officers are available again. */
    async end(id: string, endedAt: string): Promise<DeploymentRow> {
      try {
        return await db.transaction(async (tx) => {
          const [current] = await tx.select().from(deployments).where(eq(deployments.id, id)).for('update');
          if (!current) throw notFound('Deployment', id);
          checkDeploymentEnd(current, endedAt);
          return onlyRow(
            await tx
              .update(deployments)
              .set({ endedAt })
              .where(and(eq(deployments.id, id), isNull(deployments.endedAt)))
              .returning(),
          );
        });
      } catch (error) {
        return rethrowAsTypedError(error, OPERATIONS_VIOLATIONS);
      }
    },

    /** The named officers of several deployments, most senior first. */
    officersOf: (deploymentIds: readonly string[]): Promise<DeploymentOfficerRow[]> =>
      db
        .select({ deploymentId: deploymentOfficers.deploymentId, ...getTableColumns(officers) })
        .from(deploymentOfficers)
        .innerJoin(officers, eq(officers.id, deploymentOfficers.officerId))
        .where(inArray(deploymentOfficers.deploymentId, [...deploymentIds]))
        .orderBy(desc(officers.rank), desc(officers.id)),

    byIds: (ids: readonly string[]): Promise<DeploymentRow[]> =>
      db.select().from(deployments).where(inArray(deployments.id, [...ids])),

    /** The deployments to several incidents, each incident's earliest first. */
    byIncidentIds: (incidentIds: readonly string[]): Promise<DeploymentRow[]> =>
      db
        .select()
        .from(deployments)
        .where(inArray(deployments.incidentId, [...incidentIds]))
        .orderBy(asc(deployments.startedAt), asc(deployments.id)),

    /** Most recently started first; the cursor is `(startedAt, id)`. */
    async connection(filter: DeploymentFilter, args: PageArgs) {
      const where = matching(filter);
      return tableConnection(db, deployments, DEPLOYMENTS_ORDER, where, args);
    },
  };
}

export type { DeploymentRow };

export type DeploymentStore = ReturnType<typeof createDeploymentStore>;
