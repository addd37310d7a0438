import { z } from 'zod';
import { isStorableText } from './storable-text.js';

/**
 * The contract between the gateway (which reports what happened) and the audit service
 * (which records it): what may be appended to the audit trail, where, and what comes
 * back. Defined once here so neither side can drift. Full description with examples:
 * docs/audit.md.
 *
 * EU Directive 2016/680, Art. 25 asks for logs of consultation and disclosure of
 * personal data with the justification, date and time, who consulted and, as far as
 * possible, who received it; these events are that record, plus the attempts that
 * were refused and the changes announced before they were made.
 */

/** `POST` path of the audit service that appends events (not part of the graph). */
export const AUDIT_APPEND_PATH = '/internal/audit-events';

/** Audience of the internal token the append endpoint accepts: only the gateway signs it. */
export const AUDIT_APPEND_AUDIENCE = 'audit-append';

/** Largest number of events in one append request (`{ events: [...] }`). */
export const MAX_EVENTS_PER_APPEND = 100;

/**
 * Why an attempt was refused (`DENIED` events):
 * - `SCOPE`: the token lacks a scope the field requires;
 * - `PURPOSE`: personal data without a declared purpose (`X-Access-Purpose`);
 * - `POLICY`: another `@policy` refused;
 * - `NEED_TO_KNOW`: the record is not assigned to the caller (a protected witness);
 * - `BREAK_GLASS_WITHOUT_SCOPE`: `X-Break-Glass` sent without the break-glass scope;
 * - `SUBJECT_REQUIRED`: personal data asked for by a token without `sub`;
 * - `UNAUTHENTICATED`: a token that did not verify.
 */
export const DENIAL_REASONS = [
  'SCOPE',
  'PURPOSE',
  'POLICY',
  'NEED_TO_KNOW',
  'BREAK_GLASS_WITHOUT_SCOPE',
  'SUBJECT_REQUIRED',
  'UNAUTHENTICATED',
] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

/**
 * How a mutation announced by an `INTENT` ended (`OUTCOME` events): `COMMITTED`, `FAILED`
 * (nothing changed), or `UNKNOWN` (the gateway lost the answer — a timeout — so the
 * change may or may not have happened; a reviewer must check the record).
 */
export const MUTATION_OUTCOMES = ['COMMITTED', 'FAILED', 'UNKNOWN'] as const;
export type MutationOutcome = (typeof MUTATION_OUTCOMES)[number];

const text = (max: number) =>
  z.string().min(1).max(max).refine(isStorableText, 'must not contain NUL or unpaired surrogate characters');
const typeName = z.string().regex(/^[A-Za-z_]\w{0,99}$/, 'a GraphQL type name');
const recordId = text(200);
const optionalText = (max: number) => text(max).nullable();

/** A record an event names, e.g. `{ type: "ProtectedWitness", id }`. */
export const auditedRecord = z.strictObject({ type: typeName, id: recordId });
export type AuditedRecord = z.infer<typeof auditedRecord>;

/**
 * A record an event names, optionally with the record it belongs to: a `Relocation`
 * carries `owner: { type: "ProtectedWitness", id }`, so reviewing the witness finds it.
 */
export const auditedEntity = z.strictObject({ type: typeName, id: recordId, owner: auditedRecord.optional() });
export type AuditedEntity = z.infer<typeof auditedEntity>;

/** What every event carries, whatever its kind. */
const commonFields = {
  /**
   * Optional UUID chosen by the sender: a retried append with the same id and the same
   * content returns the stored event instead of recording it twice (with different
   * content it is refused).
   */
  id: z.uuid().optional(),
  /** `sub` of the caller's token, or `anonymous`. */
  principal: text(256),
  /** `azp` / `client_id` of the caller's token (machine clients). */
  clientId: optionalText(256),
  /** The client's own operation name. */
  operationName: optionalText(256),
  /** SHA-256 (hex) of the operation document as the client sent it. */
  documentHash: z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256'),
  /** `X-Access-Purpose`: case reference and reason. */
  purpose: optionalText(2000),
  /** `X-Break-Glass` justification when the caller invoked break-glass (scope and header); null otherwise. */
  breakGlassJustification: optionalText(2000),
  /** `Type.field` coordinates disclosed, called (`Mutation.recordRelocation`) or refused. */
  fieldCoordinates: z.array(z.string().regex(/^\w+\.\w+$/, 'a field coordinate like Type.field')).max(1000),
  /** The records concerned. */
  entities: z.array(auditedEntity).max(10_000),
  /** The gateway's request id, shared with the subgraph requests it made. */
  requestId: optionalText(200),
};

