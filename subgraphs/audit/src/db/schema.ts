import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The audit trail lives in its own Postgres schema; only the audit service writes it. */
export const PG_SCHEMA = 'audit';

/**
 * Deliberately not exported: the migrator creates this schema for its journal, and
 * drizzle-kit would otherwise emit a second, failing CREATE SCHEMA (see
 * docs/subgraph-conventions.md).
 */
const audit = pgSchema(PG_SCHEMA);

/** What an event records: personal data disclosed, a mutation, or a read of the trail itself. */
export const auditEventKind = audit.enum('audit_event_kind', ['DISCLOSURE', 'MUTATION', 'AUDIT_READ']);

/** An entity whose personal data was disclosed, or that a mutation touched. */
export interface AuditedEntity {
  type: string;
  id: string;
}

/**
 * The append-only, hash-chained audit trail. UPDATE, DELETE and TRUNCATE are refused
 * by triggers (migration 0001); `hash` chains every event to the one before it, so an
 * edit, a deletion or a reordering done around the triggers is still detected.
 */
export const auditEvents = audit.table(
  'audit_events',
  {
    /** Position in the chain: the order events were appended. */
    sequence: bigint('sequence', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    id: uuid('id').notNull().unique('audit_events_id_unique'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    kind: auditEventKind('kind').notNull(),
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
    /** `Type.field` coordinates disclosed (or mutation fields called). */
    fieldCoordinates: text('field_coordinates').array().notNull(),
    entities: jsonb('entities').$type<AuditedEntity[]>().notNull(),
    /** The gateway's request id, shared with the subgraph requests it made. */
    requestId: text('request_id'),
    previousHash: text('previous_hash').notNull(),
    hash: text('hash').notNull().unique('audit_events_hash_unique'),
  },
  (table) => [
    check('audit_events_hash_format', sql`${table.hash} ~ '^[0-9a-f]{64}$' and ${table.previousHash} ~ '^[0-9a-f]{64}$'`),
    check(
      'audit_events_break_glass_justified',
      sql`${table.breakGlass} = (${table.breakGlassJustification} is not null)`,
    ),
    index('audit_events_principal_idx').on(table.principal, table.sequence),
    index('audit_events_occurred_at_idx').on(table.occurredAt),
    index('audit_events_entities_idx').using('gin', table.entities),
    index('audit_events_coordinates_idx').using('gin', table.fieldCoordinates),
    index('audit_events_break_glass_idx').on(table.sequence).where(sql`${table.breakGlass}`),
  ],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;

export const schema = { auditEventKind, auditEvents };
