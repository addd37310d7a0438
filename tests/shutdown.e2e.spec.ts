/**
 * A subgraph stops cleanly on SIGTERM while clients are still sending it requests:
 * the process, started as `pnpm start` starts it, exits with 0 instead of working on
 * (issue 9: police-cooperation once ignored SIGTERM under load).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES, devKeyPair, INTERNAL_TOKEN_KEY_NAME, signInternalToken } from '@mission-graph/service-kit';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('SIGTERM under load', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mission-graph-shutdown-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a subgraph busy answering requests exits cleanly', async () => {
    const key = await devKeyPair(dataDir, INTERNAL_TOKEN_KEY_NAME);
    const child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/forensics/src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, NODE_ENV: 'test', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /ready at (\S+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      void exited.then(() => reject(new Error(`the subgraph exited before it was ready: ${output}`)));
    });

    const body = JSON.stringify({ query: '{ missingPersons(first: 100) { totalCount edges { node { caseNumber status } } } }' });
    const token = await signInternalToken(key, 'forensics', { authenticated: true, subject: 'load', scopes: new Set(ALL_SCOPES) }, { body });
    let answered = 0;
    let stopping = false;
    const client = async () => {
      while (!stopping) {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body,
          });
          await response.arrayBuffer();
          if (response.status === 200) answered += 1;
        } catch {
          // the server went away mid-request: expected once SIGTERM was sent
        }
      }
    };
    const clients = Array.from({ length: 16 }, client);
    while (answered < 50) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGTERM');
    const outcome = await exited;
    stopping = true;
    await Promise.all(clients);
    expect(outcome).toEqual({ code: 0, signal: null });
  }, 240_000); // a fresh embedded database is created and seeded first: slow on a busy machine
});
