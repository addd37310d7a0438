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
import { seedExchangeRequests } from './seed.js';
import { createExchangeRequestStore } from './stores/exchange-request-store.js';

const NAME = 'police-cooperation';

/** Builds the police-cooperation subgraph: database migrated (and seeded once), server not yet listening. */
export const createService: SubgraphFactory = async (options) => {
  const database = await openDatabase({
    service: NAME,
    pgSchema: PG_SCHEMA,
    schema,
    migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
  });
  if (options.seed !== false) {
    await seedOnce(database, PG_SCHEMA, seedExchangeRequests).catch(async (error: unknown) => {
      await database.close(); // a failed start must not leave the database open
      throw error;
    });
  }

  const exchangeRequests = createExchangeRequestStore(database.db);
  const http = createSubgraphService({
    typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
    resolvers,
    context: async () => createContext(exchangeRequests),
    isReady: database.isReady,
    development: options.development ?? false,
    onStop: database.close,
  });
  return { name: NAME, http, database };
};
