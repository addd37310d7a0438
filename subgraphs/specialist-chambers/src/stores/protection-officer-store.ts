import { randomUUID } from 'node:crypto';
import {
  isInstant,
  tableConnection,
  idPart,
  keyPart,
  notFound,
  rethrowAsTypedError,
  type Connection,
  type Db,
  type KeysetOrder,
  type PageArgs,
} from '@mission-graph/service-kit';
import { and, asc, eq, inArray, notExists, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type * as schema from '../db/schema.js';
import { protectionOfficerAssignmentEvents as events, protectionOfficerAssignments as assignments } from '../db/schema.js';
import {
  assignmentStatus,
  checkApproval,
  checkProposal,
  type AssignmentAction,
  type AssignmentStatus,
} from '../domain/protection-officer-assignment.js';
import { checkWitnessOpen } from '../domain/witness-programme.js';
import type { ProtectedWitnessRow } from './protected-witness-store.js';
import { WITNESS_VIOLATIONS } from './violations.js';
import { lockWitness, type Tx } from './witness-lock.js';
import type { AssignmentEventRow } from '../db/schema.js';


/** An assignment as the graph shows it: who, for whom, where it stands. */
export interface AssignmentRow {
  id: string;
  witnessId: string;
  officerSubject: string;
  proposedBy: string;
  status: AssignmentStatus;
}

/** An approved, unrevoked assignment: the basis of need-to-know. */
export interface ApprovedOfficerRow {
  witnessId: string;
  officerSubject: string;
}

const stepOf = (action: AssignmentAction) =>
  sql`exists (select 1 from ${events} where ${events.assignmentId} = ${assignments.id} and ${events.action} = ${action})`;

/**
 * The officers whose assignment to these witnesses is approved and not revoked, in one
 * statement. Also used inside write transactions (a relocation checks need-to-know
 * against the witness row it has locked, so a revocation cannot slip in between).
 */
export function approvedOfficersOf(db: Db<typeof schema> | Tx, witnessIds: readonly string[]): Promise<ApprovedOfficerRow[]> {
  return db
    .selectDistinct({ witnessId: assignments.witnessId, officerSubject: assignments.officerSubject })
    .from(assignments)
    .where(and(inArray(assignments.witnessId, [...witnessIds]), stepOf('APPROVED'), sql`not ${stepOf('REVOKED')}`))
    .orderBy(asc(assignments.witnessId), asc(assignments.officerSubject));
}

const proposals = alias(events, 'proposal');

/** Pending proposals, most recently proposed first; the cursor is the proposal's `(occurredAt, id)`. */
const PROPOSALS_ORDER: KeysetOrder<AssignmentEventRow> = {
  direction: 'desc',
  key: [keyPart(events.occurredAt, sql`timestamptz`, isInstant, (row) => row.occurredAt), idPart(events.id)],
};

/** All SQL about who protects which witness: assignments and their append-only history. */
export function createProtectionOfficerStore(db: Db<typeof schema>) {
  /** The assignments with these ids, each with the status its history gives it (two statements). */
  async function byIds(ids: readonly string[], tx: Db<typeof schema> | Tx = db): Promise<AssignmentRow[]> {
    const rows = await tx.select().from(assignments).where(inArray(assignments.id, [...ids]));
    const steps = await tx
      .select({ assignmentId: events.assignmentId, action: events.action })
      .from(events)
      .where(inArray(events.assignmentId, rows.map((row) => row.id)));
    return rows.map((row) => ({
      ...row,
      status: assignmentStatus(steps.filter((step) => step.assignmentId === row.id).map((step) => step.action)),
    }));
  }

  async function step(tx: Tx, assignmentId: string, action: AssignmentAction, actor: string): Promise<void> {
    await tx.insert(events).values({ id: randomUUID(), assignmentId, action, actor, occurredAt: sql`now()` });
  }

  return {
    byIds: (ids: readonly string[]) => byIds(ids),

    approvedOfficersOf: (witnessIds: readonly string[]) => approvedOfficersOf(db, witnessIds),

    /** Every step of these assignments, in one statement; each assignment's oldest first. */
    historyOf(assignmentIds: readonly string[]): Promise<AssignmentEventRow[]> {
      return db
        .select({
          id: events.id,
          assignmentId: events.assignmentId,
          action: events.action,
          actor: events.actor,
          // ISO-8601 in UTC whatever the driver's or server's time zone.
          occurredAt: sql<string>`to_char(${events.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
        })
        .from(events)
        .where(inArray(events.assignmentId, [...assignmentIds]))
        .orderBy(asc(events.assignmentId), asc(events.occurredAt), asc(events.id));
    },

    /** Proposals awaiting a second principal's approval (neither approved nor revoked). */
    async pendingProposals(args: PageArgs): Promise<Connection<AssignmentRow>> {
      const pending = and(
        eq(events.action, 'PROPOSED'),
        notExists(
          db
            .select({ one: sql`1` })
            .from(proposals)
            .where(and(eq(proposals.assignmentId, events.assignmentId), inArray(proposals.action, ['APPROVED', 'REVOKED']))),
        ),
      );
      const page = await tableConnection(db, events, PROPOSALS_ORDER, pending, args);
      const rows = new Map((await byIds(page.edges.map((edge) => edge.node.assignmentId))).map((row) => [row.id, row]));
      // Not spread: reading `totalCount` would count now, selected or not.
      return {
        edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: rows.get(edge.node.assignmentId)! })),
        pageInfo: page.pageInfo,
        get totalCount() {
          return page.totalCount;
        },
      };
    },

    /**
     * Records a proposal (the first pair of eyes). Always a new proposal, even when the
     * officer already protects the witness: answering otherwise would tell the caller so.
     */
    async propose(witnessId: string, officer: string, proposer: string): Promise<AssignmentRow> {
      checkProposal(proposer, officer);
      try {
        return await db.transaction(async (tx) => {
          const witness = await lockWitness(tx, witnessId);
          checkWitnessOpen(witness.status, 'propose a protection officer');
          const id = randomUUID();
          await tx.insert(assignments).values({ id, witnessId, officerSubject: officer, proposedBy: proposer });
          await step(tx, id, 'PROPOSED', proposer);
          return { id, witnessId, officerSubject: officer, proposedBy: proposer, status: 'PROPOSED' as const };
        });
      } catch (error) {
        rethrowAsTypedError(error, WITNESS_VIOLATIONS);
      }
    },

    /** Approves a pending proposal (the second pair of eyes); from now on the officer has need-to-know. */
    async approve(assignmentId: string, approver: string): Promise<AssignmentRow> {
      try {
        return await db.transaction(async (tx) => {
          const [found] = await byIds([assignmentId], tx);
          if (!found) throw notFound('ProtectionOfficerAssignment', assignmentId);
          const witness = await lockWitness(tx, found.witnessId);
          // Read again under the witness's lock: a concurrent approval or revocation has settled.
          const [assignment] = await byIds([assignmentId], tx);
          checkApproval(approver, assignment!);
          checkWitnessOpen(witness.status, 'approve a protection officer');
          await step(tx, assignmentId, 'APPROVED', approver);
          return { ...assignment!, status: 'APPROVED' as const };
        });
      } catch (error) {
        rethrowAsTypedError(error, WITNESS_VIOLATIONS);
      }
    },

    /**
     * Ends every live (proposed or approved) assignment of this officer to this witness:
     * from the next request on, the officer sees nothing of the witness. Answers the same
     * whether there was anything to revoke or not.
     */
    async revoke(witnessId: string, officer: string, revoker: string): Promise<ProtectedWitnessRow> {
      try {
        return await db.transaction(async (tx) => {
          const witness = await lockWitness(tx, witnessId);
          const live = await tx
            .select({ id: assignments.id })
            .from(assignments)
            .where(and(eq(assignments.witnessId, witnessId), eq(assignments.officerSubject, officer), sql`not ${stepOf('REVOKED')}`));
          for (const { id } of live) await step(tx, id, 'REVOKED', revoker);
          return witness;
        });
      } catch (error) {
        rethrowAsTypedError(error, WITNESS_VIOLATIONS);
      }
    },
  };
}

export type ProtectionOfficerStore = ReturnType<typeof createProtectionOfficerStore>;

export type { AssignmentEventRow };
