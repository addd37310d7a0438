import { fileURLToPath } from 'node:url';
import {
  createSubgraphService,
  loadTypeDefs,
  openDatabase,
  seedOnce,
  type SubgraphFactory,
} from '@mission-graph/service-kit';
import { createContext } from './context.js';
import * as schema from './db/schema.js';
import { resolvers } from './resolvers.js';
import { seedForensics } from './seed.js';

const NAME = 'forensics';
const PG_SCHEMA = 'forensics';

/** Builds the forensics subgraph: opens and migrates its database, seeds it once, serves GraphQL. */
export const createService: SubgraphFactory = async (options) => {
  const database = await openDatabase({
    service: NAME,
    pgSchema: PG_SCHEMA,
    schema,
    migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
  });
  if (options.seed !== false) await seedOnce(database, PG_SCHEMA, seedForensics);
  const http = createSubgraphService({
    typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
    resolvers,
    context: async () => createContext(database.db),
    isReady: database.isReady,
    development: options.development ?? false,
    onStop: database.close,
  });
  return { name: NAME, http, database };
};
