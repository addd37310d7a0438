/**
 * Production runs compiled JavaScript: after `pnpm build`, a subgraph and the
 * gateway start from `dist/` under the `compiled` export condition — their SDL files,
 * migration folders, the supergraphs, the client registry and the explorer's assets all
 * resolved from the built output — and answer a query. Node 20 cannot load a `.ts` file, so a single
 * import that still pointed at the sources would stop them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devKeyPair } from '@mission-graph/service-kit';
import { signCallerToken } from '../testkit/graph.js';
import { freePort } from '@mission-graph/service-kit/testing';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), 'mission-graph-compiled-'));
const children: ChildProcess[] = [];


function runCompiled(folder: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['--conditions=compiled', 'dist/main.js'], {
    cwd: path.join(root, folder),
    env: { ...process.env, DATA_DIR: dataDir, LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  children.push(child);
  return { child, output: () => output };
}

async function untilReady(port: number, running: { child: ChildProcess; output: () => string }): Promise<void> {
  for (;;) {
    if (running.child.exitCode !== null) throw new Error(`exited ${running.child.exitCode}: ${running.output()}`);
    const status = await fetch(`http://127.0.0.1:${port}/health/ready`).then((response) => response.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the compiled output (pnpm build)', () => {
  let gatewayPort: number;

  beforeAll(async () => {
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: root, stdio: 'pipe' });
    const subgraphPort = await freePort();
    gatewayPort = await freePort();
    const subgraph = runCompiled('subgraphs/forensics', { PORT: String(subgraphPort) });
    await untilReady(subgraphPort, subgraph);
    const gateway = runCompiled('gateway', {
      PORT: String(gatewayPort),
      SUBGRAPH_URL_FORENSICS: `http://127.0.0.1:${subgraphPort}/graphql`,
    });
    // Ready needs every subgraph; only forensics runs here, so wait for liveness and the loaded supergraph.
    for (;;) {
      if (gateway.child.exitCode !== null) throw new Error(`gateway exited: ${gateway.output()}`);
      const body = await fetch(`http://127.0.0.1:${gatewayPort}/health/ready`).then((response) => response.json(), () => undefined);
      if ((body as { supergraph?: string; subgraphs?: Record<string, string> } | undefined)?.subgraphs?.forensics === 'ready') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('emits every package to dist with its SDL beside the code', () => {
    for (const folder of ['packages/service-kit', 'gateway', 'subgraphs/operations', 'subgraphs/forensics', 'subgraphs/audit']) {
      expect(existsSync(path.join(root, folder, 'dist')), folder).toBe(true);
    }
    expect(existsSync(path.join(root, 'subgraphs/forensics/dist/schema.graphql'))).toBe(true);
  });

  it('serves a query through the compiled gateway and the compiled subgraph (migrated and seeded from dist)', async () => {
    const token = await signCallerToken(await devKeyPair(dataDir, 'dev-caller'), ['forensics:read'], {
      issuer: 'mission-graph-dev',
      audience: 'mission-graph',
    });
    const response = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ missingPersons(first: 1) { totalCount } }' }),
    });
    expect(await response.json()).toEqual({
      data: { missingPersons: { totalCount: expect.any(Number) } },
      extensions: { cost: { estimated: expect.any(Number) } },
    });
  });

  it('serves the self-hosted explorer from the compiled gateway', async () => {
    const page = await fetch(`http://127.0.0.1:${gatewayPort}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const script = await fetch(`http://127.0.0.1:${gatewayPort}/explorer/graphiql.min.js`);
    expect(script.status).toBe(200);
    // The explorer's own files (copied to dist by pnpm build), not only GraphiQL's.
    for (const [asset, type] of [
      ['/explorer/explorer.js', 'text/javascript'],
      ['/explorer/explorer.css', 'text/css'],
      ['/favicon.svg', 'image/svg+xml'],
    ] as const) {
      const answer = await fetch(`http://127.0.0.1:${gatewayPort}${asset}`);
      expect(answer.status, asset).toBe(200);
      expect(answer.headers.get('content-type'), asset).toContain(type);
      expect((await answer.text()).length, asset).toBeGreaterThan(0);
    }
    expect(existsSync(path.join(root, 'gateway/dist/explorer/assets/explorer.js'))).toBe(true);
  });

  it('serves the external contract from the compiled gateway, with the client registry it ships', async () => {
    const token = await signCallerToken(await devKeyPair(dataDir, 'dev-caller'), ['statistics:read'], {
      issuer: 'mission-graph-dev',
      audience: 'mission-graph',
      subject: 'external-sandbox',
      claims: { client_id: 'external-sandbox' },
    });
    const response = await fetch(`http://127.0.0.1:${gatewayPort}/external/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ __type(name: "HandlingCode") { enumValues { name } } }' }),
    });
    expect(response.headers.get('ratelimit-policy')).toMatch(/"client";q=30;w=60/);
    expect(await response.json()).toEqual({
      data: { __type: { enumValues: [{ name: 'H0' }, { name: 'H1' }] } },
      extensions: { cost: { estimated: 0 } },
    });
  });
});
