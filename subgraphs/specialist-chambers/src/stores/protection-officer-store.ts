import { randomUUID } from 'node:crypto';
import {
  isInstant,
  tableConnection,
  idPart,
  keyPart,
  notFound,
  rethrowAsTypedError,
  rowsOf,
  type Connection,
  type Db,
  type KeysetOrder,
  type PageArgs,
} from '@mission-graph/service-kit';
import { and, asc, eq, inArray, notExists, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type * as schema from '../db/schema.js';
import {
  protectionOfficerAssignmentEvents as events,
  protectionOfficerAssignmentHeads as heads,
  protectionOfficerAssignments as assignments,
} from '../db/schema.js';
import { headMac, lastMacOf, stepMac, verifyAssignment, type SealedStep } from '../crypto/assignment-seal.js';
import {
  checkApproval,
  checkProposal,
  opensNeedToKnow,
  type AssignmentAction,
  type AssignmentStatus,
} from '../domain/protection-officer-assignment.js';
import { checkWitnessOpen } from '../domain/witness-programme.js';
import type { ProtectedWitnessRow } from './protected-witness-store.js';
import { WITNESS_VIOLATIONS } from './violations.js';
import { lockWitness, type Tx } from './witness-lock.js';
import type { AssignmentEventRow as StoredStepRow } from '../db/schema.js';

/** A step as the graph shows it (its MAC stays in the store). */
export type AssignmentEventRow = Omit<StoredStepRow, 'mac'>;


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

type Reader = Db<typeof schema> | Tx;
type AssignmentFields = typeof assignments.$inferSelect;

const stepOf = (action: AssignmentAction) =>
  sql`exists (select 1 from ${events} where ${events.assignmentId} = ${assignments.id} and ${events.action} = ${action})`;

/** A step's time as its MAC covers it: ISO-8601 in UTC with microseconds, whatever the driver's or server's time zone. */
const isoOf = (column: typeof events.occurredAt | ReturnType<typeof sql>) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** An assignment with its stored steps and head, and what they prove. */
interface Chain {
  row: AssignmentFields;
  steps: SealedStep[];
  status: AssignmentStatus;
}

/**
 * The assignments matching `where`, each with its steps and head, verified under `key`:
 * one statement (need-to-know is decided on every read of a witness).
 */
async function chainsWhere(db: Reader, key: Buffer, where: SQL): Promise<Chain[]> {
  const rows = rowsOf<AssignmentFields & { head: string | null; steps: SealedStep[] | string }>(
    await db.execute(sql`
      select ${assignments.id} as "id", ${assignments.witnessId} as "witnessId", ${assignments.officerSubject} as "officerSubject",
        ${assignments.proposedBy} as "proposedBy",
        (select ${heads.mac} from ${heads} where ${heads.assignmentId} = ${assignments.id}) as "head",
        (select coalesce(json_agg(json_build_object('id', ${events.id}, 'action', ${events.action}, 'actor', ${events.actor},
                  'occurredAt', ${isoOf(events.occurredAt)}, 'mac', ${events.mac})), '[]'::json)
           from ${events} where ${events.assignmentId} = ${assignments.id}) as "steps"
      from ${assignments}
      where ${where}
      order by ${assignments.witnessId}, ${assignments.officerSubject}, ${assignments.id}`),
  );
  return rows.map(({ head, steps: stored, ...row }) => {
    // json arrives parsed from one driver and as text from another.
    const steps = typeof stored === 'string' ? (JSON.parse(stored) as SealedStep[]) : stored;
    return { row, steps, status: verifyAssignment(key, row, steps, head).status };
  });
}

/**
 * The officers whose assignment to these witnesses is approved and not revoked, and
 * whose steps authenticate under the assignment key: a step written around the service
 * (straight into the tables), or a chain missing its newest step, opens nothing. One
 * statement. Also used inside write transactions (a relocation checks need-to-know
 * against the witness row it has locked, so a revocation cannot slip in between).
 */
export async function approvedOfficersOf(db: Reader, key: Buffer, witnessIds: readonly string[]): Promise<ApprovedOfficerRow[]> {
  if (witnessIds.length === 0) return [];
  // What the rows claim narrows the candidates; only a verified chain opens.
  const candidates = await chainsWhere(db, key, and(inArray(assignments.witnessId, [...witnessIds]), stepOf('APPROVED'), sql`not ${stepOf('REVOKED')}`)!);
  const open = candidates.filter((chain) => opensNeedToKnow(chain.status)).map(({ row }) => row);
  // One row per (witness, officer), as two approved assignments of one pair open the same.
  const pairs = new Map(open.map((row) => [JSON.stringify([row.witnessId, row.officerSubject]), row]));
  return [...pairs.values()].map((row) => ({ witnessId: row.witnessId, officerSubject: row.officerSubject }));
}

const proposals = alias(events, 'proposal');

/** Pending proposals, most recently proposed first; the cursor is the proposal's `(occurredAt, id)`. */
const PROPOSALS_ORDER: KeysetOrder<AssignmentEventRow> = {
  direction: 'desc',
  key: [keyPart(events.occurredAt, sql`timestamptz`, isInstant, (row) => row.occurredAt), idPart(events.id)],
};

/**
 * All SQL about who protects which witness: assignments and their append-only history,
 * each step sealed with `key` (the assignment key, crypto/assignment-seal.ts).
 */
export function createProtectionOfficerStore(db: Db<typeof schema>, key: Buffer) {
  /** The assignments with these ids and their chains; the status is what the verified chain gives. */
  async function chainsByIds(ids: readonly string[], tx: Reader = db): Promise<Chain[]> {
    if (ids.length === 0) return [];
    return chainsWhere(tx, key, inArray(assignments.id, [...ids]));
  }

  async function byIds(ids: readonly string[], tx: Reader = db): Promise<AssignmentRow[]> {
    return (await chainsByIds(ids, tx)).map(({ row, status }) => ({ ...row, status }));
  }

  /**
   * Appends a step, chained to the newest stored one, and moves the head to it. Dated by
   * the database's clock (the transaction's start), read first because the MAC covers it.
   */
  async function step(tx: Tx, chain: Pick<Chain, 'row' | 'steps'>, action: AssignmentAction, actor: string): Promise<void> {
    const [now] = rowsOf<{ at: string }>(await tx.execute(sql`select ${isoOf(sql`now()`)} as at`));
    const taken = { id: randomUUID(), action, actor, occurredAt: now!.at };
    const mac = stepMac(key, chain.row, taken, lastMacOf(chain.steps));
    await tx.insert(events).values({ ...taken, assignmentId: chain.row.id, mac });
    const head = headMac(key, chain.row.id, mac);
    await tx.insert(heads).values({ assignmentId: chain.row.id, mac: head }).onConflictDoUpdate({ target: heads.assignmentId, set: { mac: head } });
  }

  return {
    byIds: (ids: readonly string[]) => byIds(ids),

    approvedOfficersOf: (witnessIds: readonly string[]) => approvedOfficersOf(db, key, witnessIds),

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
          const row = { id: randomUUID(), witnessId, officerSubject: officer, proposedBy: proposer };
          await tx.insert(assignments).values(row);
          await step(tx, { row, steps: [] }, 'PROPOSED', proposer);
          const { id } = row;
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
          const [chain] = await chainsByIds([assignmentId], tx);
          const assignment = { ...chain!.row, status: chain!.status };
          checkApproval(approver, assignment);
          checkWitnessOpen(witness.status, 'approve a protection officer');
          await step(tx, chain!, 'APPROVED', approver);
          return { ...assignment, status: 'APPROVED' as const };
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
          for (const chain of await chainsByIds(live.map(({ id }) => id), tx)) await step(tx, chain, 'REVOKED', revoker);
          return witness;
        });
      } catch (error) {
        rethrowAsTypedError(error, WITNESS_VIOLATIONS);
      }
    },
  };
}

export type ProtectionOfficerStore = ReturnType<typeof createProtectionOfficerStore>;

