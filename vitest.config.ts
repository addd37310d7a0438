// Test runner config: `pnpm test` runs every unit spec (beside its package) and the
// end-to-end specs in tests/. End-to-end suites start real servers on free ports.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.spec.ts', 'subgraphs/*/test/**/*.spec.ts', 'gateway/test/**/*.spec.ts', 'tests/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: files run in parallel on both, each starting its own databases.
    maxWorkers: 2,
  },
});
