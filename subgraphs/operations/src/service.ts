import { defineSubgraph } from '@mission-graph/service-kit';
import { contextFactory } from './context.js';
import { PG_SCHEMA, schema } from './db/schema.js';
import { resolvers } from './resolvers.js';
import { seed } from './seed.js';
import { readShiftPattern } from './domain/shift-pattern.js';

/** Operations support: the FPU, the three security responders, incidents, deployments, patrols, exercises. */
export const createService = defineSubgraph({
  name: 'operations',
  pgSchema: PG_SCHEMA,
  tables: schema,
  migrationsFolder: new URL('../drizzle', import.meta.url),
  typeDefs: new URL('./schema.graphql', import.meta.url),
  resolvers,
  seed,
  context: (db) => contextFactory(db, readShiftPattern()),
});
