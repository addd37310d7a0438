import type { AuditEventRow, EventKind } from '../db/schema.js';
import { canonicalJson, contentOfRow, type EventContent, type NewEvent } from './audit-event.js';

/**
 * What an append must not contradict in the trail: a reused event id with other
 * content, an OUTCOME that closes no open INTENT of the same principal, a review of an
 * ordinary event, of one's own break-glass (four eyes), or a second review. The store
 * checks a request's events against these rules under its append lock, so two replicas
 * racing cannot both pass; the database checks the same again (constraints, triggers).
 */

/** Why an append was refused; nothing of the request it belongs to was recorded. */
export class AppendRefused extends Error {
  override name = 'AppendRefused';
  constructor(
    /** `CONFLICT`: contradicts the trail (reused id, closed intent, reviewed event); `FORBIDDEN`: four eyes. */
    readonly code: 'CONFLICT' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT',
    message: string,
    /** Which part of the request is at fault, e.g. `events.1.intentId`. */
    readonly field: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** What the events of one batch can refer to: events already stored, and their outcomes and reviews. */
export interface References {
  byId: Map<string, AuditEventRow>;
  /** Intents that already have an outcome, events that already have a review. */
  closedIntents: Set<string>;
  reviewedEvents: Set<string>;
}

/** The ids of stored events a request's events name (their own ids, intents, reviewed events). */
export function referencedIds(events: readonly NewEvent[]): Set<string> {
  const named = new Set<string>();
  for (const event of events) {
    if (event.id) named.add(event.id);
    if (event.content.intentId) named.add(event.content.intentId);
    if (event.content.reviewedEventId) named.add(event.content.reviewedEventId);
  }
  return named;
}

/** What to do with one event: record it, or answer with the stored event it duplicates. */
export interface PlannedStep {
  event: NewEvent;
  duplicate?: AuditEventRow;
}

/**
 * Checks one request's events against the trail (including the events sealed earlier in
 * the same batch) and says what to do with each: record it, or answer with the stored duplicate.
 * Throws `AppendRefused` for the first event that contradicts the trail.
 */
export function planAppend(events: readonly NewEvent[], references: References): PlannedStep[] {
  // Within one request, later events may refer to earlier ones.
  const local = new Map<string, EventContent>();
  const closed = new Set<string>();
  const reviewed = new Set<string>();
  const multiple = events.length > 1;
  return events.map((event, index) => {
    const at = (field: string) => (multiple ? `events.${index}.${field}` : field);
    const { content } = event;
    if (event.id) {
      const stored = references.byId.get(event.id);
      if (stored || local.has(event.id)) {
        if (stored && canonicalJson(contentOfRow(stored)) === canonicalJson(content)) return { event, duplicate: stored };
        throw new AppendRefused('CONFLICT', `event id ${event.id} was already used for a different event`, at('id'), { id: event.id });
      }
      local.set(event.id, content);
    }
    if (content.kind === 'OUTCOME') {
      const intentId = content.intentId!;
      const intent = references.byId.get(intentId) ?? localContent(local, intentId);
      if (!intent) throw new AppendRefused('NOT_FOUND', `no INTENT ${intentId} in the trail`, at('intentId'), { intentId });
      if (intent.kind !== 'INTENT') {
        throw new AppendRefused('CONFLICT', `event ${intentId} is a ${intent.kind}, not an INTENT`, at('intentId'), { intentId });
      }
      if (intent.principal !== content.principal) {
        throw new AppendRefused('CONFLICT', `INTENT ${intentId} belongs to another principal`, at('principal'), { intentId });
      }
      if (references.closedIntents.has(intentId) || closed.has(intentId)) {
        throw new AppendRefused('CONFLICT', `INTENT ${intentId} already has an OUTCOME`, at('intentId'), { intentId });
      }
      closed.add(intentId);
    }
    if (content.kind === 'REVIEW') {
      const reviewedId = content.reviewedEventId!;
      const target = references.byId.get(reviewedId);
      if (!target) throw new AppendRefused('NOT_FOUND', `no event ${reviewedId} in the trail`, at('eventId'), { eventId: reviewedId });
      if (!target.breakGlass) {
        throw new AppendRefused('BAD_USER_INPUT', `event ${reviewedId} was not done under break-glass`, at('eventId'), { eventId: reviewedId });
      }
      if (target.principal === content.principal) {
        throw new AppendRefused('FORBIDDEN', 'four eyes: a break-glass event is reviewed by someone other than the principal who broke the glass', at('eventId'), {
          eventId: reviewedId,
        });
      }
      if (references.reviewedEvents.has(reviewedId) || reviewed.has(reviewedId)) {
        throw new AppendRefused('CONFLICT', `event ${reviewedId} was already reviewed`, at('eventId'), { eventId: reviewedId });
      }
      reviewed.add(reviewedId);
    }
    return { event };
  });
}

function localContent(local: ReadonlyMap<string, EventContent>, id: string): { kind: EventKind; principal: string } | undefined {
  return local.get(id);
}
