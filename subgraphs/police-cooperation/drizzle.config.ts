/**
 * drizzle-kit config of the police-cooperation subgraph. After changing
 * src/db/schema.ts run `pnpm --filter @mission-graph/police-cooperation db:generate --name <intent>`
 * (works offline) and commit the generated SQL under drizzle/.
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
  schemaFilter: ['police_cooperation'],
});
