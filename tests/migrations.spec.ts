import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SUBGRAPHS } from '../scripts/supergraph.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Each subgraph's committed migrations must match its drizzle schema: drizzle-kit
 * generates into a copy of the migrations folder and must find nothing to add.
 */
describe.each(SUBGRAPHS.map((s) => s.name))('%s migrations', (name) => {
  it('are current with src/db/schema.ts', () => {
    const packageDir = path.join(root, 'subgraphs', name);
    const scratch = mkdtempSync(path.join(tmpdir(), `migrations-${name}-`));
    try {
      cpSync(path.join(packageDir, 'drizzle'), path.join(scratch, 'drizzle'), { recursive: true });
      const before = readdirSync(path.join(scratch, 'drizzle')).sort();
      const config = path.join(packageDir, `drizzle.check.${process.pid}.config.ts`);
      writeFileSync(
        config,
        `import base from './drizzle.config.js';\nexport default { ...base, out: ${JSON.stringify(path.join(scratch, 'drizzle'))} };\n`,
      );
      try {
        execFileSync('pnpm', ['exec', 'drizzle-kit', 'generate', '--config', config], {
          cwd: packageDir,
          stdio: 'pipe',
        });
      } finally {
        rmSync(config);
      }
      expect(readdirSync(path.join(scratch, 'drizzle')).sort()).toEqual(before);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
