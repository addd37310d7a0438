import type { AuditAppendReceipt, AuditEventInput, Db } from '@mission-graph/service-kit';
import { createCheckpointer } from './checkpoints/checkpointer.js';
import type { SigningKey } from './checkpoints/signing-key.js';
import type { CheckpointSink } from './checkpoints/sink.js';
import type { schema } from './db/schema.js';
import { contentOfInput, type EventContent } from './domain/audit-event.js';
import { createDenialLimiter, DEFAULT_DENIAL_LIMITS, type DenialLimits } from './domain/denial-limiter.js';
import { createAuditEventStore } from './stores/audit-event-store.js';
import { createCheckpointStore } from './stores/checkpoint-store.js';

export interface TrailOptions {
  db: Db<typeof schema>;
  /** Signs checkpoints and every event; never stored in the database. */
  signingKey: SigningKey;
  /** Where checkpoints go besides the table. */
  sink: CheckpointSink;
  /** Sign a checkpoint every N events… */
  checkpointEveryEvents: number;
  /** …or every T seconds (if anything was appended). */
  checkpointEverySeconds: number;
  denialLimits?: DenialLimits;
  /** The clock (tests move it). */
  now?: () => Date;
  log?: (message: string, error?: unknown) => void;
}

/**
 * The audit trail as a whole: the event store (group-committed, hash-chained appends),
 * the checkpointer that signs its head and anchors it outside the database, and the
 * per-principal limit that keeps denied attempts from flooding it.
 */
export function createTrail(options: TrailOptions) {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((message, error) => console.error(message, error ?? ''));
  // Late-bound: the store tells the checkpointer about appends, the checkpointer reads the store's table.
  let noteAppended = (_head: number) => {};
  const events = createAuditEventStore(options.db, { signingKey: options.signingKey, onAppended: (head) => noteAppended(head) });
  const checkpoints = createCheckpointStore(options.db);
  const checkpointer = createCheckpointer({
    db: options.db,
    key: options.signingKey,
    sink: options.sink,
    everyEvents: options.checkpointEveryEvents,
    everySeconds: options.checkpointEverySeconds,
    now,
    log,
  });
  noteAppended = (head) => checkpointer.noteAppended(head);
  const denialLimits = options.denialLimits ?? DEFAULT_DENIAL_LIMITS;
  const limiter = createDenialLimiter(denialLimits);
  let flushTimer: NodeJS.Timeout | undefined;

  /** Writes rate-limit summaries, each on its own (one failing does not take the others). */
  const writeSummaries = (summaries: readonly EventContent[]) =>
    Promise.all(
      summaries.map((content) =>
        events.append({ content }).catch((error: unknown) => {
          log(`audit: a summary of ${content.repeatCount} denied attempts by ${content.principal} could not be recorded:`, error);
        }),
      ),
    );

  return {
    events,
    checkpoints,
    checkpointer,
    signingKey: options.signingKey,
    sink: options.sink,

    /**
     * Records what the gateway reports, all of it or none (DENIED events over their
     * principal's limit are counted into a summary instead); resolves with one receipt
     * per event once committed.
     */
    async record(inputs: readonly AuditEventInput[]): Promise<AuditAppendReceipt[]> {
      const nowMs = now().getTime();
      const planned = inputs.map((input) => {
        const event = contentOfInput(input);
        if (event.content.kind !== 'DENIED') return { event, collapsed: false };
        const { decision, due } = limiter.admit(event.content, nowMs);
        // The previous window's summary goes into the trail before this window's events.
        if (due.length > 0) void writeSummaries(due);
        return { event, collapsed: decision === 'collapse' };
      });
      const stored = await events.appendAll(planned.filter((p) => !p.collapsed).map((p) => p.event));
      let next = 0;
      return planned.map(({ collapsed }): AuditAppendReceipt => {
        if (collapsed) return { status: 'COLLAPSED' };
        const { status, row } = stored[next++]!;
        return { status, id: row.id, sequence: row.sequence, hash: row.hash };
      });
    },

    /** Writes the summaries of denial windows that ended (all of them with `everything`). */
    flushDenials: (everything = false) => writeSummaries(limiter.takeDue(now().getTime(), everything)),

    start() {
      checkpointer.start();
      flushTimer = setInterval(() => void writeSummaries(limiter.takeDue(now().getTime())), denialLimits.windowSeconds * 1000);
      flushTimer.unref();
    },

    /** Flushes pending denial summaries, waits for appends in flight, and signs a last checkpoint. */
    async stop() {
      if (flushTimer) clearInterval(flushTimer);
      await writeSummaries(limiter.takeDue(now().getTime(), true));
      await events.settled();
      await checkpointer.stop();
    },
  };
}

export type Trail = ReturnType<typeof createTrail>;
