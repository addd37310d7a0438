import { print, type GraphQLResolveInfo } from 'graphql';
import { badUserInput, scalarResolvers, type CallerContext } from '@mission-graph/service-kit';
import type { AuditContext } from './context.js';
import type { AuditEventRow } from './db/schema.js';
import { documentHash } from './domain/audit-event.js';
import type { AuditEventFilter } from './stores/audit-event-store.js';

interface ListArgs {
  filter?: AuditEventFilter | null;
  first?: number | null;
  after?: string | null;
}

export const resolvers = {
  ...scalarResolvers,
  Query: {
    /**
     * Reading the trail is itself recorded, before anything is returned: if that
     * record cannot be written, nothing is read.
     */
    auditEvents: async (_: unknown, args: ListArgs, context: AuditContext & CallerContext, info: GraphQLResolveInfo) => {
      const filter = args.filter ?? {};
      if (filter.from && filter.to && Date.parse(filter.from) > Date.parse(filter.to)) {
        throw badUserInput('filter.to', `must not be before filter.from (${filter.from}); got ${filter.to}`);
      }
      const { caller } = context;
      await context.events.append({
        kind: 'AUDIT_READ',
        principal: caller.subject ?? 'anonymous',
        clientId: caller.clientId ?? null,
        operationName: info.operation.name?.value ?? null,
        documentHash: documentHash(print(info.operation)),
        purpose: caller.purpose ?? null,
        breakGlassJustification: null,
        fieldCoordinates: ['Query.auditEvents'],
        entities: filter.entityType && filter.entityId ? [{ type: filter.entityType, id: filter.entityId }] : [],
        requestId: caller.requestId ?? null,
      });
      return context.events.list(filter, args);
    },
  },
  AuditEvent: {
    occurredAt: (event: AuditEventRow) => event.occurredAt.toISOString(),
  },
};
