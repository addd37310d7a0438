/**
 * The repository stands alone (issue 14): what users need is in its README and docs/,
 * nothing points to files outside it, and the scope and error tables stay equal to the code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPERATION_NOT_TRUSTED, PERSISTED_QUERY_NOT_FOUND, RATE_LIMITED } from '@mission-graph/gateway/front-doors';
import { ALL_SCOPES, ErrorCode } from '@mission-graph/service-kit';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('the repository stands alone', () => {
  it('names no file outside it (no design notes or folders beside the repository)', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    const outside = /DESIGN\.md|STACK\.md|\.\.\/shared\b/;
    const offenders = tracked
      .filter((file) => !file.endsWith('pnpm-lock.yaml') && existsSync(path.join(root, file)))
      .filter((file) => file !== 'tests/docs.spec.ts' && outside.test(read(file)));
    expect(offenders).toEqual([]);
  });

  it('links only to docs that exist', () => {
    const readme = read('README.md');
    const links = [...readme.matchAll(/\]\((docs\/[^)#]+)/g)].map((match) => match[1]!);
    expect(links.length).toBeGreaterThan(3);
    expect(links.filter((link) => !existsSync(path.join(root, link)))).toEqual([]);
  });

  it('lists in docs/scopes.md exactly the scopes the code knows', () => {
    const documented = [...read('docs/scopes.md').matchAll(/^\| `([\w:-]+)` \|/gm)].map((match) => match[1]);
    expect([...documented].sort()).toEqual([...ALL_SCOPES].sort());
  });

  it('explains in docs/errors.md every error code the kit throws', () => {
    const errors = read('docs/errors.md');
    expect(Object.values(ErrorCode).filter((code) => !errors.includes(`\`${code}\``))).toEqual([]);
  });

  it('has a row in the docs/errors.md table for every code of the gateway’s front doors and limits', () => {
    const rows = [...read('docs/errors.md').matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]);
    const gatewayCodes = [RATE_LIMITED, PERSISTED_QUERY_NOT_FOUND, OPERATION_NOT_TRUSTED, 'QUERY_TOO_COMPLEX', 'SUBGRAPH_TIMEOUT', 'SUBGRAPH_UNAVAILABLE', 'UNAUTHORIZED_FIELD_OR_TYPE'];
    expect(gatewayCodes.filter((code) => !rows.includes(code))).toEqual([]);
  });
});
