import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * An audit event as the gateway reports it (and as the audit service records reads of
 * the trail). Law-enforcement data protection (EU Directive 2016/680, Art. 25) asks
 * for who, when, what, why and — as far as possible — to whom; this is that record.
 */
export const auditEventInput = z.object({
  kind: z.enum(['DISCLOSURE', 'MUTATION', 'AUDIT_READ']),
  principal: z.string().min(1),
  clientId: z.string().min(1).nullable(),
  operationName: z.string().min(1).nullable(),
  documentHash: z.string().regex(/^[0-9a-f]{64}$/),
  purpose: z.string().min(1).nullable(),
  breakGlassJustification: z.string().min(1).nullable(),
  fieldCoordinates: z.array(z.string().regex(/^\w+\.\w+$/)).max(1000),
  entities: z.array(z.object({ type: z.string().regex(/^\w+$/), id: z.string().min(1).max(200) })).max(10_000),
  requestId: z.string().min(1).nullable(),
});

export type AuditEventInput = z.infer<typeof auditEventInput>;

/** The fields a hash covers: everything recorded about the event. */
export interface ChainedContent extends AuditEventInput {
  id: string;
  occurredAt: string;
}

/** Hash of the chain's first link. */
export const GENESIS_HASH = '0'.repeat(64);

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

/** sha256(previous hash ‖ canonical content): each event seals the one before it. */
export function chainHash(previousHash: string, content: ChainedContent): string {
  return createHash('sha256').update(previousHash).update('\n').update(canonicalJson(content)).digest('hex');
}

/** SHA-256 of an operation document (what `documentHash` holds). */
export function documentHash(document: string): string {
  return createHash('sha256').update(document).digest('hex');
}
