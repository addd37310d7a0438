/**
 * The audit service under test, started through the kit's one subgraph harness
 * (`startSubgraph`: in-memory PGlite, or a fresh PostgreSQL database that `stop()` drops),
 * with its own signing key and an in-memory checkpoint sink unless given others. Appends
 * go in as the gateway sends them (internal token for the kit's `AUDIT_APPEND_AUDIENCE`);
 * GraphQL requests carry an internal token for a caller the test chooses.
 */
import { createHash } from 'node:crypto';
import {
  AUDIT_APPEND_AUDIENCE,
  AUDIT_APPEND_PATH,
  signInternalToken,
  type AuditEventInput,
  type Caller,
} from '@mission-graph/service-kit';
import { startSubgraph, type Flavour, type GraphQLResponse, type TestInternalAuth } from '@mission-graph/service-kit/testing';
import { trustedKeys } from '../src/checkpoints/checkpoint.js';
import { newSigningKey, type SigningKey } from '../src/checkpoints/signing-key.js';
import { memoryCheckpointSink, type CheckpointSink } from '../src/checkpoints/sink.js';
import { createService, type AuditServiceInstance, type AuditServiceOptions } from '../src/service.js';
import { trailSource, verifyTrail, type VerifyReport } from '../src/verification/verify-trail.js';

/** What the append endpoint answers: a receipt, `{ receipts }`, or `{ error, field? }`. */
export interface HttpAnswer {
  status: number;
  body: { status?: string; id?: string; sequence?: number; hash?: string; error?: unknown; field?: string; receipts?: unknown[] };
}

export interface RunningAudit {
  service: AuditServiceInstance;
  url: string;
  appendUrl: string;
  auth: TestInternalAuth;
  signingKey: SigningKey;
  sink: CheckpointSink;
  /** POSTs a body to the append endpoint as the gateway (or with `headers` instead). */
  append(body: unknown, headers?: Record<string, string>): Promise<HttpAnswer>;
  /** One GraphQL operation as `caller` (default: every scope, subject `test-principal`). */
  query<Data = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, caller?: Partial<Caller>): Promise<GraphQLResponse<Data>>;
  /** Verifies the trail as `pnpm audit:verify` does, with this service's key and sink. */
  verify(): Promise<VerifyReport>;
  stop(): Promise<void>;
}

export async function startAudit(flavour: Flavour = 'pglite', options: Partial<AuditServiceOptions> = {}): Promise<RunningAudit> {
  const signingKey = options.signingKey ?? newSigningKey().key;
  const sink = options.checkpointSink ?? memoryCheckpointSink();
  let service: AuditServiceInstance | undefined;
  const subgraph = await startSubgraph(async (common) => {
    service = await createService({
      checkpointEverySeconds: 0,
      ...common,
      ...options,
      signingKey,
      checkpointSink: sink,
      internalTokenKey: common.internalTokenKey,
    });
    return service;
  }, flavour);
  const running = service!;
  const appendUrl = new URL(AUDIT_APPEND_PATH, subgraph.url).toString();
  return {
    service: running,
    url: subgraph.url,
    appendUrl,
    auth: subgraph.auth,
    signingKey,
    sink,
    append: async (body, headers) => {
      const token = await signInternalToken(subgraph.auth.keyPair, AUDIT_APPEND_AUDIENCE, {
        authenticated: true,
        subject: 'mission-graph-gateway',
        scopes: new Set(),
      });
      const response = await fetch(appendUrl, {
        method: 'POST',
        headers: headers ?? { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as HttpAnswer['body'] };
    },
    query: (query, variables, caller) => subgraph.query(query, variables, caller),
    verify: async () =>
      verifyTrail({
        trail: trailSource(running.database.db),
        sink: await sink.readAll(),
        sinkDescription: sink.description,
        trusted: trustedKeys([signingKey.verifyKey]),
      }),
    stop: () => subgraph.stop(),
  };
}

/** A gateway event with sensible defaults. */
export function sampleEvent(overrides: Partial<AuditEventInput> & Record<string, unknown> = {}): AuditEventInput {
  return {
    kind: 'DISCLOSURE',
    principal: 'analyst-1',
    clientId: null,
    operationName: 'Cards',
    documentHash: createHash('sha256').update('{ cards }').digest('hex'),
    purpose: 'CASE-7: family tracing',
    breakGlassJustification: null,
    fieldCoordinates: ['MissingPerson.fullName'],
    entities: [{ type: 'MissingPerson', id: '5dc999bd-b32b-58ca-adb5-e74215256f4a' }],
    requestId: 'req-1',
    ...overrides,
  } as AuditEventInput;
}

/** Appends through the store (no HTTP), for tests about the chain itself. */
export async function appendDirect(audit: RunningAudit, overrides: Partial<AuditEventInput> & Record<string, unknown> = {}) {
  const [receipt] = await audit.service.runtime.trail.record([sampleEvent(overrides)]);
  if (!receipt || receipt.status === 'COLLAPSED') throw new Error('expected the event to be recorded');
  return receipt;
}

/** Expects the database to refuse: `pattern` must match the message of the error or of its cause (drizzle wraps driver errors). */
export async function expectRefused(action: Promise<unknown>, pattern: RegExp): Promise<void> {
  let error: unknown;
  try {
    await action;
  } catch (caught) {
    error = caught;
  }
  if (!error) throw new Error(`expected a refusal matching ${pattern}, but it succeeded`);
  const messages: string[] = [];
  for (let current = error as { message?: string; cause?: unknown } | undefined; current; current = current.cause as typeof current) {
    messages.push(String(current.message));
  }
  if (!messages.some((message) => pattern.test(message))) throw new Error(`expected a refusal matching ${pattern}, got: ${messages.join(' / ')}`);
}