/**
 * One event as the gateway appends it. Kinds:
 * - `DISCLOSURE`: a response disclosed personal data (recorded before it is sent);
 * - `INTENT`: a mutation is about to be forwarded (recorded before; `entities` = the ids
 *   its arguments name);
 * - `OUTCOME`: how that mutation ended, linked by `intentId`; `entities` = every record
 *   it changed;
 * - `DENIED`: an attempt refused, with `denialReason`;
 * - `MUTATION`: a mutation recorded after it ran (the gateway's older form, still accepted).
 * The audit service adds `AUDIT_READ` (reads of the trail) and `REVIEW` (break-glass
 * reviews) itself; they cannot be appended from outside.
 */
export const auditEventInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.enum(['DISCLOSURE', 'INTENT', 'MUTATION']), ...commonFields }),
  z.strictObject({
    kind: z.literal('OUTCOME'),
    ...commonFields,
    /** The `id` of the INTENT this outcome closes (from the receipt of its append). */
    intentId: z.uuid(),
    outcome: z.enum(MUTATION_OUTCOMES),
  }),
  z.strictObject({ kind: z.literal('DENIED'), ...commonFields, denialReason: z.enum(DENIAL_REASONS) }),
]);

export type AuditEventInput = z.infer<typeof auditEventInput>;
export type AuditEventKind = AuditEventInput['kind'];

/**
 * Several events recorded together, all or none (e.g. the DENIED and the DISCLOSURE of
 * one response). A body without `events` is one `auditEventInput`.
 */
export const auditEventBatch = z.strictObject({ events: z.array(auditEventInput).min(1).max(MAX_EVENTS_PER_APPEND) });
export type AuditEventBatch = z.infer<typeof auditEventBatch>;

/**
 * What the audit service answers (HTTP 201) for each event, once its transaction committed:
 * - `RECORDED`: stored as `id` at chain position `sequence`;
 * - `DUPLICATE`: a retry of an event already stored under the same `id`;
 * - `COLLAPSED`: a `DENIED` event over its principal's rate limit, counted into the next
 *   summary event of that principal instead of being stored alone (see docs/audit.md).
 * A single-event request gets one receipt; `{ events }` gets `{ receipts: [...] }` in order.
 * Anything but 201 means nothing was recorded (400 names the invalid field, 409 an id
 * reused with other content or an outcome for a missing intent, 503 the store failed).
 */
export type AuditAppendReceipt =
  | { status: 'RECORDED' | 'DUPLICATE'; id: string; sequence: number; hash: string }
  | { status: 'COLLAPSED' };

/**
 * A refusal only a subgraph can decide (need-to-know on one record), reported to the
 * gateway so that it records the `DENIED` event: in the refusing error's `extensions`,
 * under this key, on the internal channel only — the gateway takes it out of every
 * error before the client sees it, so the client learns no more than the error said.
 */
export const DENIAL_REPORT_EXTENSION = 'missionGraphDenial';

export const denialReport = z.strictObject({
  reason: z.enum(DENIAL_REASONS),
  /** The refused field, `Type.field` (`ProtectedWitness.identity`, `Mutation.recordRelocation`). */
  coordinate: z.string().regex(/^\w+\.\w+$/),
  /** The record refused. */
  entity: auditedRecord.optional(),
});
export type DenialReport = z.infer<typeof denialReport>;

/** The `extensions` entry a subgraph adds to a refusal the trail should record. */
export function denialReportExtension(report: DenialReport): Record<string, DenialReport> {
  return { [DENIAL_REPORT_EXTENSION]: report };
}
