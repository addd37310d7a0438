import { rowsOf } from '@mission-graph/service-kit';
import { sql } from 'drizzle-orm';
import { deployments, engagementRequests, incidents, type OperationsDb } from '../db/schema.js';

/** One step of an incident's timeline. */
export interface IncidentEventRow {
  incidentId: string;
  at: string;
  kind: string;
  engagementRequestId: string | null;
  deploymentId: string | null;
}

/**
 * The timelines of several incidents in one statement: the report, each request and
 * its answer, each deployment and its end, in time order (ties in the order a step
 * can happen: report, request, answer, deployment, end).
 */
export async function incidentTimelines(db: OperationsDb, incidentIds: readonly string[]): Promise<IncidentEventRow[]> {
  const ids = sql`(${sql.join(
    incidentIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
  const result = await db.execute(sql`
    select e.incident_id as "incidentId", e.at::text as "at", e.kind, e.engagement_request_id as "engagementRequestId",
      e.deployment_id as "deploymentId"
    from (
      select id as incident_id, occurred_at as at, 'REPORTED' as kind, null::uuid as engagement_request_id,
        null::uuid as deployment_id, 0 as step
      from ${incidents} where id in ${ids}
      union all
      select incident_id, requested_at, 'ENGAGEMENT_REQUESTED', id, null, 1
      from ${engagementRequests} where incident_id in ${ids}
      union all
      select incident_id, decided_at, 'ENGAGEMENT_' || decision::text, id, null, 2
      from ${engagementRequests} where incident_id in ${ids} and decision <> 'PENDING'
      union all
      select incident_id, started_at, 'DEPLOYMENT_STARTED', null, id, 3
      from ${deployments} where incident_id in ${ids}
      union all
      select incident_id, ended_at, 'DEPLOYMENT_ENDED', null, id, 4
      from ${deployments} where incident_id in ${ids} and ended_at is not null
    ) as e
    order by e.incident_id, e.at, e.step, e.engagement_request_id, e.deployment_id`);
  return rowsOf<IncidentEventRow>(result);
}
