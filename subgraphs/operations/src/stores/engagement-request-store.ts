import { rethrowAsTypedError } from '@mission-graph/service-kit';
import { conflict, notFound } from '@mission-graph/service-kit';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { engagementRequests, incidents, type OperationsDb, type SecurityResponderCode } from '../db/schema.js';
import {
  checkDecisionTransition,
  checkRequesterEngaged,
  nextTierOf,
  type EngagementDecision,
} from '../domain/engagement.js';
import { requireNotBefore } from '../domain/text.js';
import { onlyRow } from './rows.js';
import { OPERATIONS_VIOLATIONS } from './violations.js';
import type { EngagementRequestRow } from '../db/schema.js';


export interface RequestEngagementInput {
  incidentId: string;
  fromResponder: SecurityResponderCode;
  requestedAt: string;
}

const LIVE = ['PENDING', 'ACCEPTED'] as const;

export function createEngagementRequestStore(db: OperationsDb) {
  /** Moves a pending request to `decision` at `at`, in one transaction with the row locked. */
  async function answer(id: string, decision: EngagementDecision, at: string, argument: string) {
    try {
      return await db.transaction(async (tx) => {
        const [current] = await tx.select().from(engagementRequests).where(eq(engagementRequests.id, id)).for('update');
        if (!current) throw notFound('EngagementRequest', id);
        checkDecisionTransition(id, current.decision, decision);
        requireNotBefore(at, current.requestedAt, argument, 'the request');
        return onlyRow(
          await tx
            .update(engagementRequests)
            .set({ decision, decidedAt: at })
            .where(and(eq(engagementRequests.id, id), eq(engagementRequests.decision, 'PENDING')))
            .returning(),
        );
      });
    } catch (error) {
      return rethrowAsTypedError(error, OPERATIONS_VIOLATIONS);
    }
  }

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

    /**
     * A responder asks the next tier up. The incident row is locked, so two requests
     * about one incident are checked one after the other.
     */
    async request(input: RequestEngagementInput): Promise<EngagementRequestRow> {
      const toResponder = nextTierOf(input.fromResponder);
      try {
        return await db.transaction(async (tx) => {
          const [incident] = await tx.select().from(incidents).where(eq(incidents.id, input.incidentId)).for('update');
          if (!incident) throw notFound('Incident', input.incidentId);
          requireNotBefore(input.requestedAt, incident.occurredAt, 'input.requestedAt', 'the incident');
          const tiers = await tx
            .select({ toResponder: engagementRequests.toResponder, decision: engagementRequests.decision })
            .from(engagementRequests)
            .where(
              and(
                eq(engagementRequests.incidentId, input.incidentId),
                inArray(engagementRequests.decision, [...LIVE]),
                inArray(engagementRequests.toResponder, [input.fromResponder, toResponder]),
              ),
            );
          checkRequesterEngaged(
            input.fromResponder,
            tiers.some((r) => r.toResponder === input.fromResponder && r.decision === 'ACCEPTED'),
          );
          const live = tiers.find((r) => r.toResponder === toResponder);
          if (live) {
            throw conflict(`a request to ${toResponder} on this incident is already ${live.decision}`, {
              currentState: live.decision,
              requestedState: 'PENDING',
            });
          }
          return onlyRow(
            await tx
              .insert(engagementRequests)
              .values({
                id: randomUUID(),
                incidentId: input.incidentId,
                fromResponder: input.fromResponder,
                toResponder,
                requestedAt: input.requestedAt,
              })
              .returning(),
          );
        });
      } catch (error) {
        return rethrowAsTypedError(error, OPERATIONS_VIOLATIONS);
      }
    },

    decide: (id: string, decision: 'ACCEPTED' | 'DECLINED', decidedAt: string) =>
      answer(id, decision, decidedAt, 'input.decidedAt'),

    withdraw: (id: string, withdrawnAt: string) => answer(id, 'WITHDRAWN', withdrawnAt, 'input.withdrawnAt'),
  };
}

export type { EngagementRequestRow };

export type EngagementRequestStore = ReturnType<typeof createEngagementRequestStore>;
