import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import {
  databaseViolation,
  isWholeNumber,
  keyPart,
  SQLSTATE,
  tableConnection,
  type Connection,
  type DenialReason,
  type Db,
  type KeysetOrder,
  type PageArgs,
} from '@mission-graph/service-kit';
import { signEvent } from '../checkpoints/event-signature.js';
import type { SigningKey } from '../checkpoints/signing-key.js';
import { auditEvents, type AuditEventRow, type EventKind, type schema } from '../db/schema.js';
import { planAppend, referencedIds, type References } from '../domain/append-rules.js';
import { CURRENT_HASH_VERSION, eventHash, GENESIS_HASH, type NewEvent } from '../domain/audit-event.js';

type AuditDb = Db<typeof schema>;

/**
 * The trail's reading order: newest first by chain position, which is unique (no
 * tie-breaker needed) and the primary key (every page is an index scan).
 */
const NEWEST_FIRST: KeysetOrder<AuditEventRow> = {
  direction: 'desc',
  key: [keyPart(auditEvents.sequence, sql`bigint`, isWholeNumber, (row) => String(row.sequence))],
};

/** A record named in a filter: type, id, or both. */
export interface EntityFilter {
  type?: string | null;
  id?: string | null;
}

export interface AuditEventFilter {
  kind?: EventKind | null;
  principal?: string | null;
  /** Events naming this record, directly or as the owner of a record they name. */
  entity?: EntityFilter | null;
  /** Older spelling of `entity`. */
  entityType?: string | null;
  entityId?: string | null;
  fieldCoordinate?: string | null;
  from?: string | null;
  to?: string | null;
  breakGlass?: boolean | null;
  /** Events that have (true) or have not (false) been reviewed. */
  reviewed?: boolean | null;
  /** INTENT events without an OUTCOME (true), or every other event (false). */
  openIntent?: boolean | null;
  denialReason?: DenialReason | null;
}

/** What became of an event handed to `append`. */
export interface StoredReceipt {
  status: 'RECORDED' | 'DUPLICATE';
  row: AuditEventRow;
}

interface PendingAppend {
  events: readonly NewEvent[];
  resolve: (receipts: StoredReceipt[]) => void;
  reject: (error: unknown) => void;
}

/** Largest number of events written in one transaction. */
const MAX_BATCH = 200;

/** How often a batch may lose the head to another replica before its callers hear so. */
const MAX_HEAD_RACES = 10;

export interface AuditEventStoreOptions {
  /** Signs every event it seals (over its hash): the key of the checkpoints, never in the database. */
  signingKey: SigningKey;
  /** Called after every committed batch with the new head position (checkpoints follow it). */
  onAppended?: (headSequence: number) => void;
}

