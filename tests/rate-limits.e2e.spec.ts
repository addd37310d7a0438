/**
 * Per-client and per-principal rate limits through the real gateway: token buckets,
 * IETF `RateLimit` / `RateLimit-Policy` fields, 429 with `Retry-After` and
 * `RATE_LIMITED`; in memory by default, and shared by two gateway processes through
 * Redis (a random key prefix on the shared server, removed afterwards).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '@mission-graph/gateway';
import { createCallerVerifier } from '@mission-graph/gateway/authentication';
import { DEV_AUDIENCE, DEV_CALLER_KEY_NAME, DEV_ISSUER } from '@mission-graph/gateway/config';
import {
  clientRegistry,
  createRateLimiter,
  memoryRateLimitStore,
  redisRateLimitStore,
  type ClientRegistry,
} from '@mission-graph/gateway/front-doors';
import { createServiceMetrics, devKeyPair, newKeyPair, type HttpService, type KeyPair } from '@mission-graph/service-kit';
import { signCallerToken, TEST_AUDIENCE, TEST_ISSUER } from './testkit/graph.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const root = fileURLToPath(new URL('..', import.meta.url));

const registryJson = (principalQuota: number, clientQuota: number) => ({
  principalRateLimit: { quota: principalQuota, windowSeconds: 3600 },
  clients: [
    { id: 'busy-app', description: 'test client', endpoint: 'internal', rateLimit: { quota: clientQuota, windowSeconds: 3600 }, trustedDocumentsOnly: false },
  ],
});

async function post(url: string, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { status: response.status, headers: response.headers, ...body };
}

describe('rate limits in one gateway (memory)', () => {
  let gateway: HttpService;
  let url: string;
  let callerKey: KeyPair;
  const token = (subject: string, clientId?: string) =>
    signCallerToken(callerKey, ['statistics:read'], { subject, ...(clientId ? { claims: { azp: clientId } } : {}) });

  beforeAll(async () => {
    callerKey = (await newKeyPair('test-idp')).pair;
    const clients: ClientRegistry = clientRegistry(registryJson(3, 4), root);
    const limiter = createRateLimiter(clients, memoryRateLimitStore());
    // `{ __typename }` never reaches a subgraph or the audit trail: none is started.
    gateway = createGateway({
      supergraphPath: path.join(root, 'schema/supergraph.graphql'),
      development: false,
      verifyCaller: createCallerVerifier({ publicJwks: [callerKey.publicJwk], issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
      internalTokenKey: (await newKeyPair('test-internal')).pair,
      unauthorizedMode: 'filter',
      auditSink: { record: async () => Promise.reject(new Error('no audit in this test')) },
      clients,
      rateLimiter: limiter,
      // Explicitly on the gateway's port here: the test reads them there.
      metrics: createServiceMetrics('gateway', { onServicePort: true }),
    });
    url = (await gateway.listen(0)).url;
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('tells every caller its budget, and refuses the request past it with 429, Retry-After and RATE_LIMITED', async () => {
    const analyst = await token('analyst-1');
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await post(url, analyst));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers[0]!.headers.get('ratelimit-policy')).toBe('"principal";q=3;w=3600');
    expect(answers.slice(0, 3).map((answer) => answer.headers.get('ratelimit'))).toEqual([
      expect.stringMatching(/^"principal";r=2;t=\d+$/),
      expect.stringMatching(/^"principal";r=1;t=\d+$/),
      expect.stringMatching(/^"principal";r=0;t=\d+$/),
    ]);
    const refused = answers[3]!;
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', policy: 'principal', retryAfter: expect.any(Number) });
    expect(refused.errors?.[0]?.message).toMatch(/3 requests per 3600 s/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(1200);
    expect(refused.headers.get('ratelimit')).toMatch(/^"principal";r=0;t=\d+$/);
    expect(refused.data).toBeUndefined();
  });

  it('counts its refusals in /metrics by bucket (a 429 never reaches the request pipeline)', async () => {
    const metrics = await (await fetch(new URL('/metrics', url))).text();
    expect(metrics).toMatch(/^rate_limit_refusals_total\{limit="principal",service="gateway"\} [1-9]\d*$/m);
  });

  it('keeps one principal’s budget apart from another’s', async () => {
    expect((await post(url, await token('analyst-2'))).status).toBe(200);
  });

  it('shares a client’s budget between all its callers, on top of each one’s own', async () => {
    const statuses = [];
    for (const subject of ['user-a', 'user-a', 'user-a', 'user-b', 'user-b']) statuses.push((await post(url, await token(subject, 'busy-app'))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const refused = await post(url, await token('user-c', 'busy-app'));
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.policy).toBe('client');
    expect(refused.headers.get('ratelimit-policy')).toBe('"client";q=4;w=3600, "principal";q=3;w=3600');
  });

  it('limits anonymous callers by address, and a client that retries at once stays refused', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await post(url)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});

describe('rate limits shared by two gateway processes through Redis', () => {
  const prefix = `mission-graph-test:${randomBytes(6).toString('hex')}:`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mission-graph-rate-'));
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  let redis: Redis | undefined;
  let reachable = false;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    redis.on('error', () => {});
    reachable = await redis.connect().then(() => true, () => false);
    if (!reachable) return;
    const clientsPath = path.join(dataDir, 'clients.json');
    writeFileSync(clientsPath, JSON.stringify(registryJson(4, 100)));
    await devKeyPair(dataDir, DEV_CALLER_KEY_NAME); // created before the gateways race for it
    for (let i = 0; i < 2; i += 1) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          PORT: '0',
          DATA_DIR: dataDir,
          CLIENTS_PATH: clientsPath,
          REDIS_URL,
          RATE_LIMIT_KEY_PREFIX: prefix,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      urls.push(
        await new Promise<string>((resolve, reject) => {
          let output = '';
          child.stdout!.setEncoding('utf8').on('data', (text: string) => {
            output += text;
            // The gateway logs one JSON line "listening at <url> …" once it accepts requests.
            const url = /listening at (http:\/\/\S+\/graphql)/.exec(output)?.[1];
            if (url) resolve(url);
          });
          child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
          child.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${output}`)));
        }),
      );
    }
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve)))));
    if (reachable && redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis?.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('spends one budget whichever replica answers', async (context) => {
    if (!reachable) {
      context.skip(`Redis is not reachable at ${REDIS_URL}`);
      return;
    }
    const key = await devKeyPair(dataDir, DEV_CALLER_KEY_NAME);
    const token = await signCallerToken(key, ['statistics:read'], { subject: 'replica-walker', issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
    const [a, b] = urls as [string, string];
    const statuses = [];
    for (const url of [a, b, a, b, a, b]) statuses.push((await post(url, token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const last = await post(b, token);
    expect(last.headers.get('ratelimit')).toMatch(/^"principal";r=0;t=\d+$/);
    // The buckets live in Redis, under this test's prefix only.
    expect(await redis!.keys(`${prefix}*`)).toEqual([`${prefix}principal:replica-walker`]);
  });

  it('falls back to limiting per replica when Redis cannot be reached, rather than letting everything through', async () => {
    const clients = clientRegistry(registryJson(2, 100), root);
    const limiter = createRateLimiter(clients, redisRateLimitStore({ url: 'redis://127.0.0.1:1', keyPrefix: prefix }));
    const caller = { authenticated: true, subject: 'no-redis', scopes: new Set<string>() };
    await limiter.admit({ caller });
    await limiter.admit({ caller });
    await expect(limiter.admit({ caller })).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    await limiter.close();
  });
});
