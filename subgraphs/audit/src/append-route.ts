import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CryptoKey } from 'jose';
import type { z } from 'zod';
import {
  AUDIT_APPEND_AUDIENCE,
  AUDIT_APPEND_PATH,
  auditEventBatch,
  auditEventInput,
  redactMessage,
  verifyInternalToken,
  type HttpRoutes,
  type Logger,
} from '@mission-graph/service-kit';
import { AppendRefused } from './domain/append-rules.js';
import type { Trail } from './trail.js';

/**
 * `POST AUDIT_APPEND_PATH` (`/internal/audit-events`): how the gateway appends events. Not part of the graph —
 * no GraphQL client can write to the trail — and answered only for an internal token
 * addressed to `AUDIT_APPEND_AUDIENCE`, which only the gateway can sign (both constants in
 * the kit's audit-contract.ts, which the gateway reads too). The gateway waits for the
 * 201 (sent after the transaction committed) before it sends what it records. Body and
 * answers: docs/audit.md, "Appending events".
 */
const MAX_BODY_BYTES = 4_000_000;

export function appendRoute(trail: Trail, internalTokenKey: CryptoKey, logger?: Logger): HttpRoutes {
  return async (request, response) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== AUDIT_APPEND_PATH) return false;
    if (request.method !== 'POST') return reply(response, 405, { error: 'POST only' });
    try {
      await verifyInternalToken(request.headers.authorization, internalTokenKey, AUDIT_APPEND_AUDIENCE);
    } catch {
      return reply(response, 401, { error: 'This endpoint only answers the gateway' });
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch (error) {
      if (error instanceof BodyTooLarge) return reply(response, 413, { error: `The body exceeds ${MAX_BODY_BYTES} bytes` });
      return reply(response, 400, { error: 'The body must be one audit event, or { "events": [...] }, as JSON' });
    }
    const isBatch = typeof body === 'object' && body !== null && 'events' in body;
    const parsed = isBatch ? auditEventBatch.safeParse(body) : auditEventInput.safeParse(body);
    if (!parsed.success) return reply(response, 400, { error: describeIssues(parsed.error) });
    try {
      const receipts = await trail.record('events' in parsed.data ? parsed.data.events : [parsed.data]);
      return reply(response, 201, isBatch ? { receipts } : receipts[0]);
    } catch (error) {
      if (error instanceof AppendRefused) {
        return reply(response, 409, { error: error.message, code: error.code, field: error.field, ...error.details });
      }
      // The driver's reason only: drizzle's own message repeats the query parameters (personal data).
      if (logger) logger.error({ cause: rootCause(error) }, 'audit append failed');
      else console.error('audit append failed:', rootCause(error));
      return reply(response, 503, { error: 'The audit trail could not record the event' });
    }
  };
}

/** The driver's reason, without a value PostgreSQL may quote in it (kit log-redaction.ts). */
function rootCause(error: unknown): string {
  let current = error as { message?: string; cause?: unknown };
  while (current.cause) current = current.cause as typeof current;
  return redactMessage(String(current.message ?? current));
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
}

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, status: number, body: unknown): true {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
  return true;
}