export function createAuditEventStore(db: AuditDb, options: AuditEventStoreOptions) {
  const queue: PendingAppend[] = [];
  let writing = false;
  let drained: Promise<void> = Promise.resolve();

  /** Events already stored that a batch names: client-chosen ids, intents, reviewed events. */
  const loadReferences = async (tx: AuditDb, batch: readonly PendingAppend[]): Promise<References> => {
    const named = new Set(batch.flatMap(({ events }) => [...referencedIds(events)]));
    const references = emptyReferences();
    // The common case — disclosures, intents — costs no extra statement.
    if (named.size === 0) return references;
    const ids = [...named];
    const rows = await tx
      .select()
      .from(auditEvents)
      .where(or(inArray(auditEvents.id, ids), inArray(auditEvents.intentId, ids), inArray(auditEvents.reviewedEventId, ids)));
    for (const row of rows) {
      if (named.has(row.id)) references.byId.set(row.id, row);
      if (row.intentId && named.has(row.intentId)) references.closedIntents.add(row.intentId);
      if (row.reviewedEventId && named.has(row.reviewedEventId)) references.reviewedEvents.add(row.reviewedEventId);
    }
    return references;
  };

  /**
   * Seals the batch's events onto `chain` (advancing it), request by request: a request
   * the rules refuse is refused as a whole, before any of it is chained.
   */
  const sealBatch = (batch: readonly PendingAppend[], references: References, chain: ChainHead) => {
    const rows: AuditEventRow[] = [];
    const outcomes: (StoredReceipt[] | Error)[] = batch.map(({ events }) => {
      try {
        // Checked as a whole before any of it is chained: a refused event refuses its request.
        const planned = planAppend(events, references);
        return planned.map((step) => {
          if (step.duplicate) return { status: 'DUPLICATE' as const, row: step.duplicate };
          const row = seal(step.event, chain, options.signingKey);
          rows.push(row);
          references.byId.set(row.id, row);
          if (row.intentId) references.closedIntents.add(row.intentId);
          if (row.reviewedEventId) references.reviewedEvents.add(row.reviewedEventId);
          return { status: 'RECORDED' as const, row };
        });
      } catch (error) {
        return error as Error;
      }
    });
    return { rows, outcomes };
  };

  /** The careful path: under the append lock, reading the head and what the batch names from the table. */
  const writeUnderLock = (batch: readonly PendingAppend[]) =>
    db.transaction(async (tx) => {
      // One writer at a time, across replicas: every batch extends the head it read.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('audit.audit_events.append'))`);
      const [head] = await tx
        .select({ sequence: auditEvents.sequence, hash: auditEvents.hash })
        .from(auditEvents)
        .orderBy(desc(auditEvents.sequence))
        .limit(1);
      const references = await loadReferences(tx as unknown as AuditDb, batch);
      const chain = { sequence: head?.sequence ?? 0, hash: head?.hash ?? GENESIS_HASH };
      const { rows, outcomes } = sealBatch(batch, references, chain);
      for (let start = 0; start < rows.length; start += MAX_BATCH) {
        await insertRows(tx as unknown as AuditDb, rows.slice(start, start + MAX_BATCH));
      }
      return { outcomes, head: chain };
    });

  /**
   * The fast path: one INSERT statement (atomic on its own, one round trip) chained onto the
   * head this process itself wrote last. Safe without the lock because the database decides:
   * its trigger refuses a row anywhere but at the current head and the primary key refuses a
   * second row at one position, so if another replica (or anyone) appended meanwhile, the
   * statement fails whole and the caller takes the careful path.
   */
  const writeAtKnownHead = async (batch: readonly PendingAppend[], head: ChainHead) => {
    const chain = { ...head };
    const { rows, outcomes } = sealBatch(batch, emptyReferences(), chain);
    if (rows.length > 0) await insertRows(db, rows);
    return { outcomes, head: chain };
  };

  /** The head this process committed last; forgotten on any failure (the table then tells). */
  let knownHead: ChainHead | undefined;

  const writeBatch = async (batch: readonly PendingAppend[]) => {
    // Batches that name stored events (client ids, intents, reviews) need the table read: careful path.
    const fast = knownHead && batch.every(({ events }) => referencedIds(events).size === 0) && batch.reduce((n, { events }) => n + events.length, 0) <= MAX_BATCH;
    if (fast) {
      try {
        const written = await writeAtKnownHead(batch, knownHead!);
        knownHead = written.head;
        return written;
      } catch (error) {
        knownHead = undefined;
        // Only a lost race for the head is retried; anything else (the database gone, a
        // commit whose answer was lost) is reported, never written a second time.
        if (!isChainConflict(error)) throw error;
      }
    }
    // The lock orders the careful writers, not another replica's fast path: that one can
    // still take the head between our read and our insert. The database refuses ours then
    // (nothing of it committed), and we read the head again.
    for (let attempt = 1; ; attempt += 1) {
      try {
        const written = await writeUnderLock(batch);
        knownHead = written.head;
        return written;
      } catch (error) {
        knownHead = undefined;
        if (!isChainConflict(error) || attempt >= MAX_HEAD_RACES) throw error;
      }
    }
  };

  const drain = async () => {
    if (writing) return;
    writing = true;
    let done = () => {};
    drained = new Promise((resolve) => (done = resolve));
    try {
      while (queue.length > 0) {
        // Whole requests only: a request's events are written together or not at all.
        let size = 0;
        let take = 0;
        while (take < queue.length && (take === 0 || size + queue[take]!.events.length <= MAX_BATCH)) {
          size += queue[take]!.events.length;
          take += 1;
        }
        const batch = queue.splice(0, take);
        try {
          const { outcomes, head } = await writeBatch(batch);
          batch.forEach((pending, index) => {
            const outcome = outcomes[index]!;
            if (outcome instanceof Error) pending.reject(outcome);
            else pending.resolve(outcome);
          });
          options.onAppended?.(head.sequence);
        } catch (error) {
          // Nothing of the batch was committed: every caller hears so.
          batch.forEach((pending) => pending.reject(error));
        }
      }
    } finally {
      writing = false;
      done();
    }
  };

  return {
    /** Resolves once every append handed in so far has been written (or refused): before closing the database. */
    settled: () => drained,

    /**
     * Appends events, sealed to the chain in order; resolves once they are committed.
     * The events of one call are written together or not at all. Group commit: calls that
     * arrive while a batch is being written go together in the next transaction, chained
     * in arrival order — one commit for many events instead of one each. A batch that
     * names no stored event goes in one statement onto the head this process wrote last;
     * otherwise, or when that head moved, batches are serialized by an advisory lock.
     * Either way the database refuses an insert anywhere but at the head, so replicas
     * never chain two events to the same predecessor.
     */
    appendAll(events: readonly NewEvent[]): Promise<StoredReceipt[]> {
      if (events.length === 0) return Promise.resolve([]);
      return new Promise((resolve, reject) => {
        queue.push({ events, resolve, reject });
        void drain();
      });
    },

    async append(event: NewEvent): Promise<StoredReceipt> {
      const [receipt] = await this.appendAll([event]);
      return receipt!;
    },

    /** Newest first: the kit's keyset pagination, on the chain position. */
    connection(filter: AuditEventFilter, args: PageArgs): Promise<Connection<AuditEventRow>> {
      return tableConnection(db, auditEvents, NEWEST_FIRST, and(...conditions(filter)), args);
    },

    async byId(id: string): Promise<AuditEventRow | undefined> {
      const [row] = await db.select().from(auditEvents).where(eq(auditEvents.id, id));
      return row;
    },

    /** The OUTCOME closing each of these INTENTs, where there is one (one statement; at most one each). */
    async outcomesOf(intentIds: readonly string[]): Promise<AuditEventRow[]> {
      return db.select().from(auditEvents).where(inArray(auditEvents.intentId, [...intentIds]));
    },

    /** The REVIEW of each of these break-glass events, where there is one (one statement; at most one each). */
    async reviewsOf(eventIds: readonly string[]): Promise<AuditEventRow[]> {
      return db.select().from(auditEvents).where(inArray(auditEvents.reviewedEventId, [...eventIds]));
    },

    /** Events from position `after + 1` on, in chain order (verification walks these). */
    async eventsAfter(after: number, limit: number): Promise<AuditEventRow[]> {
      return db.select().from(auditEvents).where(gt(auditEvents.sequence, after)).orderBy(asc(auditEvents.sequence)).limit(limit);
    },

    /** The chain's head, if any event was recorded. */
    async head(): Promise<{ sequence: number; hash: string } | undefined> {
      const [head] = await db
        .select({ sequence: auditEvents.sequence, hash: auditEvents.hash })
        .from(auditEvents)
        .orderBy(desc(auditEvents.sequence))
        .limit(1);
      return head;
    },
  };
}

