import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import {
  notACursor,
  readPageArgs,
  rowsOf,
  toConnection,
  type Db,
  type PageArgs,
} from '@mission-graph/service-kit';
import { auditEvents, type AuditEventRow, type schema } from '../db/schema.js';
import { chainHash, GENESIS_HASH, type AuditEventInput, type ChainedContent } from '../domain/audit-event.js';

type AuditDb = Db<typeof schema>;

export interface AuditEventFilter {
  principal?: string | null;
  entityType?: string | null;
  entityId?: string | null;
  fieldCoordinate?: string | null;
  from?: string | null;
  to?: string | null;
  breakGlass?: boolean | null;
}

/** The content a row's hash covers, rebuilt from the row (for appending and verifying alike). */
export function contentOf(row: AuditEventRow): ChainedContent {
  return {
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    kind: row.kind,
    principal: row.principal,
    clientId: row.clientId,
    operationName: row.operationName,
    documentHash: row.documentHash,
    purpose: row.purpose,
    breakGlassJustification: row.breakGlassJustification,
    fieldCoordinates: row.fieldCoordinates,
    entities: row.entities,
    requestId: row.requestId,
  };
}

export interface ChainBreak {
  sequence: number;
  id: string;
  reason: string;
}

interface PendingAppend {
  input: AuditEventInput;
  resolve: (row: AuditEventRow) => void;
  reject: (error: unknown) => void;
}

/** Largest batch written in one transaction. */
const MAX_BATCH = 200;

export function createAuditEventStore(db: AuditDb) {
  const queue: PendingAppend[] = [];
  let writing = false;

  const writeBatch = (batch: readonly PendingAppend[]) =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('audit.audit_events.append'))`);
      const [last] = await tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.sequence)).limit(1);
      let previousHash = last?.hash ?? GENESIS_HASH;
      const rows: AuditEventRow[] = [];
      for (const { input } of batch) {
        const content: ChainedContent = {
          ...input,
          id: randomUUID(),
          // Millisecond precision: what a JS Date, and so the verifier, can reproduce.
          occurredAt: new Date().toISOString(),
        };
        const hash = chainHash(previousHash, content);
        const [row] = await tx
          .insert(auditEvents)
          .values({
            ...input,
            id: content.id,
            occurredAt: new Date(content.occurredAt),
            breakGlass: input.breakGlassJustification !== null,
            previousHash,
            hash,
          })
          .returning();
        rows.push(row!);
        previousHash = hash;
      }
      return rows;
    });

  const drain = async () => {
    if (writing) return;
    writing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, MAX_BATCH);
        try {
          const rows = await writeBatch(batch);
          batch.forEach((pending, index) => pending.resolve(rows[index]!));
        } catch (error) {
          // Nothing of the batch was committed: every caller hears so.
          batch.forEach((pending) => pending.reject(error));
        }
      }
    } finally {
      writing = false;
    }
  };

  return {
    /**
     * Appends one event, sealed to the last one; resolves once it is committed.
     * Group commit: events that arrive while a batch is being written go together in
     * the next transaction, chained in arrival order — one commit for many events
     * instead of one each. Batches are serialized by an advisory lock, so replicas
     * never chain two events to the same predecessor.
     */
    append(input: AuditEventInput): Promise<AuditEventRow> {
      return new Promise((resolve, reject) => {
        queue.push({ input, resolve, reject });
        void drain();
      });
    },

    /** Newest first, keyset-paginated on the chain position. */
    async list(filter: AuditEventFilter, args: PageArgs) {
      const page = readPageArgs(args, 1);
      const where = conditions(filter);
      const after = page.after ? decodeSequence(page.after[0]!) : undefined;
      const rows = await db
        .select()
        .from(auditEvents)
        .where(and(...where, after === undefined ? undefined : lt(auditEvents.sequence, after)))
        .orderBy(desc(auditEvents.sequence))
        .limit(page.size + 1);
      return toConnection(rows, page, (row) => [row.sequence], async () => {
        const [total] = await db.select({ n: count() }).from(auditEvents).where(and(...where));
        return total?.n ?? 0;
      });
    },

    /** Walks the whole chain in order; returns the first event that does not hold, if any. */
    async verify(batchSize = 1000): Promise<{ checked: number; broken?: ChainBreak }> {
      let previousHash = GENESIS_HASH;
      let previousSequence = 0;
      let checked = 0;
      for (;;) {
        const rows = await db
          .select()
          .from(auditEvents)
          .where(gt(auditEvents.sequence, previousSequence))
          .orderBy(asc(auditEvents.sequence))
          .limit(batchSize);
        if (rows.length === 0) return { checked };
        for (const row of rows) {
          const at = { sequence: row.sequence, id: row.id };
          if (row.previousHash !== previousHash) {
            return { checked, broken: { ...at, reason: 'does not follow the event before it (an event was deleted, inserted or reordered)' } };
          }
          if (chainHash(previousHash, contentOf(row)) !== row.hash) {
            return { checked, broken: { ...at, reason: 'its content does not match its hash (the event was edited)' } };
          }
          previousHash = row.hash;
          previousSequence = row.sequence;
          checked += 1;
        }
      }
    },

    /** Raw access for tests of the database-level refusals. */
    rows: (query: SQL) => db.execute(query).then((result) => rowsOf(result)),
  };
}

export type AuditEventStore = ReturnType<typeof createAuditEventStore>;

function decodeSequence(value: string | number): number {
  const sequence = Number(value);
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw notACursor();
  return sequence;
}

function conditions(filter: AuditEventFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.principal) where.push(eq(auditEvents.principal, filter.principal));
  if (filter.entityType && filter.entityId) {
    where.push(sql`${auditEvents.entities} @> ${JSON.stringify([{ type: filter.entityType, id: filter.entityId }])}::jsonb`);
  } else if (filter.entityType) {
    where.push(sql`${auditEvents.entities} @> ${JSON.stringify([{ type: filter.entityType }])}::jsonb`);
  } else if (filter.entityId) {
    where.push(sql`${auditEvents.entities} @> ${JSON.stringify([{ id: filter.entityId }])}::jsonb`);
  }
  if (filter.fieldCoordinate) where.push(sql`${auditEvents.fieldCoordinates} @> array[${filter.fieldCoordinate}]::text[]`);
  if (filter.from) where.push(gte(auditEvents.occurredAt, new Date(filter.from)));
  if (filter.to) where.push(lte(auditEvents.occurredAt, new Date(filter.to)));
  if (filter.breakGlass !== undefined && filter.breakGlass !== null) where.push(eq(auditEvents.breakGlass, filter.breakGlass));
  return where;
}
