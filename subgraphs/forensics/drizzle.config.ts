// drizzle-kit config of the forensics subgraph. Regenerate migrations after a schema
// change with `pnpm --filter @mission-graph/forensics db:generate --name <intent>`
// (works offline); the generated SQL under ./drizzle is committed and reviewed.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
  schemaFilter: ['forensics'],
});