export type AuditEventStore = ReturnType<typeof createAuditEventStore>;

/** The table's columns as [property, SQL name], once. */
const COLUMN_NAMES = Object.entries(getTableColumns(auditEvents)).map(([property, column]) => [property, column.name] as const);

/**
 * Inserts sealed rows in chain order, in one statement with ONE parameter: the rows as a
 * JSON array, each turned into a row of the table's own type by the database
 * (jsonb_populate_record: JSON arrays become text[], objects jsonb, ISO strings
 * timestamptz). Why not drizzle's insert builder: on the path every audited answer waits
 * for, it cost ~70 µs per row to build ~26 parameters each (measured on 10-event batches),
 * and its statement text changes with the batch size; this one is prepared once.
 * `with ordinality … order by` keeps the array's order, which the chain trigger checks
 * row by row.
 */
function insertRows(executor: AuditDb, rows: readonly AuditEventRow[]) {
  const records = rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const [property, name] of COLUMN_NAMES) record[name] = row[property as keyof AuditEventRow];
    return record;
  });
  return executor.execute(sql`
    insert into audit.audit_events
    select r.* from jsonb_array_elements(${JSON.stringify(records)}::jsonb) with ordinality as e(value, position)
    cross join lateral jsonb_populate_record(null::audit.audit_events, e.value) as r
    order by e.position`);
}

