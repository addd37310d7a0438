import { defineSubgraph } from '@mission-graph/service-kit';
import { contextFactory } from './context.js';
import { PG_SCHEMA, schema } from './db/schema.js';
import { resolvers } from './resolvers.js';
import { seedExchangeRequests } from './seed.js';

/** Police cooperation: information-exchange requests with Europol, Interpol and the Serbian MoI. */
export const createService = defineSubgraph({
  name: 'police-cooperation',
  pgSchema: PG_SCHEMA,
  tables: schema,
  migrationsFolder: new URL('../drizzle', import.meta.url),
  typeDefs: new URL('./schema.graphql', import.meta.url),
  resolvers,
  seed: seedExchangeRequests,
  context: contextFactory,
});
