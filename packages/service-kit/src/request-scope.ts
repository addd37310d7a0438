import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Logger } from './logger.js';

/** Header carrying the request id: taken from the caller when well-formed, made otherwise, echoed, passed on. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * What the HTTP layer knows about the request being handled, reachable from any code
 * it calls (resolvers, the gateway's subgraph fetches) without threading it through:
 * the request id and the request's logger, and what the GraphQL layer learned about
 * the operation (for the request's log line and metrics).
 */
export interface RequestScope {
  requestId: string;
  /** The service logger with `requestId` bound. */
  logger: Logger;
  operationName?: string | undefined;
  operationType?: string | undefined;
  outcome?: 'success' | 'partial' | 'error' | undefined;
  errorCodes?: string[] | undefined;
  /** The trace this request belongs to, when tracing. */
  traceId?: string | undefined;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The request being handled, if any. */
export function currentRequest(): RequestScope | undefined {
  return storage.getStore();
}

// Visible ASCII without spaces, as load balancers and tracing systems generate them
// (UUIDs, hex, base64url): anything else could forge log lines or headers downstream.
const WELL_FORMED_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The caller's `x-request-id` when well-formed, otherwise a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && WELL_FORMED_ID.test(value) ? value : randomUUID();
}
