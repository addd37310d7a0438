import { asc, inArray } from 'drizzle-orm';
import { engagementRequests, type OperationsDb } from '../db/schema.js';

export type EngagementRequestRow = typeof engagementRequests.$inferSelect;

export function engagementRequestStore(db: OperationsDb) {
  return {
    byIds: (ids: readonly string[]): Promise<EngagementRequestRow[]> =>
      db.select().from(engagementRequests).where(inArray(engagementRequests.id, [...ids])),

    /** The requests of several incidents, each incident's oldest first. */
    byIncidentIds: (incidentIds: readonly string[]): Promise<EngagementRequestRow[]> =>
      db
        .select()
        .from(engagementRequests)
        .where(inArray(engagementRequests.incidentId, [...incidentIds]))
        .orderBy(asc(engagementRequests.requestedAt), asc(engagementRequests.id)),
  };
}
