/**
 * The command-line tools as a user meets them (issue 14): `--help` answers, misuse is a
 * friendly line and exit code 2, never a stack trace, and the token tool issues no token
 * without a scope. Run as real processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), 'cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function run(script: string, args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('pnpm token', () => {
  const token = (...args: string[]) => run('scripts/token.ts', args);

  it.each([['--help'], ['-h']])('answers %s with the usage and exit 0', (flag) => {
    const result = token(flag);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: pnpm --silent run token --scopes/);
    expect(result.stdout).toContain('witness-protection:assign');
  });

  it.each([
    ['no arguments (a token without a scope)', [], /at least one scope/],
    ['--scope, a misspelt option', ['--scope', 'forensics:read'], /unknown option --scope/],
    ['--scopes without a value', ['--scopes'], /--scopes needs a value/],
    ['a negative --ttl', ['--scopes', 'forensics:read', '--ttl=-5'], /--ttl must be a whole number from 1 to 86400/],
    ['an unknown scope', ['--scopes', 'forensics:everything'], /unknown scope\(s\): forensics:everything/],
    ['a subject with a space', ['--scopes', 'forensics:read', '--sub', 'two words'], /--sub must be/],
  ])('refuses %s with one line, the usage and exit 2', (_label, args, message) => {
    const result = token(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).not.toMatch(/\bat \S+:\d+:\d+/); // no stack trace
  });

  it('makes a registered machine client’s token with --client (client_id, and sub unless --sub says otherwise)', () => {
    const client = token('--scopes', 'statistics:read', '--client', 'europol-statistics-feed');
    expect(client.status).toBe(0);
    expect(decodeJwt(client.stdout.trim())).toMatchObject({ client_id: 'europol-statistics-feed', sub: 'europol-statistics-feed' });
    const named = token('--scopes', 'forensics:read', '--client', 'forensics-web', '--sub', 'forensic-officer-3');
    expect(decodeJwt(named.stdout.trim())).toMatchObject({ client_id: 'forensics-web', sub: 'forensic-officer-3' });
  });

  it('refuses --client for a client the registry does not know (the gateway would refuse its token), naming the registered ones', () => {
    const result = token('--scopes', 'statistics:read', '--client', 'made-up-feed');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: --client: "made-up-feed" is not registered in .*clients\.json \(registered: .*external-sandbox/);
  });

  it('prints one token, and nothing else, carrying the scopes, subject and lifetime asked for', () => {
    const result = token('--scopes', 'forensics:read forensics:personal', '--sub', 'officer-07', '--ttl', '120');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const claims = decodeJwt(lines[0]!);
    expect(claims).toMatchObject({ scope: 'forensics:read forensics:personal', sub: 'officer-07' });
    expect(claims.exp! - claims.iat!).toBe(120);
  });
});

describe('the other tools', () => {
  it.each([
    ['scripts/internal-key.ts', /^Usage: pnpm --silent run internal-key/],
    ['scripts/compose.ts', /^Usage: pnpm compose/],
    ['scripts/documents-check.ts', /^Usage: pnpm documents:check/],
    ['scripts/scale-check.ts', /^Usage: pnpm scale:check/],
    ['scripts/bench.ts', /^Usage: pnpm bench/],
    ['subgraphs/police-cooperation/src/scale-seed.ts', /^Usage: DATABASE_URL=postgres:\/\/… pnpm seed --scale/],
  ])('%s answers --help and refuses an unknown option with exit 2', (script, usage) => {
    const help = run(script, ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(usage);
    const misuse = run(script, ['--nonsense']);
    expect(misuse.status).toBe(2);
    expect(misuse.stderr).toMatch(/^error: unknown option --nonsense/);
  });

  it('refuses a scale that is not a whole number, naming the option', () => {
    const result = run('scripts/scale-check.ts', ['--scale=lots']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--scale must be a whole number/);
  });
});
