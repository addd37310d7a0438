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
   * (`{ events: [...] }`, at most MAX_EVENTS_PER_APPEND). 0 (the default): no wait beyond
   * the current tick — batches form from the events that arrive while earlier appends
   * are in flight (see `maxInFlight`).
   */
  batchWindowMs?: number;
  /**
   * At most this many append requests in flight at once (default 2: while one is being
   * committed, the next is already parsed and sealed at the audit service). Events recorded
   * while that many are under way wait for one to finish and then go together: under
   * load the batches grow by themselves, so the audit service commits many events per
   * request instead of one each, and when idle an event goes at once.
   */
  maxInFlight?: number;
  /** Told the size of every append request sent (metrics: how well group commit groups). */
  onBatch?: (events: number) => void;
}

/** An event waiting for its batch to be appended. */
interface Waiter {
  event: AuditEventInput;
  /** Fail closed: past this time (Date.now()) the event is refused rather than sent late. */
  deadline: number;
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
  const { timeoutMs = 5_000, batchWindowMs = 0, maxInFlight = 2, onBatch } = typeof options === 'number' ? { timeoutMs: options } : options;
  let pending: Waiter[] = [];
  // A flush is scheduled for the events now pending (a flush that finds none does nothing).
  let scheduled = false;
  let inFlight = 0;

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

  /** Sends what is pending, one batch per free slot; the rest waits for a slot to free. */
  const flush = () => {
    scheduled = false;
    // Events that waited a whole timeout for a slot (the audit service hangs) fail now,
    // like an append that timed out, instead of waiting behind it indefinitely.
    const now = Date.now();
    const expired = pending.filter((waiter) => waiter.deadline <= now);
    if (expired.length > 0) {
      pending = pending.filter((waiter) => waiter.deadline > now);
      for (const waiter of expired) waiter.reject(new Error(`audit append not sent within ${timeoutMs} ms: earlier appends still in flight`));
    }
    while (pending.length > 0 && inFlight < maxInFlight) {
      const batch = pending.splice(0, MAX_EVENTS_PER_APPEND);
      onBatch?.(batch.length);
      inFlight += 1;
      void appendBatch(batch).finally(() => {
        inFlight -= 1;
        flush();
      });
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
        pending.push({ event, deadline: Date.now() + timeoutMs, resolve, reject });
        if (inFlight >= maxInFlight) return; // goes with the next batch, when a slot frees
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
