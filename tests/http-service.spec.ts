/**
 * The HTTP face every service shares (service-kit http.ts), on a real server over
 * loopback: malformed requests are 4xx and never 5xx, request ids and log lines,
 * metrics with bounded labels, and a stop that drains what is in flight.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogger,
  createServiceMetrics,
  createSubgraphService,
  MAX_OPERATION_NAMES,
  PortInUseError,
  routeConsoleTo,
  type HttpService,
} from '@mission-graph/service-kit';
import { createTestInternalAuth, type TestInternalAuth } from '@mission-graph/service-kit/testing';
import { MALFORMED_KINDS, sendMalformed } from './testkit/malformed-http.js';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Query { hello: String, broken: String }
`);

class LineCollector extends Writable {
  lines: Record<string, unknown>[] = [];
  raw: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    callback();
  }
}

interface Running {
  http: HttpService;
  port: number;
  url: string;
  logs: LineCollector;
}

async function startService(auth: TestInternalAuth, options: { shutdownTimeoutMs?: number; metricsOnServicePort?: boolean } = {}): Promise<Running> {
  const logs = new LineCollector();
  const http = createSubgraphService({
    name: 'probe',
    typeDefs,
    resolvers: {
      Query: {
        hello: () => 'world',
        broken: () => {
          throw new Error('database password=hunter2 at 10.0.0.7');
        },
      },
    },
    internalTokenKey: auth.keyPair.publicKey,
    context: async () => ({}),
    isReady: async () => true,
    development: false,
    logger: createLogger({ service: 'probe', destination: logs, level: 'debug' }),
    // Explicitly on the service port here: these tests read them there.
    metrics: createServiceMetrics('probe', { onServicePort: options.metricsOnServicePort ?? true }),
    ...(options.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: options.shutdownTimeoutMs } : {}),
  });
  const { url, port } = await http.listen(0);
  return { http, port, url, logs };
}

let auth: TestInternalAuth;
let service: Running;

beforeAll(async () => {
  auth = await createTestInternalAuth();
  service = await startService(auth);
});
afterAll(async () => {
  await service.http.stop();
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await auth.headers('probe', {}, JSON.stringify(body))), ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe('malformed HTTP is answered 4xx, never 5xx, and the service stays up', () => {
  it.each(Object.keys(MALFORMED_KINDS))('%s', async (kind) => {
    const outcome = await sendMalformed(service.port, kind);
    if (MALFORMED_KINDS[kind]!().abandon) {
      // The client left mid-request: whatever was answered, it was not a server error.
      if (outcome.status !== undefined) expect(outcome.status).toBeLessThan(500);
    } else {
      expect(outcome.status, `${kind} got no answer`).toBeDefined();
      expect(outcome.status).toBeGreaterThanOrEqual(400);
      expect(outcome.status).toBeLessThan(500);
    }
    expect((await post(service.url, { query: '{ hello }' })).body).toEqual({ data: { hello: 'world' } });
  });

  it('a fuzzer cycling through every kind 10 times (230 requests, 8 at a time) gets no 5xx and leaves the service answering', async () => {
    const kinds = Object.keys(MALFORMED_KINDS);
    const statuses: (number | undefined)[] = [];
    const queue = Array.from({ length: kinds.length * 10 }, (_, i) => kinds[i % kinds.length]!);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let kind = queue.shift(); kind; kind = queue.shift()) statuses.push((await sendMalformed(service.port, kind)).status);
      }),
    );
    expect(statuses.filter((status) => status !== undefined && status >= 500)).toEqual([]);
    expect((await post(service.url, { query: '{ hello }' })).status).toBe(200);
    expect(service.logs.lines.filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
  });

  it('an internal error is masked for the client and logged as one JSON line with its stack', async () => {
    const collector = new LineCollector();
    const original = { ...console };
    routeConsoleTo(createLogger({ service: 'probe', destination: collector }));
    try {
      const { body } = await post(service.url, { query: '{ broken }' });
      expect(JSON.stringify(body)).not.toContain('hunter2');
      expect(body.errors).toMatchObject([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    } finally {
      Object.assign(console, original);
    }
    const errorLines = collector.lines.filter((line) => line.level === 'error');
    expect(errorLines).toHaveLength(1);
    expect((errorLines[0]!.err as { stack: string }).stack).toContain('hunter2');
    expect(collector.raw.every((line) => !line.includes('\n'))).toBe(true);
  });
});

describe('request ids and request logs', () => {
  it('takes a well-formed x-request-id, echoes it, and logs one line for the request with it', async () => {
    const { headers } = await post(service.url, { query: 'query Greeting { hello }' }, { 'x-request-id': 'req-abc-123' });
    expect(headers.get('x-request-id')).toBe('req-abc-123');
    await expect.poll(() => service.logs.lines.filter((line) => line.requestId === 'req-abc-123')).toHaveLength(1);
    expect(service.logs.lines.find((line) => line.requestId === 'req-abc-123')).toMatchObject({
      service: 'probe',
      msg: 'request',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operationName: 'Greeting',
      operationType: 'query',
      outcome: 'success',
    });
  });

  it('replaces a hostile x-request-id (log-line forging, header injection, 10 kB) with a fresh one', async () => {
    for (const hostile of ['abc\\n{"level":"fatal"}', 'x y', 'a'.repeat(10_000), '<script>']) {
      const { headers } = await post(service.url, { query: '{ hello }' }, { 'x-request-id': hostile });
      expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('metrics', () => {
  it('serves Prometheus text with requests by operation and outcome, latency histograms and process memory', async () => {
    await post(service.url, { query: 'query Counted { hello }' });
    await post(service.url, { query: 'query CountedBroken { broken }' });
    const text = await (await fetch(new URL('/metrics', service.url))).text();
    expect(text).toMatch(/graphql_operations_total\{[^}]*operation="Counted",type="query",outcome="success"[^}]*\} 1/);
    expect(text).toMatch(/graphql_operations_total\{[^}]*operation="CountedBroken",type="query",outcome="partial"[^}]*\} 1/);
    expect(text).toMatch(/graphql_errors_total\{[^}]*code="INTERNAL_SERVER_ERROR"/);
    expect(text).toContain('graphql_operation_duration_seconds_bucket');
    expect(text).toMatch(/http_requests_total\{[^}]*route="graphql",method="POST",status="200"/);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('an anonymous caller on a service’s own port cannot read /metrics unless the service is configured to serve them there', async () => {
    const unconfigured = await startService(auth, { metricsOnServicePort: false });
    try {
      await post(unconfigured.url, { query: 'query SecretOperationName { hello }' });
      const answer = await fetch(new URL('/metrics', unconfigured.url));
      expect(answer.status).toBe(404);
      expect(await answer.text()).not.toMatch(/SecretOperationName|graphql_operations_total/);
    } finally {
      await unconfigured.http.stop();
    }
  });

  it(`a client inventing operation names cannot grow the registry past ${MAX_OPERATION_NAMES} names`, async () => {
    for (let i = 0; i < MAX_OPERATION_NAMES + 50; i += 1) await post(service.url, { query: `query Invented${i} { hello }` });
    const text = await (await fetch(new URL('/metrics', service.url))).text();
    const names = new Set([...text.matchAll(/graphql_operations_total\{[^}]*operation="([^"]+)"/g)].map((match) => match[1]));
    expect(names.size).toBeLessThanOrEqual(MAX_OPERATION_NAMES + 2);
    expect(names.has('other')).toBe(true);
  });
});

describe('internal tokens are bound to the body they were signed for (bh)', () => {
  const send = async (body: string, authorization: string | undefined, method = 'POST', search = '') => {
    const response = await fetch(`${service.url}${search}`, {
      method,
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}), ...(method === 'GET' ? { 'apollo-require-preflight': 'true' } : {}) },
      ...(method === 'GET' ? {} : { body }),
    });
    return { status: response.status, text: await response.text() };
  };
  const asked = JSON.stringify({ query: '{ hello }' });

  it('the body the token was signed for is answered', async () => {
    const { authorization } = await auth.headers('probe', {}, asked);
    expect(await send(asked, authorization)).toEqual({ status: 200, text: expect.stringContaining('"hello":"world"') });
  });

  it('replaying a captured token with another query is refused (401), nothing of the other query runs', async () => {
    const { authorization } = await auth.headers('probe', {}, asked);
    const other = JSON.stringify({ query: '{ broken }' });
    const replay = await send(other, authorization);
    expect(replay.status).toBe(401);
    expect(replay.text).not.toMatch(/hunter2|world/);
    // Byte for byte: the same operation with one more space, or other variables, is another body.
    expect((await send(JSON.stringify({ query: '{ hello  }' }), authorization)).status).toBe(401);
    expect((await send(JSON.stringify({ query: '{ hello }', variables: { x: 1 } }), authorization)).status).toBe(401);
  });

  it('a token bound to no body (no bh claim), or to an empty one replayed as a GET with a query string, is refused', async () => {
    const { authorization: unbound } = await auth.headers('probe');
    expect((await send(asked, unbound)).status).toBe(401);
    const { authorization: empty } = await auth.headers('probe', {}, '');
    expect((await send('', empty, 'GET', '?query=%7B%20hello%20%7D')).status).toBe(401);
  });
});

describe('a busy port', () => {
  it('is reported with the port, the service and how to choose another', async () => {
    const other = await startService(auth);
    try {
      const second = createSubgraphService({
        name: 'forensics',
        typeDefs,
        resolvers: {},
        internalTokenKey: auth.keyPair.publicKey,
        context: async () => ({}),
        isReady: async () => true,
        development: false,
      });
      const failure = await second.listen(other.port).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PortInUseError);
      expect((failure as Error).message).toContain(`port ${other.port}`);
      expect((failure as Error).message).toContain('forensics');
      expect((failure as Error).message).toContain('PORT=');
      await second.stop();
    } finally {
      await other.http.stop();
    }
  });
});

describe('graceful stop', () => {
  it('a request in flight when the service stops completes; new connections are refused; idle keep-alive connections close', async () => {
    const running = await startService(auth);
    const body = JSON.stringify({ query: '{ hello }' });
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...(await auth.headers('probe', {}, body)) };
    // An idle keep-alive connection (as a load balancer keeps them): one request done, kept open.
    const idle = connect(running.port, '127.0.0.1');
    await new Promise((resolve) => idle.once('connect', resolve));
    const firstAnswer = new Promise((resolve) => idle.once('data', resolve));
    idle.write('GET /health/live HTTP/1.1\r\nhost: x\r\n\r\n');
    await firstAnswer;
    const idleClosed = new Promise((resolve) => idle.once('close', resolve));
    // A request whose body is only half sent: it is in flight until we finish it.
    const answer = new Promise<{ status: number; text: string; connection: string | undefined }>((resolve, reject) => {
      const request = httpRequest({ port: running.port, host: '127.0.0.1', path: '/graphql', method: 'POST', headers }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text, connection: response.headers.connection }));
      });
      request.on('error', reject);
      request.write(body.slice(0, 5));
      (globalThis as { finishRequest?: () => void }).finishRequest = () => request.end(body.slice(5));
    });
    await expect.poll(() => running.http.inFlight()).toBe(1);
    const stopping = running.http.stop();
    await expect.poll(() => running.logs.lines.some((line) => line.msg === 'draining in-flight requests')).toBe(true);
    await idleClosed;
    const refused = await fetch(running.url, { method: 'POST' }).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    (globalThis as { finishRequest?: () => void }).finishRequest!();
    const { status, text, connection } = await answer;
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ data: { hello: 'world' } });
    expect(connection).toBe('close');
    await stopping;
  });

  it('a request that never finishes is cut at the shutdown timeout, and stop still completes', async () => {
    const running = await startService(auth, { shutdownTimeoutMs: 200 });
    const socket = connect(running.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"qu');
    await expect.poll(() => running.http.inFlight()).toBe(1);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await running.http.stop();
    await closed;
    expect(running.logs.lines.some((line) => line.msg === 'in-flight requests cut at the shutdown timeout')).toBe(true);
  });
});
