import { fileURLToPath } from 'node:url';
import {
  createSubgraphService,
  loadTypeDefs,
  openDatabase,
  seedOnce,
  type SubgraphFactory,
} from '@mission-graph/service-kit';
import { createContext } from './context.js';
import { PG_SCHEMA, schema } from './db/schema.js';
import { resolvers } from './resolvers.js';
import { seed } from './seed.js';
import { createStores } from './stores/index.js';

const SERVICE = 'operations';

export const createService: SubgraphFactory = async (options) => {
  const database = await openDatabase({
    service: SERVICE,
    pgSchema: PG_SCHEMA,
    schema,
    migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
  });
  try {
    if (options.seed !== false) await seedOnce(database, PG_SCHEMA, seed);
  } catch (error) {
    await database.close();
    throw error;
  }

  const stores = createStores(database.db);
  const http = createSubgraphService({
    typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
    resolvers,
    context: async () => createContext(stores),
    isReady: database.isReady,
    development: options.development ?? false,
    onStop: database.close,
  });
  return { name: SERVICE, http, database };
};
