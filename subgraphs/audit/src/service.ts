import { defineSubgraph } from '@mission-graph/service-kit';
import { appendRoute } from './append-route.js';
import { auditEnvironment } from './config.js';
import { contextFactory } from './context.js';
import { PG_SCHEMA, schema } from './db/schema.js';
import { resolvers } from './resolvers.js';
import { prepareAuditTrail } from './runtime.js';

export type { AuditRuntime, AuditServiceOptions } from './runtime.js';

/**
 * The audit trail: append-only, hash-chained, anchored by signed checkpoints outside its
 * database; its own service and database, so no pillar can alter what was recorded about
 * its data. Read through the graph (`auditEvents`, audit:read; `reviewBreakGlass`,
 * audit:review); appended to only by the gateway (the kit's `AUDIT_APPEND_PATH`, see
 * append-route.ts). Built like every subgraph; what it has besides is its own variables
 * (config.ts), the runtime-role check and the trail with its checkpointer (runtime.ts),
 * and the append route. It starts empty: no seed.
 */
export const createService = defineSubgraph({
  name: 'audit',
  pgSchema: PG_SCHEMA,
  tables: schema,
  migrationsFolder: new URL('../drizzle', import.meta.url),
  typeDefs: new URL('./schema.graphql', import.meta.url),
  resolvers,
  environment: auditEnvironment,
  prepare: prepareAuditTrail,
  context: contextFactory,
  routes: (_db, options, { trail }) => appendRoute(trail, options.internalTokenKey, options.logger),
});

/** A started audit service; `runtime.trail` is the trail itself (tests reach into it). */
export type AuditServiceInstance = Awaited<ReturnType<typeof createService>>;
