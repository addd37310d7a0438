/**
 * CORS: browser apps on the configured origins (none by default) may call the graph;
 * preflights are answered; CSRF protection stays for everything else.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '@mission-graph/gateway';
import { createCallerVerifier } from '@mission-graph/gateway/authentication';
import { readGatewayEnv } from '@mission-graph/gateway/config';
import { loadClientRegistry } from '@mission-graph/gateway/front-doors';
import { ConfigError, newKeyPair, type HttpService } from '@mission-graph/service-kit';
import { CLIENTS_PATH, TEST_AUDIENCE, TEST_ISSUER } from './testkit/graph.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const APP = 'https://forensics.mission.example';
const OTHER = 'https://evil.example';

/** A gateway alone: `{ __typename }` and preflights never reach a subgraph. */
async function gatewayWith(corsAllowedOrigins?: string[]): Promise<{ service: HttpService; url: string }> {
  const callerKey = (await newKeyPair('test-idp')).pair;
  const service = createGateway({
    supergraphPath: path.join(root, 'schema/supergraph.graphql'),
    development: false,
    verifyCaller: createCallerVerifier({ publicJwks: [callerKey.publicJwk], issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
    internalTokenKey: (await newKeyPair('test-internal')).pair,
    unauthorizedMode: 'filter',
    auditSink: { record: async () => Promise.reject(new Error('no audit in this test')) },
    clients: loadClientRegistry(CLIENTS_PATH),
    corsAllowedOrigins,
  });
  return { service, url: (await service.listen(0)).url };
}

const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-access-purpose' },
  });

const post = (url: string, origin: string, contentType = 'application/json') =>
  fetch(url, { method: 'POST', headers: { origin, 'content-type': contentType }, body: JSON.stringify({ query: '{ __typename }' }) });

describe('CORS, none allowed by default', () => {
  let gateway: { service: HttpService; url: string };
  beforeAll(async () => {
    gateway = await gatewayWith();
  });
  afterAll(async () => {
    await gateway?.service.stop();
  });

  it('serves no persona tokens: that route exists only in development', async () => {
    const origin = new URL(gateway.url).origin;
    expect((await fetch(`${origin}/explorer/personas`)).status).toBe(404);
    expect((await fetch(`${origin}/explorer/personas/analyst/token`, { method: 'POST' })).status).toBe(404);
  });

  it('refuses every cross-origin preflight (403, no Access-Control-Allow-Origin)', async () => {
    const response = await preflight(gateway.url, APP);
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS with an allowed origin', () => {
  let gateway: { service: HttpService; url: string };
  beforeAll(async () => {
    gateway = await gatewayWith([APP]);
  });
  afterAll(async () => {
    await gateway?.service.stop();
  });

  it('answers the preflight of an allowed origin with what a GraphQL client needs', async () => {
    for (const url of [gateway.url, new URL('/external/graphql', gateway.url).toString()]) {
      const response = await preflight(url, APP);
      expect(response.status, url).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(APP);
      expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
      expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(response.headers.get('access-control-allow-headers')).toContain('x-access-purpose');
      expect(response.headers.get('access-control-max-age')).toBe('600');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('vary')).toContain('Origin');
    }
  });

  it('lets the allowed origin read answers (and their rate-limit fields), and no other origin', async () => {
    const allowed = await post(gateway.url, APP);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
    expect(allowed.headers.get('access-control-expose-headers')).toBe('ratelimit, ratelimit-policy, retry-after');
    expect(await allowed.json()).toEqual({ data: { __typename: 'Query' }, extensions: { cost: { estimated: 0 } } });

    const other = await preflight(gateway.url, OTHER);
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const otherPost = await post(gateway.url, OTHER);
    expect(otherPost.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps CSRF protection: a request a browser sends without a preflight is refused, whatever its origin', async () => {
    const simplePost = await post(gateway.url, APP, 'text/plain');
    expect(simplePost.status).toBe(400);
    expect(await simplePost.text()).toMatch(/CSRF/i);
    const simpleGet = await fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: OTHER } });
    expect(simpleGet.status).toBe(400);
  });

  it('refuses at start an origin list with a wildcard, a path or garbage, naming the variable', () => {
    for (const value of ['*', 'https://app.example/path', 'app.example', 'https://a.example,ftp://b.example']) {
      expect(() => readGatewayEnv({ CORS_ALLOWED_ORIGINS: value })).toThrow(ConfigError);
      expect(() => readGatewayEnv({ CORS_ALLOWED_ORIGINS: value })).toThrow(/CORS_ALLOWED_ORIGINS/);
    }
    expect(readGatewayEnv({ CORS_ALLOWED_ORIGINS: `${APP}, http://127.0.0.1:5173` }).CORS_ALLOWED_ORIGINS).toEqual([APP, 'http://127.0.0.1:5173']);
    expect(readGatewayEnv({}).CORS_ALLOWED_ORIGINS).toEqual([]);
  });
});
