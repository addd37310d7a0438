import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function start(entry: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('configuration is validated at start', () => {
  it('the gateway stops on a bad PORT and names the variable', () => {
    const run = start('gateway/src/main.ts', { PORT: 'four-thousand' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('PORT');
  });

  it('a subgraph stops on a bad DATABASE_URL and names the variable', () => {
    const run = start('subgraphs/forensics/src/main.ts', { DATABASE_URL: 'not a url' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('DATABASE_URL');
  });

  it('a subgraph stops on a bad SEED flag and names the variable', () => {
    const run = start('subgraphs/operations/src/main.ts', { SEED: 'maybe' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('SEED');
  });
});

describe('production refuses development fallbacks', () => {
  it('a subgraph will not start in production without the gateway key and a database', () => {
    const run = start('subgraphs/forensics/src/main.ts', { NODE_ENV: 'production', INTERNAL_TOKEN_PUBLIC_KEY: '', DATABASE_URL: '' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/INTERNAL_TOKEN_PUBLIC_KEY: required in production/);
    expect(run.stderr).toMatch(/DATABASE_URL: required in production/);
  });

  it('the gateway will not start in production without an identity provider', () => {
    const run = start('gateway/src/main.ts', { NODE_ENV: 'production' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/AUTH_JWKS_URL: required in production/);
  });
});
