import { defineSubgraph } from '@mission-graph/service-kit';
import { contextFactory } from './context.js';
import * as schema from './db/schema.js';
import { resolvers } from './resolvers.js';
import { seedForensics } from './seed.js';

/** Forensics: missing persons, grave sites, field operations, remains, identifications. */
export const createService = defineSubgraph({
  name: 'forensics',
  pgSchema: 'forensics',
  tables: schema,
  migrationsFolder: new URL('../drizzle', import.meta.url),
  typeDefs: new URL('./schema.graphql', import.meta.url),
  resolvers,
  seed: seedForensics,
  context: contextFactory,
});
