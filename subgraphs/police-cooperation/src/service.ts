import { defineSubgraph, guardRecords, loadTypeDefs } from '@mission-graph/service-kit';
import { contextFactory, type PoliceCooperationContext } from './context.js';
import { PG_SCHEMA, schema, type InformationExchangeRequestRow } from './db/schema.js';
import { mayRelease } from './domain/external-release.js';
import { resolvers } from './resolvers.js';
import { seedExchangeRequests } from './seed.js';

const typeDefs = new URL('./schema.graphql', import.meta.url);

/** Police cooperation: information-exchange requests with Europol, Interpol and the Serbian MoI. */
export const createService = defineSubgraph({
  name: 'police-cooperation',
  pgSchema: PG_SCHEMA,
  tables: schema,
  migrationsFolder: new URL('../drizzle', import.meta.url),
  typeDefs,
  // H2/H3 requests never leave through the external contract, on any path to a request
  // (the stores' filters keep pages and totals right; this guard holds when a path forgets).
  resolvers: guardRecords<InformationExchangeRequestRow, PoliceCooperationContext>(loadTypeDefs(typeDefs), resolvers, {
    typeName: 'InformationExchangeRequest',
    visible: (request, context) => mayRelease(context.caller, request),
    idOf: (request) => request.id,
  }),
  seed: seedExchangeRequests,
  context: contextFactory,
});
