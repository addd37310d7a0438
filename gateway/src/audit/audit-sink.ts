// The audit event contract lives in the service kit, shared with the audit service.
import type { AuditAppendReceipt, AuditEventInput } from '@mission-graph/service-kit';
export type { AuditAppendReceipt, AuditEventInput };
import { auditEventInput, MAX_EVENTS_PER_APPEND, signInternalToken, type KeyPair } from '@mission-graph/service-kit';

/**
 * Where audit events go; `record` resolves only once the event is durably stored, with
 * the audit service's receipt when the sink has one (the HTTP sink always does).
 */
export interface AuditSink {
  record(event: AuditEventInput): Promise<AuditAppendReceipt | void>;
}

/** Audience of the internal token the audit service accepts appends with. */
export const AUDIT_APPEND_AUDIENCE = 'audit-append';

export interface HttpAuditSinkOptions {
  /** An append request taking longer fails every event in it (default 5 s). */
  timeoutMs?: number;
  /**
   * Group commit: events recorded within this many ms go in one append request
   * (`{ events: [...] }`, at most MAX_EVENTS_PER_APPEND). 0: each event is sent in the
   * same tick, still grouped with the events recorded in that tick. Default 2 ms.
   */
  batchWindowMs?: number;
}

/** An event waiting for its batch to be appended. */
interface Waiter {
  event: AuditEventInput;
  resolve: (receipt: AuditAppendReceipt) => void;
  reject: (error: unknown) => void;
}

/**
 * Appends to the audit service (`POST /internal/audit-events`), as the gateway, with
 * group commit on the client side: the events that become ready within a few
 * milliseconds of each other (concurrent audited reads, mutations) go in ONE append
 * request, and each `record` resolves with its own receipt once the audit service
 * answered 201 — i.e. after the transaction holding its event committed. Nothing is
 * acknowledged earlier than before: batching removes round trips, not the wait.
 *
 * Fail closed: a batch that fails (timeout, 503, unreachable) rejects every event in it.
 * One caller cannot take others down with it: an event the contract refuses is refused
 * alone before it joins a batch, and a batch the service refuses as a whole (400/409,
 * which concern one event) is retried event by event, so only the offending event fails.
 */
export function httpAuditSink(
  url: string,
  key: KeyPair,
  options: HttpAuditSinkOptions | number = {},
): { record(event: AuditEventInput): Promise<AuditAppendReceipt> } {
  const { timeoutMs = 5_000, batchWindowMs = 2 } = typeof options === 'number' ? { timeoutMs: options } : options;
  let pending: Waiter[] = [];
  // A flush is scheduled for the events now pending (a flush that finds none does nothing).
  let scheduled = false;

  const post = async (body: unknown): Promise<{ status: number; json: unknown; text: string }> => {
    const token = await signInternalToken(key, AUDIT_APPEND_AUDIENCE, {
      authenticated: true,
      subject: 'mission-graph-gateway',
      scopes: new Set(),
    });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  };

  const appendOne = async (waiter: Waiter): Promise<void> => {
    try {
      const { status, json, text } = await post(waiter.event);
      if (status !== 201) throw new Error(`audit service answered ${status}: ${text}`);
      waiter.resolve(json as AuditAppendReceipt);
    } catch (error) {
      waiter.reject(error);
    }
  };

  const appendBatch = async (batch: Waiter[]): Promise<void> => {
    if (batch.length === 1) return appendOne(batch[0]!);
    let answer: Awaited<ReturnType<typeof post>>;
    try {
      answer = await post({ events: batch.map((waiter) => waiter.event) });
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
      return;
    }
    const { status, json, text } = answer;
    // A batch is all or none: a refusal that concerns one event (invalid, id reused)
    // must not fail the others, so each is appended alone and only the culprit fails.
    if (status === 400 || status === 409) {
      await Promise.all(batch.map(appendOne));
      return;
    }
    const receipts = (json as { receipts?: AuditAppendReceipt[] } | undefined)?.receipts;
    if (status !== 201 || !Array.isArray(receipts) || receipts.length !== batch.length) {
      const error = new Error(`audit service answered ${status} to a batch of ${batch.length}: ${text.slice(0, 500)}`);
      for (const waiter of batch) waiter.reject(error);
      return;
    }
    batch.forEach((waiter, index) => waiter.resolve(receipts[index]!));
  };

  const flush = () => {
    scheduled = false;
    const ready = pending;
    pending = [];
    for (let start = 0; start < ready.length; start += MAX_EVENTS_PER_APPEND) {
      void appendBatch(ready.slice(start, start + MAX_EVENTS_PER_APPEND));
    }
  };

  return {
    record(event) {
      // Refused here, alone, rather than failing the batch it would have joined.
      const checked = auditEventInput.safeParse(event);
      if (!checked.success) {
        return Promise.reject(new Error(`audit event refused by the contract: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`));
      }
      return new Promise<AuditAppendReceipt>((resolve, reject) => {
        pending.push({ event, resolve, reject });
        if (pending.length >= MAX_EVENTS_PER_APPEND) {
          flush();
        } else if (!scheduled) {
          scheduled = true;
          if (batchWindowMs > 0) setTimeout(flush, batchWindowMs);
          else setImmediate(flush);
        }
      });
    },
  };
}
