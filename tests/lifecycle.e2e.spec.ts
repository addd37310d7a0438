/**
 * Services as processes, the way they run: startup progress and honest readiness,
 * a busy port, and SIGTERM while a request is in flight (it completes, exit 0) — for
 * a subgraph and for the gateway in front of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devKeyPair, signInternalToken, ALL_SCOPES } from '@mission-graph/service-kit';
import { startGraph, signCallerToken, type RunningGraph } from './testkit/graph.js';
import { freePort } from '@mission-graph/service-kit/testing';

const root = fileURLToPath(new URL('..', import.meta.url));

interface ServiceProcess {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: string;
  exited: Promise<number | null>;
}

function startProcess(entry: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    // Metrics on the service's own port (explicitly): the drain tests count requests in flight there.
    env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', METRICS_ON_SERVICE_PORT: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running: ServiceProcess = {
    child,
    lines: [],
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) if (line) running.lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (running.stderr += text));
  return running;
}


/** POSTs `body` but holds back its last bytes until `release()`: a request in flight for as long as we like. */
function heldRequest(port: number, body: string, headers: Record<string, string>) {
  let release!: () => void;
  const answer = new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const request = httpRequest(
      {
        port,
        host: '127.0.0.1',
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown }));
      },
    );
    request.on('error', reject);
    request.write(body.slice(0, 10));
    release = () => request.end(body.slice(10));
  });
  return { answer, release: () => release() };
}

/** Polls until `url` answers 200 (hooks cannot use expect.poll); no time is asserted. */
async function waitUntilReady(url: string, service: ServiceProcess): Promise<void> {
  while ((await ready(url)) !== 200) {
    if (service.child.exitCode !== null) throw new Error(`exited with ${service.child.exitCode}: ${service.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The service's own count of requests it is handling (its /metrics), so a test knows a request arrived. */
async function requestsInFlight(port: number): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text(), () => '');
  return Number(/^http_requests_in_flight(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? -1);
}

async function ready(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'mission-graph-lifecycle-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a subgraph process', () => {
  let forensics: ServiceProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    forensics = startProcess('subgraphs/forensics/src/main.ts', { PORT: String(port), DATA_DIR: dataDir });
    await waitUntilReady(`http://127.0.0.1:${port}/health/ready`, forensics);
  });
  afterAll(async () => {
    if (forensics.child.exitCode === null) forensics.child.kill('SIGKILL');
  });

  it('reports its progress: migrating, seeding, seeded n rows, ready', () => {
    const messages = forensics.lines.map((line) => line.msg as string);
    expect(messages.slice(0, 3)).toEqual(['migrating', 'seeding', expect.stringMatching(/^seeded \d+ rows$/)]);
    expect(messages).toContainEqual(expect.stringMatching(/^ready at http:\/\/127\.0\.0\.1:\d+\/graphql \(pglite\)$/));
    expect(forensics.lines.every((line) => line.service === 'forensics')).toBe(true);
  });

  it('finishes a request that is in flight when SIGTERM arrives, then exits 0', async () => {
    const key = await devKeyPair(dataDir, 'internal-token');
    const request = JSON.stringify({ query: '{ missingPersons(first: 1) { totalCount } }' });
    const token = await signInternalToken(key, 'forensics', { authenticated: true, scopes: new Set(ALL_SCOPES) }, { body: request });
    const held = heldRequest(port, request, { authorization: `Bearer ${token}` });
    await expect.poll(() => requestsInFlight(port)).toBe(1);
    forensics.child.kill('SIGTERM');
    await expect.poll(() => forensics.lines.some((line) => String(line.msg).startsWith('stopping'))).toBe(true);
    held.release();
    const { status, body } = await held.answer;
    expect(status).toBe(200);
    expect(body).toMatchObject({ data: { missingPersons: { totalCount: expect.any(Number) } } });
    expect(await forensics.exited).toBe(0);
    expect(forensics.lines.at(-1)).toMatchObject({ msg: 'stopped' });
  });
});

