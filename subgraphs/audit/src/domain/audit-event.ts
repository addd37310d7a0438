import { createHash } from 'node:crypto';
import type {
  AuditedEntity,
  AuditEventInput,
  DenialReason,
  MutationOutcome,
} from '@mission-graph/service-kit';
import type { AuditEventRow, EventKind, ReviewOutcome } from '../db/schema.js';

/**
 * What an event records, whoever wrote it: the gateway's events (`AuditEventInput`) and
 * the audit service's own (`AUDIT_READ`, `REVIEW`), with every optional part spelled out
 * as null. This is exactly what its hash covers.
 */
export interface EventContent {
  kind: EventKind;
  principal: string;
  clientId: string | null;
  operationName: string | null;
  documentHash: string;
  purpose: string | null;
  breakGlassJustification: string | null;
  fieldCoordinates: string[];
  entities: AuditedEntity[];
  requestId: string | null;
  intentId: string | null;
  outcome: MutationOutcome | null;
  denialReason: DenialReason | null;
  /** DENIED: attempts this event stands for (1 unless it is a rate-limited summary). */
  repeatCount: number;
  reviewedEventId: string | null;
  reviewOutcome: ReviewOutcome | null;
  reviewNote: string | null;
}

/** An event to append: its content, and the id its sender chose (idempotent retries), if any. */
export interface NewEvent {
  id?: string | undefined;
  content: EventContent;
}

/** The parts every kind-specific field defaults to. */
const NO_SPECIFICS = {
  intentId: null,
  outcome: null,
  denialReason: null,
  repeatCount: 1,
  reviewedEventId: null,
  reviewOutcome: null,
  reviewNote: null,
} as const;

/** A gateway event, as content (kind-specific fields filled in, the others null). */
export function contentOfInput(input: AuditEventInput): NewEvent {
  const { id, ...fields } = input;
  const specifics = {
    ...NO_SPECIFICS,
    ...(fields.kind === 'OUTCOME' ? { intentId: fields.intentId.toLowerCase(), outcome: fields.outcome } : {}),
    ...(fields.kind === 'DENIED' ? { denialReason: fields.denialReason } : {}),
  };
  return {
    id: id?.toLowerCase(),
    content: {
      kind: fields.kind,
      principal: fields.principal,
      clientId: fields.clientId,
      operationName: fields.operationName,
      documentHash: fields.documentHash,
      purpose: fields.purpose,
      breakGlassJustification: fields.breakGlassJustification,
      fieldCoordinates: fields.fieldCoordinates,
      // Only the keys the contract knows, in a fixed shape: what is hashed is what is stored.
      entities: fields.entities.map((entity) => ({
        type: entity.type,
        id: entity.id,
        ...(entity.owner ? { owner: { type: entity.owner.type, id: entity.owner.id } } : {}),
      })),
      requestId: fields.requestId,
      ...specifics,
    },
  };
}

/** Content of an event the audit service writes itself (kind-specific fields default to null). */
export function ownContent(content: Omit<EventContent, keyof typeof NO_SPECIFICS> & Partial<EventContent>): EventContent {
  return { ...NO_SPECIFICS, ...content };
}

/** Hash of the chain's first link. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hash formula events are written with now (see `eventHash`). */
export const CURRENT_HASH_VERSION = 2;

/** JSON with keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Everything a stored event's hash covers besides the previous hash. */
export interface SealedEvent {
  sequence: number;
  id: string;
  /** ISO-8601 with milliseconds: what a JS Date, and so the verifier, can reproduce. */
  occurredAt: string;
  content: EventContent;
}

/**
 * The hash sealing an event to the one before it.
 * - Version 2 (now): sha256("mission-graph/audit/v2" ‖ previous hash ‖ canonical JSON of
 *   the position, id, time and content). The position is inside the hash, so an event
 *   moved to another place no longer matches its hash, even with its links intact.
 * - Version 1 (events recorded before positions were hashed): sha256(previous hash ‖
 *   canonical JSON of id, time and the original fields), kept so old trails still verify.
 */
export function eventHash(version: number, previousHash: string, event: SealedEvent): string {
  const hash = createHash('sha256');
  if (version === 1) {
    const c = event.content;
    return hash
      .update(previousHash)
      .update('\n')
      .update(
        canonicalJson({
          id: event.id,
          occurredAt: event.occurredAt,
          kind: c.kind,
          principal: c.principal,
          clientId: c.clientId,
          operationName: c.operationName,
          documentHash: c.documentHash,
          purpose: c.purpose,
          breakGlassJustification: c.breakGlassJustification,
          fieldCoordinates: c.fieldCoordinates,
          entities: c.entities,
          requestId: c.requestId,
        }),
      )
      .digest('hex');
  }
  if (version !== 2) throw new Error(`unknown hash version ${version}`);
  return hash
    .update('mission-graph/audit/v2\n')
    .update(previousHash)
    .update('\n')
    .update(canonicalJson({ sequence: event.sequence, id: event.id, occurredAt: event.occurredAt, ...event.content }))
    .digest('hex');
}

/** SHA-256 of an operation document (what `documentHash` holds). */
export function documentHash(document: string): string {
  return createHash('sha256').update(document).digest('hex');
}

/** The content a stored row's hash covers, rebuilt from the row. */
export function contentOfRow(row: AuditEventRow): EventContent {
  return {
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
    intentId: row.intentId,
    outcome: row.outcome,
    denialReason: row.denialReason,
    repeatCount: row.repeatCount,
    reviewedEventId: row.reviewedEventId,
    reviewOutcome: row.reviewOutcome,
    reviewNote: row.reviewNote,
  };
}

/** Recomputes a stored row's hash from its content, with the formula it says it was written with. */
export function recomputeHash(row: AuditEventRow, previousHash = row.previousHash, sequence = row.sequence): string {
  return eventHash(row.hashVersion, previousHash, {
    sequence,
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    content: contentOfRow(row),
  });
}
