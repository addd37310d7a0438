import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, SUPERGRAPH_PATH } from '../scripts/supergraph.js';

describe('the committed supergraph', () => {
  const outcome = composeSupergraph();

  it('composes without errors or hints', () => {
    expect(outcome.errors).toEqual([]);
    expect(outcome.hints).toEqual([]);
  });

  it('is exactly what composition produces now (run `pnpm compose` if not)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(outcome.supergraphSdl);
  });
});
