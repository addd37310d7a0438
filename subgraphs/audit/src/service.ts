import { defineSubgraph } from '@mission-graph/service-kit';
import { appendRoute } from './append-route.js';
import { PG_SCHEMA, schema } from './db/schema.js';
import { resolvers } from './resolvers.js';
import { createAuditEventStore } from './stores/audit-event-store.js';

/**
 * The audit trail: append-only, hash-chained, its own service and database, so no
 * pillar can alter what was recorded about its data. Read through the graph
 * (`auditEvents`, audit:read); written only by the gateway.
 */
export const createService = defineSubgraph({
  name: 'audit',
  pgSchema: PG_SCHEMA,
  tables: schema,
  migrationsFolder: new URL('../drizzle', import.meta.url),
  typeDefs: new URL('./schema.graphql', import.meta.url),
  resolvers,
  seed: async () => {}, // the trail starts empty: nothing happened yet
  context: (db) => {
    const events = createAuditEventStore(db);
    return () => ({ events });
  },
  routes: (db, options) => appendRoute(createAuditEventStore(db), options.internalTokenKey),
});
