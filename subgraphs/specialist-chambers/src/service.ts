import { defineSubgraph } from '@mission-graph/service-kit';
import { contextFactory } from './context.js';
import * as schema from './db/schema.js';
import { resolvers } from './resolvers.js';
import { seedSpecialistChambers } from './seed.js';

/** The Specialist Chambers subgraph: support requests and the witness protection programme. */
export const createService = defineSubgraph({
  name: 'specialist-chambers',
  pgSchema: schema.PG_SCHEMA,
  tables: schema,
  migrationsFolder: new URL('../drizzle', import.meta.url),
  typeDefs: new URL('./schema.graphql', import.meta.url),
  resolvers,
  seed: seedSpecialistChambers,
  context: contextFactory,
});
