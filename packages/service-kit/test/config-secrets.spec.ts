import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig, subgraphEnv } from '../src/config.js';

const folder = mkdtempSync(path.join(tmpdir(), 'mission-graph-secrets-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('NAME_FILE: a variable read from a file (Docker and Kubernetes secrets)', () => {
  it('reads the value from the file, without its trailing newline', () => {
    const file = path.join(folder, 'database-url');
    writeFileSync(file, 'postgres://role:secret@db:5432/mission\n');
    const env = readConfig(subgraphEnv(4003), { DATABASE_URL_FILE: file });
    expect(env.DATABASE_URL).toBe('postgres://role:secret@db:5432/mission');
  });

  it('validates the file content like the variable (a bad value names the variable)', () => {
    const file = path.join(folder, 'bad-url');
    writeFileSync(file, 'not a url');
    expect(() => readConfig(subgraphEnv(4003), { DATABASE_URL_FILE: file })).toThrow(/DATABASE_URL/);
  });

  it('refuses both NAME and NAME_FILE: which one wins would be a guess', () => {
    const file = path.join(folder, 'port');
    writeFileSync(file, '5000');
    expect(() => readConfig(subgraphEnv(4003), { PORT: '4003', PORT_FILE: file })).toThrow(/either PORT or PORT_FILE/);
  });

  it('names the variable and the file when the file cannot be read, without its content', () => {
    const read = () => readConfig(subgraphEnv(4003), { INTERNAL_TOKEN_PUBLIC_KEY_FILE: path.join(folder, 'missing') });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/INTERNAL_TOKEN_PUBLIC_KEY_FILE: cannot read .*missing \(ENOENT\)/);
  });

  it('ignores _FILE variables of names the service does not read', () => {
    expect(() => readConfig(subgraphEnv(4003), { SOMETHING_ELSE_FILE: '/nonexistent' })).not.toThrow();
  });
});
