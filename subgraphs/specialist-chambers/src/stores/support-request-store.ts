import { randomUUID } from 'node:crypto';
import {
tableConnection,
  idPart,
  keyPart,
  type KeysetOrder,
  type PageArgs,
  type Connection,
  conflict,
  isIsoDate,
  notFound,
  rethrowAsTypedError,
  rowsOf,
  type Db,
  type Period,
} from '@mission-graph/service-kit';
import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { SUPPORT_REQUEST_VIOLATIONS } from './violations.js';
import { supportRequests, supportRequestTransitions } from '../db/schema.js';
import {
  checkDeploymentLink,
  checkSupportRequestTransition,
  illegalSupportRequestTransition,
  type NewSupportRequest,
} from '../domain/support-request-workflow.js';
import type { SupportRequestRow, SupportRequestTransitionRow } from '../db/schema.js';


export interface TransitionSupportRequest {
  id: string;
  status: SupportRequestRow['status'];
  note: string | null;
  deploymentId?: unknown;
}


export interface SupportRequestFilter {
  institution?: SupportRequestRow['institution'] | null;
  kind?: SupportRequestRow['kind'] | null;
  status?: SupportRequestRow['status'] | null;
  from?: string | null;
  to?: string | null;
}

/** The figures this pillar gives a `MissionReport` for one period. */
export interface SupportRequestFigures extends Period {
  supportRequests: number;
}

/** All SQL about support requests. */
/** Newest first (`requestedOn`), the id breaking ties. */
const NEWEST_FIRST: KeysetOrder<SupportRequestRow> = {
  direction: 'desc',
  key: [keyPart(supportRequests.requestedOn, sql`date`, isIsoDate, (row) => row.requestedOn), idPart(supportRequests.id)],
};

export function createSupportRequestStore(db: Db<typeof schema>) {
  const matching = (filter: SupportRequestFilter) =>
    and(
      filter.institution ? eq(supportRequests.institution, filter.institution) : undefined,
      filter.kind ? eq(supportRequests.kind, filter.kind) : undefined,
      filter.status ? eq(supportRequests.status, filter.status) : undefined,
      filter.from ? gte(supportRequests.requestedOn, filter.from) : undefined,
      filter.to ? lte(supportRequests.requestedOn, filter.to) : undefined,
    );

  return {
    /** One page, newest first; the cursor is `(requestedOn, id)`. */
    connection(filter: SupportRequestFilter, args: PageArgs): Promise<Connection<SupportRequestRow>> {
      return tableConnection(db, supportRequests, NEWEST_FIRST, matching(filter), args);
    },

    byIds(ids: readonly string[]): Promise<SupportRequestRow[]> {
      return db.select().from(supportRequests).where(inArray(supportRequests.id, [...ids]));
    },

    /** Every transition of these requests, in one statement; each request's oldest first. */
    historyOf(ids: readonly string[]): Promise<SupportRequestTransitionRow[]> {
      const t = supportRequestTransitions;
      return db
        .select({
          id: t.id,
          supportRequestId: t.supportRequestId,
          fromStatus: t.fromStatus,
          toStatus: t.toStatus,
          // ISO-8601 in UTC whatever the driver's or server's time zone.
          occurredAt: sql<string>`to_char(${t.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
          note: t.note,
        })
        .from(supportRequestTransitions)
        .where(inArray(supportRequestTransitions.supportRequestId, [...ids]))
        .orderBy(asc(supportRequestTransitions.supportRequestId), asc(supportRequestTransitions.occurredAt), asc(supportRequestTransitions.id));
    },

    /** A new request in status REQUESTED, with its first history entry, in one transaction. */
    async submit(request: NewSupportRequest, on: Db<typeof schema> = db): Promise<SupportRequestRow> {
      try {
        return await on.transaction(async (tx) => {
          const [row] = await tx
            .insert(supportRequests)
            .values({ id: randomUUID(), ...request, status: 'REQUESTED' })
            .returning();
          await tx.insert(supportRequestTransitions).values({
            id: randomUUID(),
            supportRequestId: row!.id,
            fromStatus: null,
            toStatus: 'REQUESTED',
            occurredAt: sql`now()`,
          });
          return row!;
        });
      } catch (error) {
        rethrowAsTypedError(error, {
          ...SUPPORT_REQUEST_VIOLATIONS,
          support_requests_reference_unique: () =>
            conflict(`A support request with reference ${request.reference} already exists`, {
              reason: 'DUPLICATE_REFERENCE',
              reference: request.reference,
            }),
        });
      }
    },

    /**
     * Moves a request along its workflow and records the move; the row is locked, so
     * two concurrent moves cannot both start from the same status.
     */
    async transition(change: TransitionSupportRequest): Promise<SupportRequestRow> {
      let current: SupportRequestRow['status'] | undefined;
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx.select().from(supportRequests).where(eq(supportRequests.id, change.id)).for('update');
          if (!row) throw notFound('SupportRequest', change.id);
          current = row.status;
          checkSupportRequestTransition(row.status, change.status);
          const deploymentId =
            change.deploymentId === undefined ? row.deploymentId : checkDeploymentLink(row.kind, change.deploymentId, 'input.deploymentId');
          const [updated] = await tx
            .update(supportRequests)
            .set({ status: change.status, deploymentId })
            .where(eq(supportRequests.id, change.id))
            .returning();
          await tx.insert(supportRequestTransitions).values({
            id: randomUUID(),
            supportRequestId: change.id,
            fromStatus: row.status,
            toStatus: change.status,
            occurredAt: sql`now()`,
            note: change.note,
          });
          return updated!;
        });
      } catch (error) {
        const illegal = () => illegalSupportRequestTransition(current ?? change.status, change.status);
        rethrowAsTypedError(error, {
          ...SUPPORT_REQUEST_VIOLATIONS,
          support_requests_status_transition: illegal,
          support_request_transitions_legal: illegal,
        });
      }
    },

    /** Figures of many periods in one statement: one row per period, bounds inclusive. */
    async figuresOf(periods: readonly Period[]): Promise<SupportRequestFigures[]> {
      const values = sql.join(
        periods.map((period) => sql`(${period.from}::date, ${period.to}::date)`),
        sql`, `,
      );
      const result = await db.execute(sql`
        select p.from_date::text as "from", p.to_date::text as "to", figures.support_requests as "supportRequests"
        from (values ${values}) as p (from_date, to_date)
        cross join lateral (
          -- The period bounds the scan (index on requested_on); a figure about a subset
          -- of the period's requests would be a count(*) filter (where ...) beside this one.
          select count(*)::int as support_requests
          from ${supportRequests}
          where ${supportRequests.requestedOn} between p.from_date and p.to_date
        ) as figures`);
      return rowsOf<SupportRequestFigures>(result);
    },
  };
}

export type SupportRequestStore = ReturnType<typeof createSupportRequestStore>;

export type { SupportRequestRow, SupportRequestTransitionRow };
