/**
 * The scope-aware response cache (issue 13 item 6): answers without personal data or
 * need-to-know are shared by callers with the same rights on the same endpoint, for a
 * short time, and dropped when a mutation of a subgraph they came from is forwarded —
 * through Redis, on every gateway. Personal answers are never cached (and so always
 * audited); neither are errors, need-to-know or break-glass answers. And the attacks:
 * poisoning an entry with alias or whitespace variants, a caller without a scope reading
 * what a scoped caller's request put in the cache, an external client reading an internal
 * caller's unsuppressed figures.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '@mission-graph/gateway';
import { httpAuditSink } from '@mission-graph/gateway/audit';
import { createCallerVerifier } from '@mission-graph/gateway/authentication';
import { loadClientRegistry } from '@mission-graph/gateway/front-doors';
import { AUDIT_APPEND_PATH, createServiceMetrics, syntheticId, type HttpService } from '@mission-graph/service-kit';
import { SUPERGRAPH_PATH } from '../scripts/supergraph.js';
import { CLIENTS_PATH, startGraph, TEST_AUDIENCE, TEST_ISSUER, type RunningGraph } from './testkit/graph.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PURPOSE = 'CASE-2026-013: cache review';
const REPORT = `query Report($from: Date!, $to: Date!) {
  missionReport(from: $from, to: $to) { forensics { fieldOperations exhumations } policeCooperation { europolRequests } }
}`;
const PERIOD = { from: '2019-03-01', to: '2019-03-31' };
const SANDBOX = 'external-sandbox';

interface Answer {
  status: number;
  cache: string | null;
  cacheControl: string | null;
  body: { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] };
}

describe('the response cache', () => {
  const metrics = createServiceMetrics('gateway');
  let graph: RunningGraph;
  let redisReachable = false;
  const channel = `mission-graph:test:response-cache:${randomUUID()}`;

  beforeAll(async () => {
    const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    probe.on('error', () => {});
    redisReachable = await probe.connect().then(() => true, () => false);
    probe.disconnect();
    graph = await startGraph({
      gateway: { metrics, responseCache: { ttlMs: 30_000, ...(redisReachable ? { redisUrl: REDIS_URL, channel } : {}) } },
    });
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const post = async (url: string, query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string>): Promise<Answer> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      cache: response.headers.get('x-cache'),
      cacheControl: response.headers.get('cache-control'),
      body: (await response.json()) as Answer['body'],
    };
  };
  const as = async (scopes: string[], query: string, variables?: Record<string, unknown>, options: { subject?: string; headers?: Record<string, string>; url?: string } = {}) =>
    post(options.url ?? graph.gatewayUrl, query, variables, {
      authorization: `Bearer ${await graph.token(scopes, { subject: options.subject ?? 'analyst-cache' })}`,
      'x-access-purpose': PURPOSE,
      ...options.headers,
    });
  const forensicsCalls = () => graph.subgraphs.forensics!.received.length;
  // Each test its own period: entries of one test do not answer another.
  const period = (day: number) => ({ from: `2019-0${day}-01`, to: `2019-0${day}-28` });

  it('answers a repeated statistics query from the cache: MISS, then HIT without asking the subgraphs', async () => {
    const first = await as(['statistics:read'], REPORT, PERIOD);
    expect(first.body.errors).toBeUndefined();
    expect(first.cache).toBe('MISS');
    expect(first.cacheControl).toBe('private, max-age=30');
    const calls = forensicsCalls();
    // Another principal with the same rights: the same answer, from the cache.
    const second = await as(['statistics:read'], REPORT, PERIOD, { subject: 'analyst-other' });
    expect(second.cache).toBe('HIT');
    expect(second.body).toEqual(first.body);
    expect(forensicsCalls()).toBe(calls);
  });

  it('keeps callers with different rights apart: another scope set is another entry', async () => {
    const variables = period(2);
    expect((await as(['statistics:read'], REPORT, variables)).cache).toBe('MISS');
    expect((await as(['statistics:read', 'operations:read'], REPORT, variables)).cache).toBe('MISS');
    expect((await as(['statistics:read', 'operations:read'], REPORT, variables)).cache).toBe('HIT');
  });

  it('attack: a caller without the scope never gets the answer a scoped caller put in the cache', async () => {
    const variables = period(3);
    const scoped = await as(['statistics:read'], REPORT, variables);
    expect(scoped.body.data?.missionReport).toBeTruthy();
    const scopeless = await as([], REPORT, variables);
    expect(scopeless.cache).not.toBe('HIT');
    expect(scopeless.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(JSON.stringify(scopeless.body)).not.toMatch(/fieldOperations":\d/);
    const anonymous = await post(graph.gatewayUrl, REPORT, variables, {});
    expect(anonymous.cache).not.toBe('HIT');
    expect(JSON.stringify(anonymous.body)).not.toMatch(/fieldOperations":\d/);
  });

  it('attack: alias and whitespace variants cannot poison an entry — each answer has its own shape and the right figures', async () => {
    const variables = period(4);
    const plain = await as(['statistics:read'], REPORT, variables);
    // Whitespace and comments only: the same normalized document, so the same entry.
    const spaced = await as(['statistics:read'], `# a comment\n${REPORT.replaceAll(' ', '   ')}`, variables);
    expect(spaced.cache).toBe('HIT');
    expect(spaced.body).toEqual(plain.body);
    // An alias swapping two figures' names: its own entry, never the plain answer under other keys.
    const swapped = `query Report($from: Date!, $to: Date!) {
      missionReport(from: $from, to: $to) { forensics { fieldOperations: exhumations exhumations: fieldOperations } policeCooperation { europolRequests } }
    }`;
    const poisoned = await as(['statistics:read'], swapped, variables);
    expect(poisoned.cache).toBe('MISS');
    const figures = (answer: Answer) => (answer.body.data!.missionReport as { forensics: Record<string, number> }).forensics;
    expect(figures(poisoned)).toEqual({ fieldOperations: figures(plain).exhumations, exhumations: figures(plain).fieldOperations });
    // And the plain query is still answered as it should be.
    const again = await as(['statistics:read'], REPORT, variables);
    expect(again.cache).toBe('HIT');
    expect(again.body).toEqual(plain.body);
  });

  it('attack: an external client never gets the unsuppressed figures an internal caller put in the cache', async () => {
    const report = `{ missionReport(from: "2019-03-04", to: "2019-03-04") {
      policeCooperation { europolRequests serbianMoiRequests interpolRequests suppressed }
      forensics { fieldOperations exhumations suppressed } operations { patrols suppressed } } }`;
    type Figures = Record<string, Record<string, number | boolean | null>>;
    const internal = await as(['statistics:read'], report);
    expect(internal.body.errors).toBeUndefined();
    expect((await as(['statistics:read'], report)).cache).toBe('HIT');
    const exact = internal.body.data!.missionReport as Figures;
    const small = Object.entries(exact).flatMap(([pillar, figures]) =>
      Object.entries(figures).flatMap(([name, value]) => (typeof value === 'number' && value > 0 && value < 5 ? [[pillar, name] as const] : [])),
    );
    expect(small.length).toBeGreaterThan(0);
    const token = await graph.token(['statistics:read'], { subject: SANDBOX, claims: { client_id: SANDBOX } });
    const external = await post(graph.externalUrl, report, undefined, { authorization: `Bearer ${token}` });
    expect(external.body.errors).toBeUndefined();
    expect(external.cache).toBe('MISS');
    const shown = external.body.data!.missionReport as Figures;
    // Small-count suppression applied to what the external endpoint caches and answers.
    for (const [pillar, name] of small) expect(shown[pillar]![name], `${pillar}.${name}`).toBeNull();
    const again = await post(graph.externalUrl, report, undefined, { authorization: `Bearer ${token}` });
    expect(again.cache).toBe('HIT');
    expect(again.body).toEqual(external.body);
  });

  it('never caches personal data (BYPASS, no-store), so every such answer is audited', async () => {
    const events = async () => {
      const [row] = await graph.subgraphs.audit!.database.rows<{ n: number }>(sql`select count(*)::int as n from audit.audit_events where kind = 'DISCLOSURE'`);
      return row!.n;
    };
    const personal = '{ missingPersons(first: 2) { edges { node { caseNumber fullName } } } }';
    const before = await events();
    const first = await as(['forensics:read', 'forensics:personal'], personal);
    const second = await as(['forensics:read', 'forensics:personal'], personal);
    for (const answer of [first, second]) {
      expect(answer.body.errors).toBeUndefined();
      expect(answer.cache).toBe('BYPASS');
      expect(answer.cacheControl).toBe('no-store');
    }
    expect(await events()).toBe(before + 2);
  });

  it('never caches need-to-know, break-glass, errors or mutations', async () => {
    const witness = `query W($id: ID!) { protectedWitness(id: $id) { codename status } }`;
    const id = syntheticId('protected-witness', 7);
    for (let i = 0; i < 2; i += 1) expect((await as(['witness-protection:read'], witness, { id }, { subject: 'officer-07' })).cache).toBe('BYPASS');
    const breakGlass = { 'x-break-glass': 'EMERGENCY-13: test' };
    for (let i = 0; i < 2; i += 1) expect((await as(['statistics:read'], REPORT, period(5), { headers: breakGlass })).cache).toBe('BYPASS');
    // An error (to before from) is not kept.
    const wrong = { from: '2019-05-02', to: '2019-05-01' };
    for (let i = 0; i < 2; i += 1) {
      const answer = await as(['statistics:read'], REPORT, wrong);
      expect(answer.body.errors?.length).toBeGreaterThan(0);
      expect(answer.cache).not.toBe('HIT');
    }
  });

  it('drops the answers of a subgraph when a mutation of it is forwarded', async () => {
    const variables = period(6);
    expect((await as(['statistics:read'], REPORT, variables)).cache).toBe('MISS');
    expect((await as(['statistics:read'], REPORT, variables)).cache).toBe('HIT');
    const recorded = await as(
      ['forensics:write', 'forensics:read'],
      `mutation R($input: RecordMissingPersonInput!) { recordMissingPerson(input: $input) { missingPerson { caseNumber } } }`,
      { input: { caseNumber: 'MP-1999-09931', disappearanceDate: '1999-05-04', municipality: 'Prishtinë/Priština', fullName: 'Synthetic Person 9931' } },
    );
    expect(recorded.body.errors).toBeUndefined();
    expect(recorded.cache).toBe('BYPASS');
    expect((await as(['statistics:read'], REPORT, variables)).cache).toBe('MISS');
  });

  it('counts its hits, stores and invalidations on /metrics (what an operator sees of it)', async () => {
    const count = async (event: string) =>
      Number(new RegExp(`^gateway_response_cache_events_total\\{event="${event}"[^}]*\\} (\\d+)$`, 'm').exec(await metrics.registry.metrics())?.[1]);
    const before = { hit: await count('hit'), stored: await count('stored') };
    const variables = period(8);
    expect((await as(['statistics:read'], REPORT, variables)).cache).toBe('MISS');
    expect((await as(['statistics:read'], REPORT, variables)).cache).toBe('HIT');
    expect(await count('hit')).toBe(before.hit + 1);
    expect(await count('stored')).toBe(before.stored + 1);
    // The invalidation by the mutation in the test before.
    expect(await count('invalidation')).toBeGreaterThanOrEqual(1);
  });

  it('drops them on every gateway: an invalidation travels through Redis', async (context) => {
    if (!redisReachable) {
      context.skip(`Redis is not reachable at ${REDIS_URL}`);
      return;
    }
    const second: HttpService = createGateway({
      supergraphPath: SUPERGRAPH_PATH,
      subgraphUrls: Object.fromEntries(Object.entries(graph.subgraphs).map(([name, subgraph]) => [name, subgraph.url])),
      development: false,
      verifyCaller: createCallerVerifier({ publicJwks: [graph.callerKey.publicJwk], issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
      internalTokenKey: graph.internalKey,
      unauthorizedMode: 'filter',
      auditSink: httpAuditSink(new URL(AUDIT_APPEND_PATH, graph.subgraphs.audit!.url).toString(), graph.internalKey),
      clients: loadClientRegistry(CLIENTS_PATH),
      responseCache: { ttlMs: 30_000, redisUrl: REDIS_URL, channel },
    });
    const { url } = await second.listen(0);
    try {
      // Let both gateways' subscriptions settle.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const variables = period(7);
      expect((await as(['statistics:read'], REPORT, variables, { url })).cache).toBe('MISS');
      expect((await as(['statistics:read'], REPORT, variables, { url })).cache).toBe('HIT');
      // The mutation goes through the first gateway.
      const recorded = await as(
        ['forensics:write', 'forensics:read'],
        `mutation R($input: RecordMissingPersonInput!) { recordMissingPerson(input: $input) { missingPerson { caseNumber } } }`,
        { input: { caseNumber: 'MP-1999-09932', disappearanceDate: '1999-05-04', municipality: 'Prishtinë/Priština', fullName: 'Synthetic Person 9932' } },
      );
      expect(recorded.body.errors).toBeUndefined();
      let status: string | null = 'HIT';
      for (let attempt = 0; attempt < 50 && status === 'HIT'; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = (await as(['statistics:read'], REPORT, variables, { url })).cache;
      }
      expect(status).toBe('MISS');
    } finally {
      await second.stop();
    }
  });
});
