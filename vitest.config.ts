// Test runner config: `pnpm test` runs every unit spec (beside its package) and the
// end-to-end specs in tests/. End-to-end suites start real servers on free ports.
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// One copy of graphql, as in production: Node resolves the CommonJS build for the
// Apollo packages, and Vite would hand our ESM imports the .mjs build — two copies,
// whose `instanceof` checks fail against each other.
const graphqlCommonJs = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlCommonJs }] },
  test: {
    include: ['packages/*/test/**/*.spec.ts', 'subgraphs/*/test/**/*.spec.ts', 'gateway/test/**/*.spec.ts', 'tests/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: files run in parallel on both, each starting its own databases.
    maxWorkers: 2,
  },
});
