/**
 * Break-glass review: the queue, four eyes, one review per event, reviews kept in the
 * chain — and the ways around it one would try: reviewing oneself, reviewing twice or
 * racing another reviewer, a token without a subject or without the scope, forging a
 * REVIEW through the append endpoint or straight into the database.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '@mission-graph/service-kit';
import { expectRefused, sampleEvent, startAudit, type RunningAudit } from './harness.js';

const REVIEW = /* GraphQL */ `
  mutation Review($input: ReviewBreakGlassInput!) {
    reviewBreakGlass(input: $input) { review { id kind principal reviewedEventId reviewOutcome reviewNote entities { type id } } }
  }`;
const QUEUE = /* GraphQL */ `
  query Queue { auditEvents(filter: { breakGlass: true, reviewed: false }) { totalCount edges { node { id principal reviewEventId } } } }`;

const WITNESS = { type: 'ProtectedWitness', id: 'c0ffee00-0000-4000-8000-000000000003' };
const reviewer = (subject: string) => ({ subject, scopes: new Set(['audit:read', 'audit:review']) });

describe('reviewing break-glass events', () => {
  let audit: RunningAudit;
  let brokeGlass: string;
  let ordinary: string;

  beforeAll(async () => {
    audit = await startAudit('pglite');
    const emergency = await audit.append(
      sampleEvent({ principal: 'officer-05', breakGlassJustification: 'EMERGENCY-9: threat to life', fieldCoordinates: ['ProtectedWitness.identity'], entities: [WITNESS] }),
    );
    brokeGlass = emergency.body.id as string;
    ordinary = (await audit.append(sampleEvent({ principal: 'officer-05' }))).body.id as string;
  });
  afterAll(async () => {
    await audit?.stop();
  });

  const review = (caller: ReturnType<typeof reviewer> | Record<string, unknown>, input: Record<string, unknown>) =>
    audit.query<{ reviewBreakGlass: { review: Record<string, unknown> } }>(REVIEW, { input: { outcome: 'JUSTIFIED', note: 'Checked the threat report.', ...input } }, caller);

  it('puts break-glass events in the review queue', async () => {
    const queue = await audit.query<{ auditEvents: { totalCount: number; edges: { node: { id: string; reviewEventId: null } }[] } }>(QUEUE, {}, reviewer('supervisor-1'));
    expect(queue.data?.auditEvents.edges.map((e) => e.node)).toEqual([{ id: brokeGlass, principal: 'officer-05', reviewEventId: null }]);
  });

  it('refuses the principal who broke the glass (four eyes), and records nothing', async () => {
    const own = await review(reviewer('officer-05'), { eventId: brokeGlass });
    expect(own.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(own.errors?.[0]?.message).toMatch(/four eyes/);
    expect(own.data).toBeNull();
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a token without a subject', { eventId: 'self' }, 'UNAUTHENTICATED', 'no-subject'],
    ['an id that is not a UUID', { eventId: "1' or '1'='1" }, 'BAD_USER_INPUT', 'supervisor-1'],
    ['an event that does not exist', { eventId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', 'supervisor-1'],
    ['an event not done under break-glass', { eventId: 'ordinary' }, 'BAD_USER_INPUT', 'supervisor-1'],
    ['an empty note', { eventId: 'self', note: '   ' }, 'BAD_USER_INPUT', 'supervisor-1'],
    ['a note with a NUL character', { eventId: 'self', note: 'ok\u0000' }, 'BAD_USER_INPUT', 'supervisor-1'],
  ])('refuses %s with a typed error', async (_what, input, code, subject) => {
    const eventId = input.eventId === 'self' ? brokeGlass : input.eventId === 'ordinary' ? ordinary : input.eventId;
    const caller = subject === 'no-subject' ? { subject: undefined, scopes: new Set(['audit:review']) } : reviewer(subject);
    const response = await review(caller, { ...input, eventId });
    expect(response.errors?.[0]?.extensions?.code).toBe(code);
    // No data: null (refused while resolving) or absent (a NUL is refused before execution, kit storable-text.ts).
    expect(response.data ?? null).toBeNull();
  });

  it('is refused without audit:review, even holding every other scope', async () => {
    const response = await review({ subject: 'supervisor-1', scopes: new Set(ALL_SCOPES.filter((s) => s !== 'audit:review')) }, { eventId: brokeGlass });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(response.data?.reviewBreakGlass ?? null).toBeNull();
  });

  it('records a second principal\'s review as an event of the chain, filed under the same records; the queue empties', async () => {
    const response = await review(reviewer('supervisor-1'), { eventId: brokeGlass, outcome: 'UNJUSTIFIED', note: '  No threat on file for that night.  ' });
    expect(response.errors).toBeUndefined();
    expect(response.data!.reviewBreakGlass.review).toMatchObject({
      kind: 'REVIEW',
      principal: 'supervisor-1',
      reviewedEventId: brokeGlass,
      reviewOutcome: 'UNJUSTIFIED',
      reviewNote: 'No threat on file for that night.',
      entities: [WITNESS],
    });
    const queue = await audit.query<{ auditEvents: { totalCount: number } }>(QUEUE, {}, reviewer('supervisor-1'));
    expect(queue.data?.auditEvents.totalCount).toBe(0);
    const reviewed = await audit.query<{ auditEvents: { edges: { node: { id: string; reviewEventId: string } }[] } }>(
      '{ auditEvents(filter: { breakGlass: true, reviewed: true }) { edges { node { id reviewEventId } } } }',
      {},
      reviewer('supervisor-1'),
    );
    expect(reviewed.data?.auditEvents.edges).toEqual([{ node: { id: brokeGlass, reviewEventId: response.data!.reviewBreakGlass.review.id } }]);
    await audit.service.runtime.trail.checkpointer.checkpoint();
    expect((await audit.verify()).findings).toEqual([]);
  });

  it('refuses a second review of the same event', async () => {
    const again = await review(reviewer('supervisor-2'), { eventId: brokeGlass });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('lets exactly one of two reviewers racing each other win', async () => {
    const event = (await audit.append(sampleEvent({ principal: 'officer-06', breakGlassJustification: 'EMERGENCY-10' }))).body.id as string;
    const results = await Promise.all(['supervisor-1', 'supervisor-2', 'supervisor-3'].map((subject) => review(reviewer(subject), { eventId: event })));
    expect(results.filter((r) => !r.errors).length).toBe(1);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT').length).toBe(2);
  });

  it('cannot be forged by an insider inserting a REVIEW straight into the database', async () => {
    const event = (await audit.append(sampleEvent({ principal: 'officer-07', breakGlassJustification: 'EMERGENCY-11' }))).body.id as string;
    const head = (await audit.service.runtime.trail.events.head())!;
    const forge = (principal: string, reviewed: string) =>
      audit.service.database.rows(sql`
        insert into audit.audit_events (sequence, hash_version, id, occurred_at, kind, principal, document_hash, field_coordinates, entities,
          reviewed_event_id, review_outcome, review_note, previous_hash, hash)
        values (${head.sequence + 1}, 2, gen_random_uuid(), now(), 'REVIEW', ${principal}, repeat('a', 64), '{}', '[]',
          ${reviewed}, 'JUSTIFIED', 'self-approved', ${head.hash}, repeat('b', 64))`);
    await expectRefused(forge('officer-07', event), /four eyes/);
    await expectRefused(forge('supervisor-1', ordinary), /must review a break-glass event/);
  });
});
