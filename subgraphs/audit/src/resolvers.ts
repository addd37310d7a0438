import { GraphQLError, print, type GraphQLResolveInfo } from 'graphql';
import {
  badUserInput,
  conflict,
  isStorableText,
  notFound,
  reportChanged,
  requireUuid,
  scalarResolvers,
  unauthenticated,
} from '@mission-graph/service-kit';
import type { AuditContext } from './context.js';
import { AppendRefused } from './domain/append-rules.js';
import { documentHash, ownContent } from './domain/audit-event.js';
import type { Resolvers } from './generated/resolvers.js';

type Context = AuditContext;

const MAX_NOTE_LENGTH = 2000;

/**
 * What every event the audit service writes itself says about the request behind it.
 * The operation is the client's own, as the gateway signed it into the internal token
 * (`Caller.operation`): what this service receives is the query planner's fetch
 * (`Review__audit__0`), which no client sent. Only a request without it (the subgraph's
 * own tests) falls back to the operation received.
 */
function requestFacts(context: Context, info: GraphQLResolveInfo) {
  const { caller } = context;
  return {
    principal: caller.subject ?? 'anonymous',
    clientId: caller.clientId ?? null,
    operationName: caller.operation ? caller.operation.name : (info.operation.name?.value ?? null),
    documentHash: caller.operation?.documentHash ?? documentHash(print(info.operation)),
    purpose: caller.purpose ?? null,
    requestId: caller.requestId ?? null,
  };
}

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: {
    /**
     * Reading the trail is itself recorded, before anything is returned: if that
     * record cannot be written, nothing is read.
     */
    auditEvents: async (_, args, context, info) => {
      const filter = args.filter ?? {};
      if (filter.from && filter.to && Date.parse(filter.from) > Date.parse(filter.to)) {
        throw badUserInput('filter.to', `must not be before filter.from (${filter.from}); got ${filter.to}`);
      }
      const entity = { type: filter.entity?.type ?? filter.entityType, id: filter.entity?.id ?? filter.entityId };
      await context.stores.events.append({
        content: ownContent({
          kind: 'AUDIT_READ',
          ...requestFacts(context, info),
          breakGlassJustification: null,
          fieldCoordinates: ['Query.auditEvents'],
          entities: entity.type && entity.id ? [{ type: entity.type, id: entity.id }] : [],
        }),
      });
      return context.stores.events.connection(filter, args);
    },
  },
  Mutation: {
    /**
     * Four eyes: the reviewer is the caller (`sub` of the token the gateway vouches for),
     * never the principal who broke the glass. The store checks that, and that the event
     * is a break-glass one without a review, under the append lock (two reviewers racing
     * cannot both succeed); the database checks it again.
     */
    reviewBreakGlass: async (_, { input }, context, info) => {
      if (!context.caller.subject) throw unauthenticated('A review needs an identified reviewer: a token with a subject (sub)');
      const eventId = requireUuid(input.eventId, 'input.eventId');
      const note = input.note.trim();
      if (note.length === 0 || note.length > MAX_NOTE_LENGTH || !isStorableText(note)) {
        throw badUserInput('input.note', `must be 1–${MAX_NOTE_LENGTH} characters of text saying what was checked`);
      }
      const facts = requestFacts(context, info);
      const reviewed = await context.stores.events.byId(eventId);
      if (!reviewed) throw notFound('AuditEvent', eventId);
      try {
        const { row } = await context.stores.events.append({
          content: ownContent({
            kind: 'REVIEW',
            ...facts,
            breakGlassJustification: null,
            fieldCoordinates: ['Mutation.reviewBreakGlass'],
            // Filed under the same records as the access it reviews.
            entities: reviewed.entities,
            reviewedEventId: eventId,
            reviewOutcome: input.outcome,
            reviewNote: note,
          }),
        });
        reportChanged(context, { type: 'AuditEvent', id: row.id });
        return { review: row };
      } catch (error) {
        if (error instanceof AppendRefused) throw reviewRefusal(error, eventId);
        throw error;
      }
    },
  },
  AuditEvent: {
    occurredAt: (event) => event.occurredAt.toISOString(),
    intentStatus: async (event, _, context) => {
      if (event.kind !== 'INTENT') return null;
      return (await context.loaders.outcomesOf.load(event.id)).length > 0 ? 'CLOSED' : 'OPEN';
    },
    outcomeEventId: async (event, _, context) =>
      event.kind === 'INTENT' ? ((await context.loaders.outcomesOf.load(event.id))[0]?.id ?? null) : null,
    reviewEventId: async (event, _, context) =>
      event.breakGlass ? ((await context.loaders.reviewsOf.load(event.id))[0]?.id ?? null) : null,
  },
};

function reviewRefusal(error: AppendRefused, eventId: string): GraphQLError {
  switch (error.code) {
    case 'NOT_FOUND':
      return notFound('AuditEvent', eventId);
    case 'BAD_USER_INPUT':
      return badUserInput('input.eventId', error.message);
    case 'FORBIDDEN':
      return new GraphQLError(error.message, { extensions: { code: 'FORBIDDEN', eventId } });
    case 'CONFLICT':
      return conflict(error.message, { eventId });
  }
}
