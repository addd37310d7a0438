/**
 * The peer harness of `pnpm bench` (scripts/bench/peer-*.mjs) starts and answers like
 * our gateway: Hive Gateway and plain Apollo Gateway, each in its own process, in front
 * of the testkit's subgraphs, return the same data for the bench's W1 as ours. No timing
 * here (the bench is not part of `pnpm test`); this only keeps the harness working.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutSecurityFeatures } from '../gateway/src/authorization/gateway-supergraph.js';
import { startGraph, type RunningGraph } from './testkit/graph.js';
import { freePort } from '@mission-graph/service-kit/testing';

const root = fileURLToPath(new URL('..', import.meta.url));
const W1 = '{ missingPersons(first: 20) { edges { node { caseNumber status municipality } } } }';


describe('the peer gateways of pnpm bench', () => {
  let graph: RunningGraph;
  const children: ChildProcess[] = [];
  const work = mkdtempSync(path.join(tmpdir(), 'mission-graph-bench-peers-'));

  /** Starts a peer under tsx (the kit's sources; the bench itself runs them on dist) and waits until it answers. */
  async function startPeer(script: string, supergraphPath: string): Promise<string> {
    const port = await freePort();
    const env: Record<string, string> = {
      PORT: String(port),
      SUPERGRAPH_PATH: supergraphPath,
      INTERNAL_TOKEN_PRIVATE_KEY: JSON.stringify({ ...(await exportJWK(graph.internalKey.privateKey)), kid: graph.internalKey.kid, alg: 'ES256' }),
    };
    for (const [name, subgraph] of Object.entries(graph.subgraphs)) env[`SUBGRAPH_URL_${name.toUpperCase().replaceAll('-', '_')}`] = subgraph.url;
    let output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    children.push(child);
    const url = `http://127.0.0.1:${port}/graphql`;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${script} exited: ${output}`);
      const status = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return url;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const dataOf = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: W1 }) });
    const body = (await response.json()) as { data?: unknown; errors?: unknown };
    expect(body.errors, url).toBeUndefined();
    return body.data;
  };

  beforeAll(async () => {
    graph = await startGraph();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await graph?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('Hive Gateway and plain Apollo Gateway answer W1 with the same data as ours', async () => {
    const ours = await dataOf(graph.gatewayUrl, { authorization: `Bearer ${await graph.token(['forensics:read'])}` });
    expect((ours as { missingPersons: { edges: unknown[] } }).missingPersons.edges).toHaveLength(20);
    const supergraph = path.join(root, 'schema/supergraph.graphql');
    const plain = path.join(work, 'supergraph-without-security.graphql');
    writeFileSync(plain, withoutSecurityFeatures(readFileSync(supergraph, 'utf8')));
    const [hive, apollo] = await Promise.all([startPeer('scripts/bench/peer-hive.mjs', supergraph), startPeer('scripts/bench/peer-apollo.mjs', plain)]);
    expect(await dataOf(hive)).toEqual(ours);
    expect(await dataOf(apollo)).toEqual(ours);
  }, 60_000);
});
