import {
  afterKeysetCursor,
  isInstant,
  readKeysetCursor,
  readPageArgs,
  toConnection,
  type PageArgs,
} from '@mission-graph/service-kit';
import { and, asc, count, desc, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { deployments, type OperationsDb } from '../db/schema.js';
import { instantWithin, type DayRange } from './day-range-sql.js';

export type DeploymentRow = typeof deployments.$inferSelect;

export interface DeploymentFilter extends DayRange {
  /** true: still going on (no end); false: ended. */
  open?: boolean | null;
}

function matching(filter: DeploymentFilter): SQL | undefined {
  const openness =
    filter.open === true ? isNull(deployments.endedAt) : filter.open === false ? isNotNull(deployments.endedAt) : undefined;
  return and(...instantWithin(deployments.startedAt, filter), openness);
}

export function deploymentStore(db: OperationsDb) {
  async function countWhere(where: SQL | undefined): Promise<number> {
    const [row] = await db.select({ total: count() }).from(deployments).where(where);
    return row?.total ?? 0;
  }

  return {
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
      const page = readPageArgs(args, 2);
      const cursor = readKeysetCursor(page, isInstant);
      const where = matching(filter);
      const rows = await db
        .select()
        .from(deployments)
        .where(and(where, afterKeysetCursor(deployments.startedAt, deployments.id, cursor, sql`timestamptz`)))
        .orderBy(desc(deployments.startedAt), desc(deployments.id))
        .limit(page.size + 1);
      return toConnection(rows, page, (row) => [row.startedAt, row.id], () => countWhere(where));
    },
  };
}
