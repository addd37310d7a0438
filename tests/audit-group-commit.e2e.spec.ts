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

/** Forwards appends to the audit service, counting requests and events; can be told to answer 503 itself, to be slow, or to hang. */
async function countingProxy() {
  const state = { target: '', requests: 0, events: 0, batches: [] as number[], failing: false, delayMs: 0, hanging: false };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const parsed = JSON.parse(body) as { events?: unknown[] };
        state.requests += 1;
        state.events += parsed.events?.length ?? 1;
        state.batches.push(parsed.events?.length ?? 1);
        if (state.hanging) return; // never answers
        if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
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
  const reset = () => Object.assign(state, { requests: 0, events: 0, batches: [], failing: false, delayMs: 0, hanging: false });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/audit-events`;
  return {
    state,
    url,
    reset,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
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
      // A window (the default is none), so that reads finishing on a busy test machine still meet.
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

  const event = (principal: string) => ({
    kind: 'DISCLOSURE' as const,
    principal,
    clientId: null,
    operationName: 'InFlight',
    documentHash: 'b'.repeat(64),
    purpose: 'CASE-2026-013: group commit test',
    breakGlassJustification: null,
    fieldCoordinates: ['MissingPerson.fullName'],
    entities: [{ type: 'MissingPerson', id: 'synthetic-2' }],
    requestId: null,
  });

  it('with the default settings, an event goes at once, and those recorded while it is in flight go together in the next append', async () => {
    proxy.reset();
    proxy.state.delayMs = 150;
    const reported: number[] = [];
    const sink = httpAuditSink(proxy.url, graph.internalKey, { onBatch: (events) => reported.push(events) });
    const first = sink.record(event('in-flight-first'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const rest = Array.from({ length: 20 }, (_, i) => sink.record(event(`in-flight-${i}`)));
    const receipts = await Promise.all([first, ...rest]);
    expect(receipts.every((receipt) => receipt.status === 'RECORDED')).toBe(true);
    expect(proxy.state.batches).toEqual([1, 20]);
    // What the gateway's audit_append_batch_events histogram is fed with.
    expect(reported).toEqual([1, 20]);
    // Each event got its own receipt, at its own position in the chain.
    expect(new Set(receipts.map((receipt) => ('sequence' in receipt ? receipt.sequence : undefined))).size).toBe(21);
  });

  it('an audit service that hangs: events queued behind the hung append fail within two timeouts, none waits for ever, none is acknowledged', async () => {
    proxy.reset();
    proxy.state.hanging = true;
    const sink = httpAuditSink(proxy.url, graph.internalKey, { timeoutMs: 300 });
    const started = Date.now();
    const results = await Promise.allSettled([sink.record(event('hung-first')), ...Array.from({ length: 5 }, (_, i) => sink.record(event(`hung-${i}`)))]);
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    // At most two appends under way: the queued five went together, not one request each.
    expect(proxy.state.requests).toBeLessThanOrEqual(2);
    proxy.reset();
  });
});
