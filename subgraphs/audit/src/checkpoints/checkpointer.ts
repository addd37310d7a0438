import { desc, sql } from 'drizzle-orm';
import type { Db } from '@mission-graph/service-kit';
import { auditEvents, type schema } from '../db/schema.js';
import { createCheckpointStore, type CheckpointStore } from '../stores/checkpoint-store.js';
import { checkSignature, signCheckpoint, trustedKeys, type SignedCheckpoint } from './checkpoint.js';
import type { SigningKey } from './signing-key.js';
import type { CheckpointSink } from './sink.js';

type AuditDb = Db<typeof schema>;

export interface CheckpointerOptions {
  db: AuditDb;
  key: SigningKey;
  sink: CheckpointSink;
  /** Sign a checkpoint once this many events were appended since the last one. */
  everyEvents: number;
  /** …or once this many seconds passed, if anything was appended (0: only by count). */
  everySeconds: number;
  now?: () => Date;
  log?: (message: string, error?: unknown) => void;
}

/**
 * Signs checkpoints of the chain's head — every N events or T seconds, whichever comes
 * first, and once more when the service stops — and writes each to the audit table and
 * then to the external sink. Runs are serialized here and, across replicas, by an
 * advisory lock held by every write to the table and to the sink: replicas can share one
 * sink (docs/audit.md).
 */
export function createCheckpointer(options: CheckpointerOptions) {
  const { db, key, sink } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((message, error) => console.error(message, error ?? ''));
  const ourKey = trustedKeys([key.verifyKey]);
  let lastSequence = 0;
  let healthy = true;
  let tail: Promise<unknown> = Promise.resolve();
  let queued: Promise<SignedCheckpoint | undefined> | undefined;
  let timer: NodeJS.Timeout | undefined;

  /** Every checkpoint run takes this lock, in each of its transactions: one writer of the table and the sink at a time, across replicas. */
  const lockCheckpoints = (tx: AuditDb) => tx.execute(sql`select pg_advisory_xact_lock(hashtext('audit.audit_checkpoints.write'))`);

  /**
   * Appends to the sink, in order, the checkpoints the table has and the sink lacks at its
   * end (just signed, or missed while the sink was unavailable, replaced, or lost its last
   * lines) — only those this service's key signed, so a row forged into the table is never
   * anchored. Runs under the lock: replicas sharing one sink never write the same line
   * twice, nor two lines at once (on a network volume, concurrent appends can clobber
   * each other).
   */
  const copyMissingToSink = async (table: CheckpointStore, tableLast: SignedCheckpoint | undefined) => {
    const sinkLast = await sink.last();
    if (tableLast && (sinkLast?.number ?? 0) < tableLast.number) {
      for (const missing of await table.after(sinkLast?.number ?? 0)) {
        if (checkSignature(missing, ourKey) === 'valid') await sink.append(missing);
        else log(`audit checkpoint #${missing.number} in the table is not signed by this service's key; not copied to ${sink.description}`);
      }
    }
    return sinkLast;
  };

  /** One run's first transaction, under the lock: bring the sink up to date, then sign and record a new checkpoint. */
  const signInTable = () =>
    db.transaction(async (tx) => {
      await lockCheckpoints(tx as unknown as AuditDb);
      const table = createCheckpointStore(tx as unknown as AuditDb);
      const [head] = await tx
        .select({ sequence: auditEvents.sequence, hash: auditEvents.hash })
        .from(auditEvents)
        .orderBy(desc(auditEvents.sequence))
        .limit(1);
      const last = await table.last();
      const sinkLast = await copyMissingToSink(table, last);

      lastSequence = Math.max(last?.sequence ?? 0, lastSequence);
      if (!head || head.sequence <= (last?.sequence ?? 0)) return undefined;
      const checkpoint = signCheckpoint(
        {
          // Never reuse a number the sink already holds, even if the table lost its row.
          number: Math.max(last?.number ?? 0, sinkLast?.number ?? 0) + 1,
          sequence: head.sequence,
          headHash: head.hash,
          signedAt: now().toISOString(),
        },
        key,
      );
      await table.insert(checkpoint);
      return checkpoint;
    });

  /** One run's second transaction, under the lock again, once the new row is committed: anchor it in the sink. */
  const anchorInSink = () =>
    db.transaction(async (tx) => {
      await lockCheckpoints(tx as unknown as AuditDb);
      const table = createCheckpointStore(tx as unknown as AuditDb);
      await copyMissingToSink(table, await table.last());
    });

  /**
   * The table first, then the sink: a checkpoint reaches the sink only once its row is
   * committed, so a verifier that reads the sink before the table never sees a sink line
   * the table does not have yet. If the sink refuses it, the next run appends it again.
   */
  const run = async () => {
    const checkpoint = await signInTable();
    if (checkpoint) {
      await anchorInSink();
      lastSequence = checkpoint.sequence;
    }
    return checkpoint;
  };

  /** Signs a checkpoint of the current head now (nothing if the head is already covered). */
  const checkpoint = (): Promise<SignedCheckpoint | undefined> => {
    if (queued) return queued;
    const next = tail.then(() => {
      queued = undefined;
      return run();
    });
    queued = next;
    tail = next.then(
      () => {
        healthy = true;
      },
      (error: unknown) => {
        healthy = false;
        log(`audit checkpoint could not be written (table or ${sink.description}); the newest events are not anchored yet:`, error);
      },
    );
    return next;
  };

  const checkpointInBackground = () => {
    checkpoint().catch(() => {}); // logged above
  };

  return {
    checkpoint,

    /** Told after every committed batch: signs once `everyEvents` accumulated. */
    noteAppended(headSequence: number) {
      if (headSequence - lastSequence >= options.everyEvents) checkpointInBackground();
    },

    /** Starts the timer, and anchors whatever a previous run left unanchored. */
    start() {
      checkpointInBackground();
      if (options.everySeconds > 0) {
        timer = setInterval(checkpointInBackground, options.everySeconds * 1000);
        timer.unref();
      }
    },

    /** Stops the timer and signs a last checkpoint, so a clean stop leaves nothing unanchored. */
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await checkpoint().catch(() => {});
    },

    /** Resolves once no checkpoint is being written or waiting to be (tests wait on it). */
    settled: async () => {
      await tail;
    },

    /** False while the last attempt failed: events are recorded but not anchored (readiness says so). */
    isHealthy: () => healthy,
  };
}

export type Checkpointer = ReturnType<typeof createCheckpointer>;
