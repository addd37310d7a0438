import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The bound of the request a database statement runs for. Embedded PGlite runs each
 * statement as WebAssembly in the service's own thread: it cannot interrupt one, and
 * ignores `statement_timeout`. What it can do is refuse to *start* a statement for a
 * request that has run past the bound or whose client has gone — so an abandoned or
 * runaway request stops at its next statement instead of working on. (PostgreSQL
 * enforces `statement_timeout` on each statement itself.)
 */
export interface RequestBound {
  startedAt: number;
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
}

export const requestBounds = new AsyncLocalStorage<RequestBound>();

/** Throws (SQLSTATE 57014, as PostgreSQL would) when the current request may not start another statement. */
export function assertWithinRequestBound(limitMs: number): void {
  const bound = requestBounds.getStore();
  if (!bound) return; // start-up work (migrations, seeding) is not a request
  if (bound.signal.aborted || Date.now() - bound.startedAt > limitMs) {
    throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
  }
}
