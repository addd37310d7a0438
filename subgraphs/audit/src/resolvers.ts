import { GraphQLError, print, type GraphQLResolveInfo } from 'graphql';
import {
  badUserInput,
  conflict,
  isStorableText,
  notFound,
  requireUuid,
  scalarResolvers,
  unauthenticated,
  type CallerContext,
} from '@mission-graph/service-kit';
import type { AuditContext } from './context.js';
import type { AuditEventRow, ReviewOutcome } from './db/schema.js';
import { documentHash, ownContent } from './domain/audit-event.js';
import { AppendRefused, type AuditEventFilter } from './stores/audit-event-store.js';

interface ListArgs {
  filter?: AuditEventFilter | null;
  first?: number | null;
  after?: string | null;
}

interface ReviewArgs {
  input: { eventId: string; outcome: ReviewOutcome; note: string };
}

type Context = AuditContext & CallerContext;

const MAX_NOTE_LENGTH = 2000;

/** What every event the audit service writes itself says about the request behind it. */
function requestFacts(context: Context, info: GraphQLResolveInfo) {
  const { caller } = context;
  return {
    principal: caller.subject ?? 'anonymous',
    clientId: caller.clientId ?? null,
    operationName: info.operation.name?.value ?? null,
    documentHash: documentHash(print(info.operation)),
    purpose: caller.purpose ?? null,
    requestId: caller.requestId ?? null,
  };
}

export const resolvers = {
  ...scalarResolvers,
  Query: {
    /**
     * Reading the trail is itself recorded, before anything is returned: if that
     * record cannot be written, nothing is read.
     */
    auditEvents: async (_: unknown, args: ListArgs, context: Context, info: GraphQLResolveInfo) => {
      const filter = args.filter ?? {};
      if (filter.from && filter.to && Date.parse(filter.from) > Date.parse(filter.to)) {
        throw badUserInput('filter.to', `must not be before filter.from (${filter.from}); got ${filter.to}`);
      }
      const entity = { type: filter.entity?.type ?? filter.entityType, id: filter.entity?.id ?? filter.entityId };
      await context.trail.events.append({
        content: ownContent({
          kind: 'AUDIT_READ',
          ...requestFacts(context, info),
          breakGlassJustification: null,
          fieldCoordinates: ['Query.auditEvents'],
          entities: entity.type && entity.id ? [{ type: entity.type, id: entity.id }] : [],
        }),
      });
      return context.trail.events.list(filter, args);
    },
  },
  Mutation: {
    /**
     * Four eyes: the reviewer is the caller (`sub` of the token the gateway vouches for),
     * never the principal who broke the glass. The store checks that, and that the event
     * is a break-glass one without a review, under the append lock (two reviewers racing
     * cannot both succeed); the database checks it again.
     */
    reviewBreakGlass: async (_: unknown, { input }: ReviewArgs, context: Context, info: GraphQLResolveInfo) => {
      if (!context.caller.subject) throw unauthenticated('A review needs an identified reviewer: a token with a subject (sub)');
      const eventId = requireUuid(input.eventId, 'input.eventId');
      const note = input.note.trim();
      if (note.length === 0 || note.length > MAX_NOTE_LENGTH || !isStorableText(note)) {
        throw badUserInput('input.note', `must be 1–${MAX_NOTE_LENGTH} characters of text saying what was checked`);
      }
      const facts = requestFacts(context, info);
      const reviewed = await context.trail.events.byId(eventId);
      if (!reviewed) throw notFound('AuditEvent', eventId);
      try {
        const { row } = await context.trail.events.append({
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
        return { review: row };
      } catch (error) {
        if (error instanceof AppendRefused) throw reviewRefusal(error, eventId);
        throw error;
      }
    },
  },
  AuditEvent: {
    occurredAt: (event: AuditEventRow) => event.occurredAt.toISOString(),
    intentStatus: async (event: AuditEventRow, _: unknown, context: Context) => {
      if (event.kind !== 'INTENT') return null;
      return (await context.loaders.outcomeOf.load(event.id)) ? 'CLOSED' : 'OPEN';
    },
    outcomeEventId: async (event: AuditEventRow, _: unknown, context: Context) =>
      event.kind === 'INTENT' ? ((await context.loaders.outcomeOf.load(event.id))?.id ?? null) : null,
    reviewEventId: async (event: AuditEventRow, _: unknown, context: Context) =>
      event.breakGlass ? ((await context.loaders.reviewOf.load(event.id))?.id ?? null) : null,
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
