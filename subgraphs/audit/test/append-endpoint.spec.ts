/**
 * `POST AUDIT_APPEND_PATH` (`/internal/audit-events`) as the gateway uses it — INTENT before a mutation, OUTCOME
 * after, DENIED for refusals, records filed under their owners — and as a hostile or
 * clumsy client would: garbage, forged kinds, reused ids, retries, floods.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_APPEND_AUDIENCE, signInternalToken, type AuditEventInput } from '@mission-graph/service-kit';
import { sampleEvent, startAudit, type RunningAudit } from './harness.js';

const WITNESS = { type: 'ProtectedWitness', id: 'c0ffee00-0000-4000-8000-000000000007' };
const RELOCATION = { type: 'Relocation', id: 'c0ffee00-0000-4000-8000-0000000000a1' };

describe('appending events', () => {
  let audit: RunningAudit;
  beforeAll(async () => {
    audit = await startAudit('pglite', { denialLimits: { perWindow: 3, windowSeconds: 3600 } });
  });
  afterAll(async () => {
    await audit?.stop();
  });

  const count = async () => {
    const [row] = await audit.service.database.rows<{ n: number }>(sql`select count(*)::int as n from audit.audit_events`);
    return row!.n;
  };

  interface EventNode {
    id: string;
    kind: string;
    intentStatus: string | null;
    outcomeEventId: string | null;
    intentId: string | null;
    outcome: string | null;
    denialReason: string | null;
    repeatCount: number;
    fieldCoordinates: string[];
    entities: { type: string; id: string; owner: { type: string; id: string } | null }[];
  }
  const FIELDS = 'id kind intentStatus outcomeEventId intentId outcome denialReason repeatCount fieldCoordinates entities { type id owner { type id } }';
  const events = async (filter: Record<string, unknown>) => {
    const response = await audit.query<{ auditEvents: { totalCount: number; edges: { node: EventNode }[] } }>(
      `query Review($filter: AuditEventFilter) { auditEvents(first: 100, filter: $filter) { totalCount edges { node { ${FIELDS} } } } }`,
      { filter },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.auditEvents;
  };

  it('records an INTENT before a mutation and returns its id; the OUTCOME links to it and names what changed', async () => {
    const intent = await audit.append(
      sampleEvent({ kind: 'INTENT', operationName: 'Relocate', fieldCoordinates: ['Mutation.recordRelocation'], entities: [WITNESS] }),
    );
    expect(intent.status).toBe(201);
    expect(intent.body).toMatchObject({ status: 'RECORDED', id: expect.any(String), sequence: expect.any(Number) });

    const open = await events({ openIntent: true });
    expect(open.edges.map((e) => e.node)).toContainEqual(expect.objectContaining({ id: intent.body.id, kind: 'INTENT', intentStatus: 'OPEN', outcomeEventId: null }));

    const outcome = await audit.append(
      sampleEvent({
        kind: 'OUTCOME',
        intentId: intent.body.id,
        outcome: 'COMMITTED',
        operationName: 'Relocate',
        fieldCoordinates: ['Mutation.recordRelocation'],
        entities: [{ ...RELOCATION, owner: WITNESS }, WITNESS],
      }),
    );
    expect(outcome.status).toBe(201);
    const closed = await events({ kind: 'INTENT' });
    expect(closed.edges.find((e) => e.node.id === intent.body.id)?.node).toMatchObject({ intentStatus: 'CLOSED', outcomeEventId: outcome.body.id });
    const [stored] = (await events({ kind: 'OUTCOME' })).edges.map((e) => e.node);
    expect(stored).toMatchObject({ id: outcome.body.id, intentId: intent.body.id, outcome: 'COMMITTED', entities: [{ ...RELOCATION, owner: WITNESS }, { ...WITNESS, owner: null }] });
    expect((await events({ openIntent: true })).edges.map((e) => e.node.id)).not.toContain(intent.body.id);
  });

  it('files a record under its owner: the witness finds its relocation, reads and changes alike', async () => {
    const disclosure = await audit.append(sampleEvent({ fieldCoordinates: ['Relocation.location'], entities: [{ ...RELOCATION, owner: WITNESS }] }));
    // Reads of the trail are recorded (and filed under the record looked for): leave them out here.
    const found = async (filter: Record<string, unknown>) =>
      (await events(filter)).edges.map((e) => e.node).filter((node) => node.kind !== 'AUDIT_READ');
    const byWitness = await found({ entity: WITNESS });
    expect(byWitness.map((node) => node.kind)).toEqual(['DISCLOSURE', 'OUTCOME', 'INTENT']);
    expect(byWitness[0]).toMatchObject({ id: disclosure.body.id, entities: [{ ...RELOCATION, owner: WITNESS }] });
    // By the relocation itself, by type only, and the older spelling of the filter.
    expect((await found({ entity: { id: RELOCATION.id } })).map((node) => node.kind)).toEqual(['DISCLOSURE', 'OUTCOME']);
    expect((await found({ entity: { type: 'ProtectedWitness' } })).map((node) => node.id)).toEqual(byWitness.map((node) => node.id));
    expect((await found({ entityType: WITNESS.type, entityId: WITNESS.id })).map((node) => node.id)).toEqual(byWitness.map((node) => node.id));
    // Nothing else matches: a witness with no history has none.
    expect(await found({ entity: { type: 'ProtectedWitness', id: 'c0ffee00-0000-4000-8000-000000000099' } })).toEqual([]);
  });

  it('refuses an OUTCOME that does not close an open INTENT of the same principal, and records nothing', async () => {
    const intent = await audit.append(sampleEvent({ kind: 'INTENT', principal: 'officer-01', fieldCoordinates: ['Mutation.transitionWitness'] }));
    const before = await count();
    const attempts: [string, Record<string, unknown>, string][] = [
      ['unknown intent', { intentId: '00000000-0000-4000-8000-000000000000' }, 'no INTENT'],
      ['not an intent', { intentId: (await audit.append(sampleEvent())).body.id }, 'not an INTENT'],
      ['someone else\'s', { intentId: intent.body.id, principal: 'officer-02' }, 'another principal'],
    ];
    const afterSetup = await count();
    for (const [what, overrides, message] of attempts) {
      const response = await audit.append(sampleEvent({ kind: 'OUTCOME', principal: 'officer-01', outcome: 'FAILED', ...overrides }));
      expect(response.status, what).toBe(409);
      expect(String(response.body.error), what).toContain(message);
    }
    expect(await count()).toBe(afterSetup);
    expect(afterSetup).toBe(before + 1);
    // One outcome per intent: a second (a gateway retrying without an id) is refused.
    const first = await audit.append(sampleEvent({ kind: 'OUTCOME', principal: 'officer-01', intentId: intent.body.id, outcome: 'UNKNOWN' }));
    expect(first.status).toBe(201);
    const second = await audit.append(sampleEvent({ kind: 'OUTCOME', principal: 'officer-01', intentId: intent.body.id, outcome: 'COMMITTED' }));
    expect(second).toMatchObject({ status: 409, body: { field: 'intentId', error: expect.stringContaining('already has an OUTCOME') } });
  });

  it('makes a retried append idempotent when the sender names the event id', async () => {
    const id = '0a0a0a0a-0000-4000-8000-000000000001';
    const first = await audit.append(sampleEvent({ id, principal: 'retrying-gateway' }));
    const retry = await audit.append(sampleEvent({ id, principal: 'retrying-gateway' }));
    expect(first.body).toMatchObject({ status: 'RECORDED', id });
    expect(retry.body).toEqual({ ...first.body, status: 'DUPLICATE' });
    const forged = await audit.append(sampleEvent({ id, principal: 'someone-else' }));
    expect(forged).toMatchObject({ status: 409, body: { field: 'id' } });
    expect((await events({ principal: 'retrying-gateway' })).totalCount).toBe(1);
    expect((await events({ principal: 'someone-else' })).totalCount).toBe(0);
  });

  it('records several events of one request together, or none of them', async () => {
    const before = await count();
    const together = await audit.append({
      events: [
        sampleEvent({ kind: 'DENIED', principal: 'batch-caller', denialReason: 'NEED_TO_KNOW', fieldCoordinates: ['ProtectedWitness.identity'], entities: [WITNESS] }),
        sampleEvent({ principal: 'batch-caller' }),
      ],
    });
    expect(together.status).toBe(201);
    expect(together.body.receipts).toEqual([expect.objectContaining({ status: 'RECORDED' }), expect.objectContaining({ status: 'RECORDED' })]);
    const refused = await audit.append({
      events: [sampleEvent({ principal: 'batch-caller-2' }), sampleEvent({ kind: 'OUTCOME', principal: 'batch-caller-2', intentId: '00000000-0000-4000-8000-000000000000', outcome: 'FAILED' })],
    });
    expect(refused).toMatchObject({ status: 409, body: { field: 'events.1.intentId' } });
    expect(await count()).toBe(before + 2);
  });

  it('records DENIED attempts with their reason, and counts a flood into one summary instead of filling the trail', async () => {
    const denial = (n: number): AuditEventInput =>
      sampleEvent({
        kind: 'DENIED',
        principal: 'flooder',
        denialReason: 'SCOPE',
        fieldCoordinates: ['MissingPerson.fullName'],
        entities: [{ type: 'MissingPerson', id: `mp-${n % 10}` }],
        requestId: `flood-${n}`,
      });
    const before = await count();
    const receipts = [];
    for (let n = 0; n < 200; n += 1) receipts.push((await audit.append(denial(n))).body);
    // The limit (3 per window here) recorded the first ones; the rest were counted.
    expect(receipts.slice(0, 3).every((r) => r.status === 'RECORDED')).toBe(true);
    expect(receipts.slice(3).every((r) => r.status === 'COLLAPSED')).toBe(true);
    expect(await count()).toBe(before + 3);
    await audit.service.runtime.trail.flushDenials(true);
    expect(await count()).toBe(before + 4);
    const denied = await events({ kind: 'DENIED', principal: 'flooder', denialReason: 'SCOPE' });
    expect(denied.edges.map((e) => e.node.repeatCount)).toEqual([197, 1, 1, 1]);
    expect(denied.edges[0]!.node.entities).toHaveLength(10);
    // Another principal is not silenced by the flooder.
    const other = await audit.append(sampleEvent({ kind: 'DENIED', principal: 'bystander', denialReason: 'PURPOSE' }));
    expect(other.body.status).toBe('RECORDED');
  });

  it('keeps accepting the gateway\'s current DISCLOSURE and MUTATION events unchanged', async () => {
    const legacy = { ...sampleEvent({ kind: 'MUTATION', fieldCoordinates: ['Mutation.recordMissingPerson'] }) };
    const response = await audit.append(legacy);
    expect(response).toMatchObject({ status: 201, body: { status: 'RECORDED' } });
  });

  it.each<[string, unknown, RegExp]>([
    ['not JSON', '{"kind": "DISCL', /as JSON/],
    ['an unknown kind', { ...sampleEvent(), kind: 'WIPE' }, /kind/],
    ['a REVIEW (reviews come only through reviewBreakGlass, four eyes)', { ...sampleEvent(), kind: 'REVIEW', reviewedEventId: '00000000-0000-4000-8000-000000000000' }, /kind/],
    ['an AUDIT_READ (written by the audit service only)', { ...sampleEvent(), kind: 'AUDIT_READ' }, /kind/],
    ['a field the contract does not know', { ...sampleEvent(), sequence: 1 }, /Unrecognized key/],
    ['an OUTCOME without its intent', { ...sampleEvent(), kind: 'OUTCOME', outcome: 'COMMITTED' }, /intentId/],
    ['a DENIED without a reason', { ...sampleEvent(), kind: 'DENIED' }, /denialReason/],
    ['a NUL character (PostgreSQL cannot store it)', sampleEvent({ principal: 'evil\u0000' }), /principal: must not contain NUL/],
    ['an unpaired surrogate (stored differently from what was hashed)', sampleEvent({ purpose: 'CASE \ud800' }), /purpose: must not contain/],
    ['a malformed document hash', sampleEvent({ documentHash: 'abc' }), /documentHash/],
    ['an entity type that is not a GraphQL name', sampleEvent({ entities: [{ type: 'Robert"); DROP TABLE', id: '1' }] }), /entities\.0\.type/],
    ['an empty batch', { events: [] }, /events/],
  ])('refuses %s with 400 naming what is wrong, and records nothing', async (_what, body, message) => {
    const before = await count();
    const response = await audit.append(body);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.error)).toMatch(message);
    expect(await count()).toBe(before);
  });

  it('answers only the gateway: no token, a caller token for another audience, or a forged key get 401', async () => {
    const before = await count();
    const forger = await (await import('@mission-graph/service-kit/testing')).createTestInternalAuth();
    const tokens = [
      undefined,
      await signInternalToken(audit.auth.keyPair, 'audit', { authenticated: true, subject: 'x', scopes: new Set() }),
      await signInternalToken(forger.keyPair, AUDIT_APPEND_AUDIENCE, { authenticated: true, subject: 'x', scopes: new Set() }),
    ];
    for (const token of tokens) {
      const response = await audit.append(sampleEvent(), {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      });
      expect(response.status).toBe(401);
    }
    expect(await count()).toBe(before);
  });

  it('answers 503 and records nothing when the store fails (fail closed)', async () => {
    const db = audit.service.database;
    await db.rows(sql`create function audit.broken_store() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`);
    await db.rows(sql`create trigger broken_store before insert on audit.audit_events for each row execute function audit.broken_store()`);
    try {
      const before = await count();
      const response = await audit.append(sampleEvent());
      expect(response).toEqual({ status: 503, body: { error: 'The audit trail could not record the event' } });
      expect(await count()).toBe(before);
    } finally {
      await db.rows(sql`drop trigger broken_store on audit.audit_events`);
      await db.rows(sql`drop function audit.broken_store()`);
    }
    expect((await audit.verify()).findings).toEqual([]);
  });
});
