/**
 * Accountable access through the gateway: responses that disclose personal data are
 * recorded — who, what, whose, why — before they are sent, refused attempts as DENIED
 * events; nothing else is; a trail that cannot record stops the data; the trail is read (and the read recorded) only
 * by audit:read holders, and nothing in the graph writes to it but a break-glass review
 * (audit:review, by someone other than the principal who broke the glass).
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES, AUDIT_APPEND_PATH, signInternalToken, syntheticId } from '@mission-graph/service-kit';
import { postGraphQL, startGraph, type RunningGraph } from './testkit/graph.js';

interface AuditEvent {
  kind: string;
  principal: string;
  purpose: string | null;
  operationName: string | null;
  documentHash: string;
  breakGlass: boolean;
  fieldCoordinates: string[];
  entities: { type: string; id: string }[];
}

const EVENT_FIELDS = 'kind principal purpose operationName documentHash breakGlass fieldCoordinates entities { type id }';
const PURPOSE = 'CASE-2025-001: test review';

describe('the audit trail through the gateway', () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph();
  });
  afterAll(async () => {
    await graph?.stop();
  });

  /** The events recorded since `mark`, oldest first, read straight from the audit service's store. */
  const eventCount = async () => {
    const [row] = await graph.subgraphs.audit!.database.rows<{ n: number }>(sql`select count(*)::int as n from audit.audit_events`);
    return row!.n;
  };
  const eventsSince = async (mark: number): Promise<AuditEvent[]> => {
    const response = await graph.queryAs<{ auditEvents: { edges: { node: AuditEvent }[] } }>(
      ['audit:read'],
      `{ auditEvents(first: 100) { edges { node { ${EVENT_FIELDS} } } } }`,
    );
    const all = response.data!.auditEvents.edges.map((e) => e.node).reverse();
    return all.slice(mark).filter((event) => event.kind !== 'AUDIT_READ');
  };

  it('records one event naming exactly the coordinates and records disclosed, before answering', async () => {
    const mark = await eventCount();
    const query = /* GraphQL */ `
      query FamilyTracing {
        missingPersons(first: 2) { edges { node { id caseNumber fullName } } }
        informationExchangeRequests(first: 3) { edges { node { id reference subject } } }
      }`;
    const response = await graph.queryAs<{
      missingPersons: { edges: { node: { id: string } }[] };
      informationExchangeRequests: { edges: { node: { id: string } }[] };
    }>(['forensics:read', 'forensics:personal', 'police-cooperation:read', 'police-cooperation:subject'], query);
    expect(response.errors).toBeUndefined();
    expect(JSON.stringify(response.data)).not.toMatch(/_audit_/);

    const events = await eventsSince(mark);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      kind: 'DISCLOSURE',
      principal: 'test-analyst',
      purpose: PURPOSE,
      operationName: 'FamilyTracing',
      documentHash: createHash('sha256').update(query).digest('hex'),
      breakGlass: false,
      fieldCoordinates: ['InformationExchangeRequest.subject', 'MissingPerson.fullName'],
    });
    const expected = [
      ...response.data!.missingPersons.edges.map((e) => ({ type: 'MissingPerson', id: e.node.id })),
      ...response.data!.informationExchangeRequests.edges.map((e) => ({ type: 'InformationExchangeRequest', id: e.node.id })),
    ];
    expect(new Set(event!.entities.map((e) => `${e.type}:${e.id}`))).toEqual(new Set(expected.map((e) => `${e.type}:${e.id}`)));
  });

  it('names the record a nested personal field belongs to, even when its id was not asked for', async () => {
    const mark = await eventCount();
    const response = await graph.queryAs<{ informationExchangeRequests: { edges: { node: { relatedMissingPerson: { caseNumber: string } } }[] } }>(
      ['police-cooperation:read', 'forensics:read', 'forensics:personal'],
      '{ informationExchangeRequests(first: 2, filter: { hasRelatedMissingPerson: true }) { edges { node { relatedMissingPerson { caseNumber placeLastSeen } } } } }',
    );
    expect(response.errors).toBeUndefined();
    const [event] = await eventsSince(mark);
    expect(event?.fieldCoordinates).toEqual(['MissingPerson.placeLastSeen']);
    expect(event?.entities.every((e) => e.type === 'MissingPerson')).toBe(true);
    expect(event?.entities).toHaveLength(2);
  });

  it('records nothing for a response without personal data; withheld personal fields only as a refused attempt (DENIED)', async () => {
    const mark = await eventCount();
    await graph.queryAs(['forensics:read'], '{ missingPersons(first: 5) { edges { node { caseNumber status } } } }');
    expect(await eventCount()).toBe(mark);
    const withheld = await graph.queryAs<{ missingPersons: { edges: { node: { personId: string } }[] } }>(
      ['forensics:read'],
      '{ missingPersons(first: 2) { edges { node { personId: id caseNumber fullName } } } }',
    );
    expect(withheld.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    const rows = await graph.subgraphs.audit!.database.rows<{ kind: string; denial_reason: string; field_coordinates: string[]; entities: { type: string; id: string }[] }>(
      sql`select kind, denial_reason, field_coordinates, entities from audit.audit_events order by sequence offset ${mark}`,
    );
    // No disclosure: one DENIED event, naming the refused field on the records it was refused on.
    expect(rows.map((row) => [row.kind, row.denial_reason, row.field_coordinates])).toEqual([['DENIED', 'SCOPE', ['MissingPerson.fullName']]]);
    const people = withheld.data!.missingPersons.edges.map((edge) => edge.node.personId);
    expect(rows[0]!.entities.map((entity) => entity.id).sort()).toEqual(people.sort());
  });

  it('records every mutation before and after it runs: what was called, on which records, by whom, why — personal data included', async () => {
    const mark = await eventCount();
    const response = await graph.queryAs<{ recordMissingPerson: { missingPerson: { id: string; caseNumber: string } } }>(
      ['forensics:write', 'forensics:read', 'forensics:personal'],
      `mutation Record($input: RecordMissingPersonInput!) {
        recordMissingPerson(input: $input) { missingPerson { id caseNumber fullName } }
      }`,
      {
        input: {
          caseNumber: 'MP-1999-09901',
          disappearanceDate: '1999-05-04',
          municipality: 'Prishtinë/Priština',
          fullName: 'Synthetic Person 9901',
        },
      },
    );
    expect(response.errors).toBeUndefined();
    const id = response.data!.recordMissingPerson.missingPerson.id;
    // Before it ran: the intent; after: its outcome with what the subgraph changed; and the
    // personal data its payload showed, as for any response.
    const [intent, outcome, disclosure] = await eventsSince(mark);
    const who = { principal: 'test-analyst', purpose: PURPOSE, operationName: 'Record' };
    expect(intent).toMatchObject({ kind: 'INTENT', ...who, fieldCoordinates: ['Mutation.recordMissingPerson'], entities: [] });
    expect(outcome).toMatchObject({ kind: 'OUTCOME', ...who, fieldCoordinates: ['Mutation.recordMissingPerson'], entities: [{ type: 'MissingPerson', id }] });
    expect(disclosure).toMatchObject({ kind: 'DISCLOSURE', ...who, fieldCoordinates: ['MissingPerson.fullName'], entities: [{ type: 'MissingPerson', id }] });
  });

  it('fails closed: when the trail cannot record, the personal data is not sent', async () => {
    const audit = graph.subgraphs.audit!.database;
    await audit.rows(sql`create function audit.broken_store() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`);
    await audit.rows(sql`create trigger broken_store before insert on audit.audit_events for each row execute function audit.broken_store()`);
    try {
      const response = await graph.queryAs(['forensics:read', 'forensics:personal'], '{ missingPersons(first: 2) { edges { node { fullName } } } }');
      expect(response.status).toBe(503);
      expect(response.data).toBeUndefined();
      expect(response.errors).toHaveLength(1);
      expect(response.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
      expect(JSON.stringify(response)).not.toMatch(/Synthetic Person|disk full/);
      // Data without personal fields still flows: nothing needs recording.
      const plain = await graph.queryAs(['forensics:read'], '{ missingPersons(first: 1) { edges { node { caseNumber } } } }');
      expect(plain.errors).toBeUndefined();
    } finally {
      await audit.rows(sql`drop trigger broken_store on audit.audit_events`);
      await audit.rows(sql`drop function audit.broken_store()`);
    }
    const healed = await graph.queryAs(['forensics:read', 'forensics:personal'], '{ missingPersons(first: 1) { edges { node { fullName } } } }');
    expect(healed.errors).toBeUndefined();
  });

  it('is reviewable with filters, newest first, and reading it is recorded too', async () => {
    const response = await graph.queryAs<{ missingPersons: { edges: { node: { id: string } }[] } }>(
      ['forensics:read', 'forensics:personal'],
      '{ missingPersons(first: 1) { edges { node { id dateOfBirth } } } }',
    );
    const personId = response.data!.missingPersons.edges[0]!.node.id;
    const review = await graph.queryAs<{ auditEvents: { totalCount: number; edges: { node: AuditEvent }[] } }>(
      ['audit:read'],
      `query Review($id: ID!) {
        byRecord: auditEvents(filter: { entityType: "MissingPerson", entityId: $id }) { totalCount edges { node { ${EVENT_FIELDS} } } }
        byField: auditEvents(filter: { fieldCoordinate: "MissingPerson.dateOfBirth", principal: "test-analyst", breakGlass: false }) { totalCount }
        nobody: auditEvents(filter: { principal: "nobody" }) { totalCount }
        reads: auditEvents(first: 1, filter: { from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z" }) { edges { node { kind } } }
      }`,
      { id: personId },
    );
    expect(review.errors).toBeUndefined();
    const data = review.data as unknown as Record<string, { totalCount: number; edges: { node: AuditEvent }[] }>;
    expect(data.byRecord!.totalCount).toBeGreaterThanOrEqual(1);
    expect(data.byRecord!.edges[0]!.node.entities).toContainEqual({ type: 'MissingPerson', id: personId });
    expect(data.byField!.totalCount).toBeGreaterThanOrEqual(1);
    expect(data.nobody!.totalCount).toBe(0);
    // The newest event is a read of the trail by this very request.
    expect(data.reads!.edges[0]!.node.kind).toBe('AUDIT_READ');
  });

  it('is priced by its page size like every connection (@listSize on auditEvents, totalCount 100)', async () => {
    const costOf = async (query: string) => {
      const response = await graph.queryAs(['audit:read'], query);
      expect(response.errors).toBeUndefined();
      return (response.extensions?.cost as { estimated: number }).estimated;
    };
    // 1 (the connection) + 100 (totalCount) + first × (edge 1 + node 1).
    expect(await costOf('{ auditEvents(first: 50) { totalCount edges { node { id } } } }')).toBe(1 + 100 + 50 * 2);
    // No `first`: the assumed default page of 20, not the gateway's default list size.
    expect(await costOf('{ auditEvents { edges { node { id } } } }')).toBe(1 + 20 * 2);
  });

  it('is readable only with audit:read', async () => {
    const response = await graph.queryAs(ALL_SCOPES.filter((s) => s !== 'audit:read'), '{ auditEvents { totalCount } }');
    expect(response.status).toBe(403);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  it('reviews break-glass through the graph: four eyes, the queue empties, and a witness\'s review finds it all', async () => {
    const witness = syntheticId('protected-witness', 7);
    const as = async (subject: string, scopes: string[], query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      postGraphQL<Record<string, never>>(graph.gatewayUrl, { query, variables }, {
        authorization: `Bearer ${await graph.token(scopes, { subject })}`,
        'x-access-purpose': PURPOSE,
        ...headers,
      });
    // officer-12 is not assigned to witness 7, and breaks the glass.
    const broke = await as(
      'officer-12',
      ['witness-protection:read', 'witness-protection:identity', 'witness-protection:break-glass'],
      'query Emergency($id: ID!) { protectedWitness(id: $id) { identity { fullName } } }',
      { id: witness },
      { 'x-break-glass': 'EMERGENCY-5: credible threat tonight' },
    );
    expect(broke.errors).toBeUndefined();

    const REVIEWER = ['audit:read', 'audit:review'];
    const queue = async () => {
      const response = await as('supervisor-01', ['audit:read'], '{ auditEvents(filter: { breakGlass: true, reviewed: false }) { edges { node { id principal } } } }');
      return (response.data as unknown as { auditEvents: { edges: { node: { id: string; principal: string } }[] } }).auditEvents.edges.map((e) => e.node);
    };
    const [event] = (await queue()).filter((e) => e.principal === 'officer-12');
    expect(event).toBeDefined();

    const REVIEW = 'mutation Review($input: ReviewBreakGlassInput!) { reviewBreakGlass(input: $input) { review { id principal reviewOutcome } } }';
    const input = { eventId: event!.id, outcome: 'JUSTIFIED', note: 'Threat report EMERGENCY-5 on file.' };
    const own = await as('officer-12', REVIEWER, REVIEW, { input });
    expect(own.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const withoutScope = await as('supervisor-01', ['audit:read'], REVIEW, { input });
    expect(withoutScope.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect((await queue()).map((e) => e.id)).toContain(event!.id);

    const reviewed = await as('supervisor-01', REVIEWER, REVIEW, { input });
    expect(reviewed.errors).toBeUndefined();
    expect(reviewed.data).toMatchObject({ reviewBreakGlass: { review: { principal: 'supervisor-01', reviewOutcome: 'JUSTIFIED' } } });
    expect((await queue()).map((e) => e.id)).not.toContain(event!.id);

    const history = await as('supervisor-01', ['audit:read'], 'query W($id: ID!) { auditEvents(filter: { entity: { type: "ProtectedWitness", id: $id } }) { edges { node { kind principal } } } }', { id: witness });
    const kinds = (history.data as unknown as { auditEvents: { edges: { node: { kind: string; principal: string } }[] } }).auditEvents.edges.map((e) => e.node);
    expect(kinds).toEqual(expect.arrayContaining([{ kind: 'DISCLOSURE', principal: 'officer-12' }, { kind: 'REVIEW', principal: 'supervisor-01' }]));
  });

  it('offers no way to write or delete events: no mutation, and the append endpoint answers only the gateway', async () => {
    const introspection = await graph.query<{ __schema: { mutationType: { fields: { name: string }[] } | null } }>(
      '{ __schema { mutationType { fields { name } } } }',
    );
    const mutations = introspection.data?.__schema.mutationType?.fields.map((f) => f.name) ?? [];
    // The audit subgraph's one mutation records a review; none appends, changes or deletes events.
    expect(mutations.filter((name) => /audit/i.test(name))).toEqual([]);
    expect(mutations).toContain('reviewBreakGlass');

    const appendUrl = new URL(AUDIT_APPEND_PATH, graph.subgraphs.audit!.url).toString();
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${await graph.token(ALL_SCOPES)}` },
      { authorization: `Bearer ${await signInternalToken(graph.internalKey, 'audit', { authenticated: true, scopes: new Set(ALL_SCOPES) })}` },
    ];
    for (const headers of attempts) {
      const response = await fetch(appendUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ kind: 'DISCLOSURE' }),
      });
      expect(response.status).toBe(401);
    }
    // Through the gateway's GraphQL endpoint there is no such path at all.
    const viaGraph = await postGraphQL(graph.gatewayUrl, { query: 'mutation { appendAuditEvent }' });
    expect(viaGraph.status).toBe(400);
  });
});
