import { asc, desc, gt } from 'drizzle-orm';
import type { Db } from '@mission-graph/service-kit';
import type { SignedCheckpoint } from '../checkpoints/checkpoint.js';
import { auditCheckpoints, type AuditCheckpointRow, type schema } from '../db/schema.js';

type AuditDb = Db<typeof schema>;

export function checkpointOfRow(row: AuditCheckpointRow): SignedCheckpoint {
  return {
    number: row.number,
    sequence: row.sequence,
    headHash: row.headHash,
    signedAt: row.signedAt.toISOString(),
    keyId: row.keyId,
    signature: row.signature,
  };
}

/** The database's copy of the signed checkpoints (append-only, like the events). */
export function createCheckpointStore(db: AuditDb) {
  return {
    async last(): Promise<SignedCheckpoint | undefined> {
      const [row] = await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.number)).limit(1);
      return row && checkpointOfRow(row);
    },

    /** Checkpoints numbered above `number`, in order. */
    async after(number: number, limit = 1000): Promise<SignedCheckpoint[]> {
      const rows = await db
        .select()
        .from(auditCheckpoints)
        .where(gt(auditCheckpoints.number, number))
        .orderBy(asc(auditCheckpoints.number))
        .limit(limit);
      return rows.map(checkpointOfRow);
    },

    /** Every checkpoint, in order. */
    async all(): Promise<SignedCheckpoint[]> {
      const rows = await db.select().from(auditCheckpoints).orderBy(asc(auditCheckpoints.number));
      return rows.map(checkpointOfRow);
    },

    async insert(checkpoint: SignedCheckpoint): Promise<void> {
      await db.insert(auditCheckpoints).values({ ...checkpoint, signedAt: new Date(checkpoint.signedAt) });
    },
  };
}

export type CheckpointStore = ReturnType<typeof createCheckpointStore>;
