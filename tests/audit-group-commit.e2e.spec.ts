/**
 * Audit group commit (issue 13 item 7): the disclosure events of concurrent audited reads
 * go to the audit service in fewer append requests than there are reads, every event is
 * recorded, each response waits for its own receipt, and a batch that fails fails every
 * response waiting on it (fail closed). Counted by a small proxy in front of the real
 * audit service's append endpoint.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpAuditSink } from '@mission-graph/gateway/audit';
import { startGraph, type RunningGraph } from './testkit/graph.js';

/** Forwards appends to the audit service, counting requests and events; can be told to answer 503 itself. */
async function countingProxy() {
  const state = { target: '', requests: 0, events: 0, failing: false };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const parsed = JSON.parse(body) as { events?: unknown[] };
        state.requests += 1;
        state.events += parsed.events?.length ?? 1;
        if (state.failing) {
          response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"store failed"}');
          return;
        }
        const upstream = await fetch(state.target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: request.headers.authorization ?? '' },
          body,
        });
        response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/audit-events`;
  return { state, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const AUDITED_READ = '{ missingPersons(first: 2) { edges { node { id fullName } } } }';
const SCOPES = ['forensics:read', 'forensics:personal'];
const N = 8;

describe('audit group commit', () => {
  let graph: RunningGraph;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;

  beforeAll(async () => {
    proxy = await countingProxy();
    graph = await startGraph({
      // A wider window than the default 2 ms, so that reads finishing on a busy test machine still meet.
      auditSink: (_real, append) => {
        proxy.state.target = append.url;
        return httpAuditSink(proxy.url, append.key, { batchWindowMs: 50 });
      },
    });
  });
  afterAll(async () => {
    await graph?.stop();
    await proxy?.close();
  });

  const eventCount = async () => {
    const [row] = await graph.subgraphs.audit!.database.rows<{ n: number }>(
      sql`select count(*)::int as n from audit.audit_events where kind = 'DISCLOSURE'`,
    );
    return row!.n;
  };

  it('sends the events of concurrent audited reads in fewer append requests, and records every one', async () => {
    const before = await eventCount();
    proxy.state.requests = 0;
    proxy.state.events = 0;
    const responses = await Promise.all(Array.from({ length: N }, () => graph.queryAs(SCOPES, AUDITED_READ)));
    for (const response of responses) {
      expect(response.errors).toBeUndefined();
      expect(response.status).toBe(200);
    }
    expect(proxy.state.events).toBe(N);
    expect(proxy.state.requests).toBeLessThan(N);
    expect(await eventCount()).toBe(before + N);
  });

  it('fails closed: a failing batch withholds every response waiting on it', async () => {
    const before = await eventCount();
    proxy.state.requests = 0;
    proxy.state.failing = true;
    try {
      const responses = await Promise.all(Array.from({ length: N }, () => graph.queryAs(SCOPES, AUDITED_READ)));
      for (const response of responses) {
        expect(response.status).toBe(503);
        expect(response.data).toBeUndefined();
        expect(response.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
        expect(JSON.stringify(response)).not.toMatch(/Synthetic Person/);
      }
      expect(proxy.state.requests).toBeLessThan(N);
    } finally {
      proxy.state.failing = false;
    }
    expect(await eventCount()).toBe(before);
  });

  it('one bad event fails alone: a batch the audit service refuses is retried event by event', async () => {
    const sink = httpAuditSink(proxy.state.target, graph.internalKey, { batchWindowMs: 20 });
    const good = {
      kind: 'DISCLOSURE' as const,
      principal: 'batch-neighbour',
      clientId: null,
      operationName: 'Neighbour',
      documentHash: 'a'.repeat(64),
      purpose: 'CASE-2026-013: group commit test',
      breakGlassJustification: null,
      fieldCoordinates: ['MissingPerson.fullName'],
      entities: [{ type: 'MissingPerson', id: 'synthetic-1' }],
      requestId: null,
    };
    // The contract refuses this one (a purpose over 2000 characters) before it can join a batch.
    const bad = { ...good, principal: 'batch-poisoner', purpose: 'x'.repeat(2001) };
    const results = await Promise.allSettled([sink.record(good), sink.record(bad), sink.record({ ...good, principal: 'batch-neighbour-2' })]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const receipt = (results[0] as PromiseFulfilledResult<{ status: string }>).value;
    expect(receipt.status).toBe('RECORDED');
  });
});