interface ChainHead {
  sequence: number;
  hash: string;
}

function emptyReferences(): References {
  return { byId: new Map(), closedIntents: new Set(), reviewedEvents: new Set() };
}

/**
 * Whether an append failed because the head moved under it, and only that: the chain
 * trigger's refusal (`audit_events_appended_at_head`, migration 0003) or a second row at
 * one position (the primary key). Any other refusal — a check constraint, a bad value — is
 * not retried.
 */
function isChainConflict(error: unknown): boolean {
  const violation = databaseViolation(error);
  return (
    (violation?.code === SQLSTATE.CHECK && violation.constraint === 'audit_events_appended_at_head') ||
    (violation?.code === SQLSTATE.UNIQUE && violation.constraint === 'audit_events_pkey')
  );
}

/** Seals one event at the head of the chain, signs it, and advances the head. */
function seal(event: NewEvent, chain: ChainHead, key: SigningKey): AuditEventRow {
  const sequence = chain.sequence + 1;
  const id = event.id ?? randomUUID();
  // Millisecond precision: what a JS Date, and so the verifier, can reproduce.
  const occurredAt = new Date(new Date().toISOString());
  const previousHash = chain.hash;
  const hash = eventHash(CURRENT_HASH_VERSION, previousHash, { sequence, id, occurredAt: occurredAt.toISOString(), content: event.content });
  chain.sequence = sequence;
  chain.hash = hash;
  return {
    sequence,
    hashVersion: CURRENT_HASH_VERSION,
    id,
    occurredAt,
    ...event.content,
    breakGlass: event.content.breakGlassJustification !== null,
    previousHash,
    hash,
    ...signedBy(hash, key),
  };
}

function signedBy(hash: string, key: SigningKey): Pick<AuditEventRow, 'signatureKeyId' | 'signature'> {
  const { keyId, signature } = signEvent(hash, key);
  return { signatureKeyId: keyId, signature };
}

/** JSONB containment on `entities`: the record itself, or a record it owns. */
function namesEntity(record: { type?: string; id?: string }): SQL {
  return sql`(${auditEvents.entities} @> ${JSON.stringify([record])}::jsonb or ${auditEvents.entities} @> ${JSON.stringify([{ owner: record }])}::jsonb)`;
}

const hasReview = sql`exists (select 1 from "audit"."audit_events" review where review.reviewed_event_id = ${auditEvents.id})`;
const isOpenIntent = sql`(${auditEvents.kind} = 'INTENT' and not exists (select 1 from "audit"."audit_events" outcome where outcome.intent_id = ${auditEvents.id}))`;

function conditions(filter: AuditEventFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.kind) where.push(eq(auditEvents.kind, filter.kind));
  if (filter.principal) where.push(eq(auditEvents.principal, filter.principal));
  for (const entity of [filter.entity, { type: filter.entityType, id: filter.entityId }]) {
    const record = { ...(entity?.type ? { type: entity.type } : {}), ...(entity?.id ? { id: entity.id } : {}) };
    if (record.type || record.id) where.push(namesEntity(record));
  }
  if (filter.fieldCoordinate) where.push(sql`${auditEvents.fieldCoordinates} @> array[${filter.fieldCoordinate}]::text[]`);
  if (filter.from) where.push(gte(auditEvents.occurredAt, new Date(filter.from)));
  if (filter.to) where.push(lte(auditEvents.occurredAt, new Date(filter.to)));
  if (isGiven(filter.breakGlass)) where.push(eq(auditEvents.breakGlass, filter.breakGlass));
  if (isGiven(filter.reviewed)) where.push(filter.reviewed ? hasReview : sql`not ${hasReview}`);
  if (isGiven(filter.openIntent)) where.push(filter.openIntent ? isOpenIntent : sql`not ${isOpenIntent}`);
  if (filter.denialReason) where.push(eq(auditEvents.denialReason, filter.denialReason));
  return where;
}

function isGiven<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}
