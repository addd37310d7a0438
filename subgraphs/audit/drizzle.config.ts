/**
 * drizzle-kit config of the audit subgraph. After changing src/db/schema.ts run
 * `pnpm --filter @mission-graph/audit db:generate --name <intent>` and commit drizzle/.
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
  schemaFilter: ['audit'],
});
