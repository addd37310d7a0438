// The audit event contract lives in the service kit, shared with the audit service.
import type { AuditEventInput } from '@mission-graph/service-kit';
export type { AuditEventInput };
import { signInternalToken, type KeyPair } from '@mission-graph/service-kit';

/** Where audit events go; `record` resolves only once the event is durably stored. */
export interface AuditSink {
  record(event: AuditEventInput): Promise<void>;
}

/** Audience of the internal token the audit service accepts appends with. */
export const AUDIT_APPEND_AUDIENCE = 'audit-append';

/** Appends to the audit service (`POST /internal/audit-events`), as the gateway. */
export function httpAuditSink(url: string, key: KeyPair, timeoutMs = 5_000): AuditSink {
  return {
    async record(event) {
      const token = await signInternalToken(key, AUDIT_APPEND_AUDIENCE, {
        authenticated: true,
        subject: 'mission-graph-gateway',
        scopes: new Set(),
      });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status !== 201) {
        throw new Error(`audit service answered ${response.status}: ${await response.text()}`);
      }
    },
  };
}
