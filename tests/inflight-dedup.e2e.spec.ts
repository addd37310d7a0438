/**
 * Safe in-flight deduplication (issue 13 item 5): identical concurrent query fetches to a
 * subgraph are merged only for callers whose rights, as the subgraph sees them, are the
 * same. The subgraphs sit behind a proxy that holds each request a moment, so that the
 * requests sent together are really in flight together; the proxy counts what reached
 * the subgraph.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceMetrics, syntheticId } from '@mission-graph/service-kit';
import { startDelayingProxy, type DelayingProxy } from './testkit/delaying-proxy.js';
import { startGraph, type RunningGraph } from './testkit/graph.js';

const WITNESS = syntheticId('protected-witness', 7);
const ASSIGNED = 'officer-07';
const UNASSIGNED = 'officer-12';
const IDENTITY_SCOPES = ['witness-protection:read', 'witness-protection:identity'];
const WITNESS_QUERY = `query Witness($id: ID!) { protectedWitness(id: $id) { codename accessBasis identity { fullName } } }`;
const PURPOSE = 'CASE-KSC-2026-013: dedup review';
const LIST = '{ missingPersons(first: 3) { edges { node { id caseNumber } } } }';

describe('in-flight deduplication of subgraph fetches', () => {
  const metrics = createServiceMetrics('gateway');
  let graph: RunningGraph;
  const proxies: Record<string, DelayingProxy> = {};

  beforeAll(async () => {
    const targets: Record<string, string> = {};
    for (const name of ['specialist-chambers', 'forensics']) {
      proxies[name] = await startDelayingProxy(() => targets[name]!, 300);
    }
    graph = await startGraph({
      subgraphUrls: Object.fromEntries(Object.entries(proxies).map(([name, proxy]) => [name, proxy.url])),
      gateway: { metrics },
    });
    for (const name of Object.keys(proxies)) targets[name] = graph.subgraphs[name]!.url;
  });
  afterAll(async () => {
    await graph?.stop();
    await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
  });

  const ask = async (subject: string, scopes: string[], query: string, variables?: Record<string, unknown>, signal?: AbortSignal) =>
    fetch(graph.gatewayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await graph.token(scopes, { subject })}`,
        'x-access-purpose': PURPOSE,
      },
      body: JSON.stringify({ query, variables }),
      ...(signal ? { signal } : {}),
    });
  const json = async (response: Promise<Response>) =>
    (await (await response).json()) as { data?: Record<string, unknown>; errors?: { path?: unknown[]; extensions?: { code?: string } }[] };

  it('callers with different rights asking the same thing at the same moment each get their own answer', async () => {
    const proxy = proxies['specialist-chambers']!;
    proxy.bodies.length = 0;
    const [assigned, unassigned] = await Promise.all([
      json(ask(ASSIGNED, IDENTITY_SCOPES, WITNESS_QUERY, { id: WITNESS })),
      json(ask(UNASSIGNED, IDENTITY_SCOPES, WITNESS_QUERY, { id: WITNESS })),
    ]);
    // Same scopes, same document, same variables: only the principal differs — and decides.
    expect(assigned.errors).toBeUndefined();
    expect(assigned.data).toMatchObject({ protectedWitness: { accessBasis: 'ASSIGNED', identity: { fullName: expect.stringMatching(/Synthetic/) } } });
    expect(unassigned.data).toMatchObject({ protectedWitness: { accessBasis: 'NONE', identity: null } });
    expect(JSON.stringify(unassigned)).not.toMatch(/Synthetic/);
    expect(proxy.bodies).toHaveLength(2);
  });

  it('callers with the same rights asking the same thing at the same moment cause one subgraph request, each getting the answer', async () => {
    const proxy = proxies.forensics!;
    proxy.bodies.length = 0;
    const answers = await Promise.all(Array.from({ length: 4 }, () => json(ask('analyst-1', ['forensics:read'], LIST))));
    for (const answer of answers) {
      expect(answer.errors).toBeUndefined();
      expect(answer).toEqual(answers[0]);
    }
    expect((answers[0]!.data as { missingPersons: { edges: unknown[] } }).missingPersons.edges).toHaveLength(3);
    expect(proxy.bodies).toHaveLength(1);
    // What an operator sees: the merged fetches, per subgraph, on the gateway's /metrics.
    const text = await metrics.registry.metrics();
    const merged = Number(/^gateway_subgraph_fetches_total\{subgraph="forensics",fetch="merged"[^}]*\} (\d+)$/m.exec(text)?.[1]);
    expect(merged).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/^gateway_subgraph_fetches_total\{subgraph="forensics",fetch="sent"[^}]*\} [1-9]\d*$/m);
  });

  it('does not merge the same query of two principals holding the same scopes (the principal is part of the key)', async () => {
    const proxy = proxies.forensics!;
    proxy.bodies.length = 0;
    await Promise.all([json(ask('analyst-1', ['forensics:read'], LIST)), json(ask('analyst-2', ['forensics:read'], LIST))]);
    expect(proxy.bodies).toHaveLength(2);
  });

  it('never merges mutations', async () => {
    const proxy = proxies.forensics!;
    proxy.bodies.length = 0;
    const mutation = `mutation Record($input: RecordMissingPersonInput!) { recordMissingPerson(input: $input) { missingPerson { caseNumber } } }`;
    const input = { caseNumber: 'MP-1999-09913', disappearanceDate: '1999-05-04', municipality: 'Prishtinë/Priština', fullName: 'Synthetic Person 9913' };
    const results = await Promise.all(
      [1, 2].map(() => json(ask('analyst-1', ['forensics:write', 'forensics:read'], mutation, { input }))),
    );
    // Both reached the subgraph, which decides (the second is a duplicate case number there, or both recorded).
    expect(proxy.bodies.filter((body) => body.includes('recordMissingPerson'))).toHaveLength(2);
    expect(results.some((result) => result.errors === undefined)).toBe(true);
  });

  it('one caller disconnecting does not abort the fetch the other caller shares', async () => {
    const proxy = proxies.forensics!;
    proxy.bodies.length = 0;
    const leaving = new AbortController();
    const left = ask('analyst-3', ['forensics:read'], LIST, undefined, leaving.signal).catch((error: unknown) => error);
    const staying = json(ask('analyst-3', ['forensics:read'], LIST));
    setTimeout(() => leaving.abort(), 100);
    expect(await left).toBeInstanceOf(Error);
    const answer = await staying;
    expect(answer.errors).toBeUndefined();
    expect((answer.data as { missingPersons: { edges: unknown[] } }).missingPersons.edges).toHaveLength(3);
    expect(proxy.bodies).toHaveLength(1);
  });
});
