import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgSchema, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { DENIAL_REASONS, MUTATION_OUTCOMES, type AuditedEntity } from '@mission-graph/service-kit';

/** The audit trail lives in its own Postgres schema; only the audit service writes it. */
export const PG_SCHEMA = 'audit';

/**
 * Deliberately not exported: the migrator creates this schema for its journal, and
 * drizzle-kit would otherwise emit a second, failing CREATE SCHEMA (see
 * docs/subgraph-conventions.md).
 */
const audit = pgSchema(PG_SCHEMA);

/**
 * What an event records. `DISCLOSURE`, `INTENT`, `OUTCOME`, `DENIED` and `MUTATION` come
 * from the gateway; `AUDIT_READ` and `REVIEW` are written by the audit service itself.
 * Text with a CHECK rather than a Postgres enum: a new kind is then one migration that
 * can also use it (a new enum value cannot be used in the transaction that adds it).
 */
export const EVENT_KINDS = ['DISCLOSURE', 'MUTATION', 'AUDIT_READ', 'INTENT', 'OUTCOME', 'DENIED', 'REVIEW'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const REVIEW_OUTCOMES = ['JUSTIFIED', 'UNJUSTIFIED'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * The append-only, hash-chained audit trail. UPDATE, DELETE and TRUNCATE are refused
 * by triggers, and an insert must extend the chain at its head (migrations 0001, 0002);
 * `hash` seals every event together with its position to the one before it, and signed
 * checkpoints (`audit_checkpoints`, plus a copy outside the database) fix the head from
 * time to time, so an edit, a deletion, a truncation or a reordering done around the
 * triggers is detected by `pnpm audit:verify`.
 */
export const auditEvents = audit.table(
  'audit_events',
  {
    /** Position in the chain: 1, 2, 3 … without gaps (hashed with the event). */
    sequence: bigint('sequence', { mode: 'number' }).primaryKey(),
    /**
     * How `hash` was computed: 1 = before positions were hashed (events recorded before
     * migration 0002), 2 = sequence number included.
     */
    hashVersion: smallint('hash_version').notNull(),
    id: uuid('id').notNull().unique('audit_events_id_unique'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    kind: text('kind', { enum: EVENT_KINDS }).notNull(),
    /** `sub` of the caller's token, or `anonymous`. */
    principal: text('principal').notNull(),
    /** `azp` / `client_id` of the caller's token (machine clients). */
    clientId: text('client_id'),
    operationName: text('operation_name'),
    /** SHA-256 of the operation document as the client sent it. */
    documentHash: text('document_hash').notNull(),
    /** `X-Access-Purpose`: case reference and reason. */
    purpose: text('purpose'),
    breakGlass: boolean('break_glass').notNull().default(false),
    breakGlassJustification: text('break_glass_justification'),
    /** `Type.field` coordinates disclosed, refused, or mutation fields called. */
    fieldCoordinates: text('field_coordinates').array().notNull(),
    /** The records concerned, each possibly with the record it belongs to (`owner`). */
    entities: jsonb('entities').$type<AuditedEntity[]>().notNull(),
    /** The gateway's request id, shared with the subgraph requests it made. */
    requestId: text('request_id'),
    /** OUTCOME: the INTENT it closes. */
    intentId: uuid('intent_id'),
    /** OUTCOME: COMMITTED, FAILED or UNKNOWN. */
    outcome: text('outcome', { enum: MUTATION_OUTCOMES }),
    /** DENIED: why the attempt was refused. */
    denialReason: text('denial_reason', { enum: DENIAL_REASONS }),
    /** DENIED: how many refused attempts this event stands for (more than 1 = a rate-limited summary). */
    repeatCount: integer('repeat_count').notNull().default(1),
    /** REVIEW: the break-glass event reviewed. */
    reviewedEventId: uuid('reviewed_event_id'),
    reviewOutcome: text('review_outcome', { enum: REVIEW_OUTCOMES }),
    reviewNote: text('review_note'),
    previousHash: text('previous_hash').notNull(),
    hash: text('hash').notNull().unique('audit_events_hash_unique'),
    /**
     * The audit service's Ed25519 signature over `hash` (checkpoints/event-signature.ts),
     * and the thumbprint of its key. Null only on events recorded before migration 0004:
     * every later row must carry one (a constraint added NOT VALID, so it binds new rows),
     * and `audit:verify` names a row whose signature is missing or does not verify.
     */
    signatureKeyId: text('signature_key_id'),
    signature: text('signature'),
  },
  (table) => [
    check('audit_events_hash_format', sql`${table.hash} ~ '^[0-9a-f]{64}$' and ${table.previousHash} ~ '^[0-9a-f]{64}$'`),
    check('audit_events_hash_version', sql`${table.hashVersion} in (1, 2)`),
    check('audit_events_kind', sql`${table.kind} in (${inList(EVENT_KINDS)})`),
    check(
      'audit_events_break_glass_justified',
      sql`${table.breakGlass} = (${table.breakGlassJustification} is not null)`,
    ),
    check(
      'audit_events_outcome_of_intent',
      sql`(${table.kind} = 'OUTCOME') = (${table.intentId} is not null) and (${table.kind} = 'OUTCOME') = (${table.outcome} is not null)`,
    ),
    check('audit_events_outcome_status', sql`${table.outcome} in (${inList(MUTATION_OUTCOMES)})`),
    check('audit_events_denial_reason', sql`(${table.kind} = 'DENIED') = (${table.denialReason} is not null)`),
    check('audit_events_denial_reason_known', sql`${table.denialReason} in (${inList(DENIAL_REASONS)})`),
    check('audit_events_repeat_count', sql`${table.repeatCount} = 1 or (${table.kind} = 'DENIED' and ${table.repeatCount} > 1)`),
    check(
      'audit_events_review_complete',
      sql`(${table.kind} = 'REVIEW') = (${table.reviewedEventId} is not null)
        and (${table.kind} = 'REVIEW') = (${table.reviewOutcome} is not null)
        and (${table.kind} = 'REVIEW') = (${table.reviewNote} is not null)`,
    ),
    check('audit_events_review_outcome', sql`${table.reviewOutcome} in (${inList(REVIEW_OUTCOMES)})`),
    check('audit_events_signed', sql`${table.signature} is not null and ${table.signatureKeyId} is not null`),
    index('audit_events_principal_idx').on(table.principal, table.sequence),
    index('audit_events_occurred_at_idx').on(table.occurredAt),
    index('audit_events_entities_idx').using('gin', table.entities),
    index('audit_events_coordinates_idx').using('gin', table.fieldCoordinates),
    index('audit_events_break_glass_idx').on(table.sequence).where(sql`${table.breakGlass}`),
    index('audit_events_kind_idx').on(table.kind, table.sequence),
    // One outcome per intent and one review per event; they also make "has it an
    // outcome / a review?" an index probe.
    uniqueIndex('audit_events_one_outcome_per_intent').on(table.intentId),
    uniqueIndex('audit_events_one_review_per_event').on(table.reviewedEventId),
  ],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;

/**
 * Signed checkpoints of the chain's head, Certificate Transparency's "signed tree head"
 * for a hash chain: checkpoint `number` says that event `sequence` had hash `headHash`,
 * signed with the audit signing key (Ed25519, never stored in the database). The same
 * checkpoints are appended to an external sink (a file by default); the copy here is
 * for convenience and cross-checking — the external one is what an insider cannot reach.
 */
export const auditCheckpoints = audit.table(
  'audit_checkpoints',
  {
    number: bigint('number', { mode: 'number' }).primaryKey(),
    sequence: bigint('sequence', { mode: 'number' }).notNull().unique('audit_checkpoints_sequence_unique'),
    headHash: text('head_hash').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true, mode: 'date' }).notNull(),
    keyId: text('key_id').notNull(),
    signature: text('signature').notNull(),
  },
  (table) => [
    check('audit_checkpoints_positive', sql`${table.number} >= 1 and ${table.sequence} >= 1`),
    check('audit_checkpoints_head_hash_format', sql`${table.headHash} ~ '^[0-9a-f]{64}$'`),
  ],
);

export type AuditCheckpointRow = typeof auditCheckpoints.$inferSelect;

export const schema = { auditEvents, auditCheckpoints };