describe('the gateway process', () => {
  let graph: RunningGraph;
  let gateway: ServiceProcess;
  let port: number;
  const gatewayData = mkdtempSync(path.join(tmpdir(), 'mission-graph-gateway-'));

  beforeAll(async () => {
    graph = await startGraph();
    port = await freePort();
    const subgraphUrls = Object.fromEntries(
      Object.entries(graph.subgraphs).map(([name, subgraph]) => [`SUBGRAPH_URL_${name.toUpperCase().replaceAll('-', '_')}`, subgraph.url]),
    );
    gateway = startProcess('gateway/src/main.ts', {
      PORT: String(port),
      DATA_DIR: gatewayData,
      INTERNAL_TOKEN_PRIVATE_KEY: JSON.stringify({ ...(await exportJWK(graph.internalKey.privateKey)), kid: graph.internalKey.kid }),
      ...subgraphUrls,
    });
    await waitUntilReady(`http://127.0.0.1:${port}/health/ready`, gateway);
  });
  afterAll(async () => {
    if (gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    await graph.stop();
    rmSync(gatewayData, { recursive: true, force: true });
  });

  it('echoes the request id and logs the request as one JSON line', async () => {
    const caller = await devKeyPair(gatewayData, 'dev-caller');
    const token = await signCallerToken(caller, ['forensics:read'], { issuer: 'mission-graph-dev', audience: 'mission-graph' });
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-request-id': 'trace-me-42',
      },
      body: JSON.stringify({ query: '{ missingPersons(first: 1) { totalCount } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-me-42');
    await expect.poll(() => gateway.lines.find((line) => line.requestId === 'trace-me-42' && line.msg === 'request')).toMatchObject({
      status: 200,
      outcome: 'success',
    });
  });

  it('has no explorer persona route outside development (the tokens would be the development key’s)', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/explorer/personas`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/explorer/personas/analyst/token`, { method: 'POST' })).status).toBe(404);
  });

  it('finishes a request that is in flight when SIGTERM arrives (its subgraph fetch included), then exits 0', async () => {
    const caller = await devKeyPair(gatewayData, 'dev-caller');
    const token = await signCallerToken(caller, ['forensics:read'], { issuer: 'mission-graph-dev', audience: 'mission-graph' });
    const held = heldRequest(port, JSON.stringify({ query: '{ missingPersons(first: 2) { edges { node { caseNumber } } } }' }), {
      authorization: `Bearer ${token}`,
    });
    await expect.poll(() => requestsInFlight(port)).toBe(1);
    gateway.child.kill('SIGTERM');
    await expect.poll(() => gateway.lines.some((line) => String(line.msg).startsWith('stopping'))).toBe(true);
    held.release();
    const { status, body } = await held.answer;
    expect(status).toBe(200);
    expect((body as { data: { missingPersons: { edges: unknown[] } } }).data.missingPersons.edges).toHaveLength(2);
    expect(await gateway.exited).toBe(0);
  });
});

describe('the gateway process in development (as `pnpm start` runs it)', () => {
  const devData = mkdtempSync(path.join(tmpdir(), 'mission-graph-gateway-dev-'));
  let gateway: ServiceProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    // No subgraph is needed for what is asked here (personas, `{ __typename }`).
    gateway = startProcess('gateway/src/main.ts', { PORT: String(port), DATA_DIR: devData, NODE_ENV: 'development' });
    while ((await ready(`http://127.0.0.1:${port}/health/live`)) !== 200) {
      if (gateway.child.exitCode !== null) throw new Error(`exited with ${gateway.child.exitCode}: ${gateway.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
  afterAll(async () => {
    if (gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    rmSync(devData, { recursive: true, force: true });
  });

  it('offers the explorer’s personas, whose fresh tokens this gateway accepts (and pnpm token’s key signs)', async () => {
    const listed = (await (await fetch(`http://127.0.0.1:${port}/explorer/personas`)).json()) as { personas: { id: string; endpoint: string }[] };
    expect(listed.personas.map((persona) => persona.id)).toEqual(['analyst', 'forensic-officer', 'protection-officer', 'external-system']);
    for (const persona of listed.personas) {
      const issued = (await (await fetch(`http://127.0.0.1:${port}/explorer/personas/${persona.id}/token`, { method: 'POST' })).json()) as {
        endpoint: string;
        headers: Record<string, string>;
      };
      expect(issued.endpoint).toBe(persona.endpoint);
      const answer = await fetch(`http://127.0.0.1:${port}${issued.endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...issued.headers },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(answer.status, persona.id).toBe(200);
    }
    const devKey = await devKeyPair(devData, 'dev-caller');
    const issued = (await (await fetch(`http://127.0.0.1:${port}/explorer/personas/analyst/token`, { method: 'POST' })).json()) as {
      headers: { authorization: string };
    };
    await expect(jwtVerify(issued.headers.authorization.slice('Bearer '.length), devKey.publicKey)).resolves.toBeDefined();
  });
});

describe('gateway readiness', () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph();
  });
  afterAll(async () => {
    await graph?.stop();
  });

  it('names each subgraph state, is 503 while one is unreachable, and liveness stays 200', async () => {
    const origin = new URL(graph.gatewayUrl).origin;
    const readyBody = await (await fetch(`${origin}/health/ready`)).json();
    expect(readyBody).toEqual({
      status: 'ready',
      supergraph: 'loaded',
      subgraphs: { audit: 'ready', forensics: 'ready', operations: 'ready', 'police-cooperation': 'ready', 'specialist-chambers': 'ready' },
    });
    await graph.subgraphs.forensics!.http.stop();
    await expect
      .poll(async () => {
        const response = await fetch(`${origin}/health/ready`);
        return { status: response.status, body: await response.json() };
      })
      .toMatchObject({ status: 503, body: { status: 'not ready', subgraphs: { forensics: 'unreachable', operations: 'ready' } } });
    expect((await fetch(`${origin}/health/live`)).status).toBe(200);
  });
});

describe('a busy port', () => {
  it('stops the service with one message naming the port, the service and PORT', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const service = startProcess('subgraphs/operations/src/main.ts', { PORT: String(port), DATA_DIR: dataDir });
      expect(await service.exited).toBe(1);
      expect(service.stderr).toContain(`operations: port ${port} on 127.0.0.1 is already in use`);
      expect(service.stderr).toContain('PORT=<port>');
      expect(service.stderr).not.toContain('    at ');
    } finally {
      holder.close();
    }
  });
});
