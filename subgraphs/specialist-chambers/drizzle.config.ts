// drizzle-kit config. Regenerate migrations after editing src/db/schema.ts:
//   cd subgraphs/specialist-chambers && pnpm exec drizzle-kit generate --name <intent>
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
  schemaFilter: ['specialist_chambers'],
});
