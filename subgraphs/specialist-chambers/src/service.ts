import { fileURLToPath } from 'node:url';
import {
  createSubgraphService,
  loadTypeDefs,
  openDatabase,
  seedOnce,
  type SubgraphFactory,
} from '@mission-graph/service-kit';
import { contextFactory } from './context.js';
import * as schema from './db/schema.js';
import { resolvers } from './resolvers.js';
import { seedSpecialistChambers } from './seed.js';

const NAME = 'specialist-chambers';

/** The Specialist Chambers subgraph: support requests and the witness protection programme. */
export const createService: SubgraphFactory = async (options) => {
  const database = await openDatabase({
    service: NAME,
    pgSchema: schema.PG_SCHEMA,
    schema,
    migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
  });
  if (options.seed !== false) {
    // A failed seed leaves nothing half-written (seedOnce is one transaction), but
    // the connection would keep the process alive: close it before giving up.
    await seedOnce(database, schema.PG_SCHEMA, seedSpecialistChambers).catch(async (error: unknown) => {
      await database.close();
      throw error;
    });
  }
  const http = createSubgraphService({
    typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
    resolvers,
    context: contextFactory(database.db),
    isReady: database.isReady,
    development: options.development ?? false,
    onStop: database.close,
  });
  return { name: NAME, http, database };
};
