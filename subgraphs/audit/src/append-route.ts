import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CryptoKey } from 'jose';
import { verifyInternalToken, type HttpRoutes } from '@mission-graph/service-kit';
import { auditEventInput } from './domain/audit-event.js';
import type { AuditEventStore } from './stores/audit-event-store.js';

/**
 * `POST /internal/audit-events`: how the gateway appends an event. Not part of the
 * graph — no GraphQL client can write to the trail — and answered only for an
 * internal token addressed to `APPEND_AUDIENCE`, which only the gateway can sign.
 * The gateway waits for the 201 before it sends the personal data it records.
 */
export const APPEND_PATH = '/internal/audit-events';
export const APPEND_AUDIENCE = 'audit-append';
const MAX_EVENT_BYTES = 1_000_000;

export function appendRoute(events: AuditEventStore, internalTokenKey: CryptoKey): HttpRoutes {
  return async (request, response) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== APPEND_PATH) return false;
    if (request.method !== 'POST') return reply(response, 405, { error: 'POST only' });
    try {
      await verifyInternalToken(request.headers.authorization, internalTokenKey, APPEND_AUDIENCE);
    } catch {
      return reply(response, 401, { error: 'This endpoint only answers the gateway' });
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch {
      return reply(response, 400, { error: 'The body must be one audit event as JSON' });
    }
    const parsed = auditEventInput.safeParse(body);
    if (!parsed.success) return reply(response, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    try {
      const row = await events.append(parsed.data);
      return reply(response, 201, { id: row.id, sequence: row.sequence, hash: row.hash });
    } catch (error) {
      console.error('audit append failed:', error);
      return reply(response, 503, { error: 'The audit trail could not record the event' });
    }
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_EVENT_BYTES) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, status: number, body: unknown): true {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
  return true;
}
