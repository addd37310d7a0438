import { defineSubgraph } from '@mission-graph/service-kit';
import { contextFactory, prepareWitnessKeys } from './context.js';
import { specialistChambersEnvironment, type SpecialistChambersOptions } from './crypto/witness-keys.js';
import * as schema from './db/schema.js';
import { resolvers } from './resolvers.js';
import { seedSpecialistChambers } from './seed.js';

/**
 * The Specialist Chambers subgraph: support requests and the witness protection
 * programme. Its own variables are the witness keys (crypto/witness-keys.ts): the seed
 * encrypts and seals with them too.
 */
export const createService = defineSubgraph<typeof schema, object, SpecialistChambersOptions, Awaited<ReturnType<typeof prepareWitnessKeys>>>({
  name: 'specialist-chambers',
  pgSchema: schema.PG_SCHEMA,
  tables: schema,
  migrationsFolder: new URL('../drizzle', import.meta.url),
  typeDefs: new URL('./schema.graphql', import.meta.url),
  resolvers,
  seed: seedSpecialistChambers,
  environment: specialistChambersEnvironment,
  prepare: prepareWitnessKeys,
  context: contextFactory,
});
