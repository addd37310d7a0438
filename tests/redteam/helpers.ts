/**
 * Small helpers for the red-team suites (tests/redteam/*.e2e.spec.ts): calling the graph
 * as a named principal with odd tokens, reading the audit trail the way an auditor
 * would (straight from its table), a capturing proxy that sits where a network tap
 * would, and forged tokens of the kinds an attacker tries.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { clientRegistry, type ClientRegistry } from '@mission-graph/gateway/front-doors';
import { syntheticId } from '@mission-graph/service-kit';
import { CLIENTS_PATH, postGraphQL, TEST_AUDIENCE, TEST_ISSUER, type GraphQLResponse, type RunningGraph } from '../testkit/graph.js';

export const PURPOSE = 'CASE-RT-2025-001: red-team review';

/** Seeded witness n (specialist-chambers seed). Witness n is assigned officer-{1+(n-1) mod 12}. */
export const witness = (n: number) => syntheticId('protected-witness', n);
export const officerOf = (n: number) => `officer-${String(1 + ((n - 1) % 12)).padStart(2, '0')}`;

/** Witness 3 is RELOCATED (it has relocations); witness 7 is not; officer-12 protects neither. */
export const RELOCATED_WITNESS = 3;
export const UNASSIGNED_OFFICER = 'officer-12';

export const IDENTITY_SCOPES = ['witness-protection:read', 'witness-protection:identity'];

/**
 * The repo's client registry plus internal clients the attacks name in `azp`/`client_id`
 * (a kiosk app, an operations console, an automation): the gateway refuses tokens naming
 * an unregistered client, and these attacks are about what a registered one can do.
 */
export function registryWithClients(ids: readonly string[]): ClientRegistry {
  const json = JSON.parse(readFileSync(CLIENTS_PATH, 'utf8')) as { clients: Record<string, unknown>[] };
  json.clients.push(
    ...ids.map((id) => ({
      id,
      description: `red-team client ${id}`,
      endpoint: 'internal',
      rateLimit: { quota: 10_000, windowSeconds: 60 },
      costMax: 5000,
      trustedDocumentsOnly: false,
    })),
  );
  return clientRegistry(json, path.dirname(CLIENTS_PATH), 'the red-team client registry');
}

export interface CallOptions {
  subject?: string;
  scopes: readonly string[];
  /** Extra claims (azp, client_id, …). */
  claims?: Record<string, unknown>;
  /** X-Access-Purpose; null sends none. */
  purpose?: string | null;
  headers?: Record<string, string>;
  operationName?: string;
}

/** POSTs an operation to the gateway as a named principal. */
export async function callAs<Data = Record<string, unknown>>(
  graph: RunningGraph,
  options: CallOptions,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<Data>> {
  const token = await graph.token(options.scopes, {
    ...(options.subject ? { subject: options.subject } : {}),
    ...(options.claims ? { claims: options.claims } : {}),
  });
  const purpose = options.purpose === undefined ? PURPOSE : options.purpose;
  return postGraphQL<Data>(
    graph.gatewayUrl,
    { query, variables, ...(options.operationName ? { operationName: options.operationName } : {}) },
    { authorization: `Bearer ${token}`, ...(purpose === null ? {} : { 'x-access-purpose': purpose }), ...options.headers },
  );
}

/** A caller token from the test identity provider that has no `sub` claim at all. */
export async function tokenWithoutSubject(graph: RunningGraph, scopes: readonly string[], claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ scope: scopes.join(' '), ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: graph.callerKey.kid })
    .setIssuer(TEST_ISSUER)
    .setAudience(TEST_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(graph.callerKey.privateKey);
}

/** One row of `audit.audit_events`, as an auditor reads it. */
export interface AuditRow {
  sequence: number;
  kind: string;
  principal: string;
  operation_name: string | null;
  document_hash: string;
  purpose: string | null;
  break_glass: boolean;
  break_glass_justification: string | null;
  field_coordinates: string[];
  entities: { type: string; id: string; owner?: { type: string; id: string } }[];
  denial_reason: string | null;
}

/** The position of the trail's head now: pass it to `auditSince` to read what came after. */
export async function auditMark(graph: RunningGraph): Promise<number> {
  const [row] = await graph.subgraphs.audit!.database.rows<{ n: number }>(sql`select coalesce(max(sequence), 0)::int as n from audit.audit_events`);
  return row!.n;
}

/** Events appended after `mark`, oldest first. */
export async function auditSince(graph: RunningGraph, mark: number): Promise<AuditRow[]> {
  return graph.subgraphs.audit!.database.rows<AuditRow>(sql`
    select sequence::int as sequence, kind, principal, operation_name, document_hash, purpose, break_glass,
           break_glass_justification, field_coordinates, entities, denial_reason
    from audit.audit_events where sequence > ${mark} order by sequence`);
}

/** Every record id an event names, owners included. */
export const namedIds = (rows: readonly AuditRow[]) =>
  rows.flatMap((row) => row.entities.flatMap((entity) => [entity.id, ...(entity.owner ? [entity.owner.id] : [])]));

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A reverse proxy standing where a network tap would, between the gateway and one
 * subgraph: it forwards every request unchanged and keeps the bearer tokens it saw.
 * Created before the graph (the gateway is pointed at it); `target` is set once the
 * subgraph listens.
 */
export interface CapturingProxy {
  url: string;
  target: string | undefined;
  tokens: string[];
  stop(): Promise<void>;
}

export async function startCapturingProxy(): Promise<CapturingProxy> {
  const proxy: CapturingProxy = { url: '', target: undefined, tokens: [], stop: async () => {} };
  const server: Server = createServer((incoming, outgoing) => {
    const authorization = incoming.headers.authorization;
    if (authorization?.startsWith('Bearer ')) proxy.tokens.push(authorization.slice('Bearer '.length));
    const target = new URL(proxy.target ?? 'http://127.0.0.1:9/graphql');
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => {
      outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  proxy.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A JWT with `alg: none` and no signature. */
export function unsignedToken(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT', ...header }))}.${base64url(JSON.stringify(payload))}.`;
}

/** The classic confusion: HS256 "signed" with the verifier's public key (its JWK text) as the HMAC secret. */
export async function hmacWithPublicKey(publicJwk: object, payload: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const { createHmac } = await import('node:crypto');
  const signingInput = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', ...header }))}.${base64url(JSON.stringify(payload))}`;
  const signature = createHmac('sha256', JSON.stringify(publicJwk)).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** Claims of a gateway → subgraph token, as the gateway writes them (packages/service-kit internal-token.ts). */
export function internalClaims(audience: string, subject: string, scopes: readonly string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: 'mission-graph-gateway',
    aud: audience,
    sub: subject,
    scope: scopes.join(' '),
    authenticated: true,
    purpose: PURPOSE,
    iat: now,
    exp: now + 60,
    ...extra,
  };
}

/**
 * The audit trail's published event hash (docs/audit.md, "Events and their hash"),
 * re-implemented from the documentation alone — as an insider would.
 */
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

export function documentedEventHash(previousHash: string, event: Record<string, unknown>): string {
  return createHash('sha256').update('mission-graph/audit/v2\n').update(previousHash).update('\n').update(canonicalJson(event)).digest('hex');
}
