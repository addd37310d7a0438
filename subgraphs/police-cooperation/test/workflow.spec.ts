import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { databaseViolation, idempotencyScopeOf } from '@mission-graph/service-kit';
import { startSubgraph, errorCodes, type GraphQLResponse, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

interface Recorded {
  id: string;
  reference: string;
  channel: string;
  direction: string;
  status: string;
  requestDate: string;
  answeredOn: string | null;
  subject: string | null;
  legalBasis: string | null;
  handlingCode: string;
  handlingConditions: string | null;
  sourceReliability: string;
  informationAccuracy: string;
  evaluationCode: string;
  relatedMissingPerson: { id: string } | null;
  history: { sequence: number; fromStatus: string | null; toStatus: string; occurredOn: string }[];
}

const REQUEST_FIELDS = /* GraphQL */ `
  id reference channel direction status requestDate answeredOn subject legalBasis handlingCode handlingConditions
  sourceReliability informationAccuracy evaluationCode relatedMissingPerson { id }
  history { sequence fromStatus toStatus occurredOn }
`;

const RECORD = /* GraphQL */ `
  mutation Record($input: RecordExchangeRequestInput!, $idempotencyKey: String) {
    recordExchangeRequest(input: $input, idempotencyKey: $idempotencyKey) { request { ${REQUEST_FIELDS} } }
  }
`;

const TRANSITION = /* GraphQL */ `
  mutation Transition($input: TransitionExchangeRequestInput!) {
    transitionExchangeRequest(input: $input) { request { ${REQUEST_FIELDS} } }
  }
`;

const ONE = /* GraphQL */ `query One($id: ID!) { informationExchangeRequest(id: $id) { ${REQUEST_FIELDS} } }`;

const TOTAL = /* GraphQL */ `
  query Total($filter: InformationExchangeRequestFilter) { informationExchangeRequests(first: 0, filter: $filter) { totalCount } }
`;

/** A valid input; each test varies what it checks. Dated outside the published period. */
const EUROPOL_REQUEST = {
  channel: 'EUROPOL',
  direction: 'RECEIVED',
  counterpart: 'Europol',
  kosovoPoliceUnit: 'International Law Enforcement Coordination Unit',
  requestDate: '2027-03-02',
  subject: 'Subject PC-TEST (synthetic)',
  handlingCode: 'H1',
  sourceReliability: 'B',
  informationAccuracy: 'KNOWN_TO_SOURCE',
};

const MOI_REQUEST = {
  ...EUROPOL_REQUEST,
  channel: 'SERBIAN_MOI',
  direction: 'SENT',
  counterpart: 'Serbian Ministry of Interior',
  legalBasis: 'Protocol on police cooperation',
};

type RecordResponse = GraphQLResponse<{ recordExchangeRequest: { request: Recorded } }>;
type TransitionResponse = GraphQLResponse<{ transitionExchangeRequest: { request: Recorded } }>;

describeOnEachDatabase('request workflow', (flavour) => {
  let subgraph: RunningSubgraph;
  let keyCounter = 0;
  const newKey = () => `test-key-${flavour}-${Date.now()}-${(keyCounter += 1)}`;

  const record = async (input: Record<string, unknown>, idempotencyKey?: string, client?: string) =>
    client
      ? ((
          await subgraph.post(RECORD, { input, idempotencyKey }, await subgraph.auth.headers('police-cooperation', { subject: client }, { query: RECORD, variables: { input, idempotencyKey } }))
        ) as RecordResponse)
      : ((await subgraph.query(RECORD, { input, idempotencyKey })) as RecordResponse);
  const transition = (id: string, status: string, occurredOn: string) =>
    subgraph.query(TRANSITION, { input: { id, status, occurredOn } }) as Promise<TransitionResponse>;
  const one = async (id: string) =>
    (await subgraph.query<{ informationExchangeRequest: Recorded | null }>(ONE, { id })).data!.informationExchangeRequest;
  const total = async (filter: Record<string, unknown> = {}) =>
    (await subgraph.query<{ informationExchangeRequests: { totalCount: number } }>(TOTAL, { filter })).data!
      .informationExchangeRequests.totalCount;
  const rows = <Row>(query: ReturnType<typeof sql>) => subgraph.instance.database.rows<Row>(query);
  /** The constraint a raw statement violates, proving the rule holds in the database itself. */
  async function violatedConstraint(statement: ReturnType<typeof sql>): Promise<string | undefined> {
    const rollBack = new Error('roll back');
    try {
      await subgraph.instance.database.db.transaction(async (tx) => {
        await tx.execute(statement);
        throw rollBack; // a statement that passes leaves nothing behind either
      });
    } catch (error) {
      if (error === rollBack) return 'no violation';
      return databaseViolation(error)?.constraint;
    }
    return 'unreachable';
  }

  beforeAll(async () => {
    subgraph = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await subgraph?.stop();
  });

  describe('recordExchangeRequest', () => {
    it('records a request in its entry state, with codes, a new reference and the first history entry', async () => {
      const response = await record({ ...EUROPOL_REQUEST, relatedMissingPersonId: '8E0E0F3C-2A51-4F8B-9C1D-0123456789AB' });
      expect(response.errors).toBeUndefined();
      const request = response.data!.recordExchangeRequest.request;
      // Reported to the gateway for its OUTCOME audit event.
      expect(response.changed).toEqual([{ type: 'InformationExchangeRequest', id: request.id }]);
      expect(request).toMatchObject({
        reference: expect.stringMatching(/^EUR-2027-\d{6}$/),
        channel: 'EUROPOL',
        direction: 'RECEIVED',
        status: 'RECEIVED',
        answeredOn: null,
        legalBasis: null,
        handlingCode: 'H1',
        handlingConditions: null,
        sourceReliability: 'B',
        informationAccuracy: 'KNOWN_TO_SOURCE',
        evaluationCode: 'B2',
        relatedMissingPerson: { id: '8e0e0f3c-2a51-4f8b-9c1d-0123456789ab' },
        history: [{ sequence: 1, fromStatus: null, toStatus: 'RECEIVED', occurredOn: '2027-03-02' }],
      });
      // Serials continue after the seeded ones (Europol's highest seeded serial is 1,976).
      expect(Number(request.reference.slice(9))).toBeGreaterThan(1_976);
      expect(await one(request.id)).toEqual(request);

      const sent = (await record(MOI_REQUEST)).data!.recordExchangeRequest.request;
      expect(sent).toMatchObject({ status: 'SENT', reference: expect.stringMatching(/^MOI-2027-/), legalBasis: 'Protocol on police cooperation' });
    });

    it('refuses invalid input with BAD_USER_INPUT naming the field, before any SQL', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ ...MOI_REQUEST, legalBasis: undefined }, 'input.legalBasis'],
        [{ ...MOI_REQUEST, legalBasis: '   ' }, 'input.legalBasis'],
        [{ ...EUROPOL_REQUEST, handlingCode: 'H3' }, 'input.handlingConditions'],
        [{ ...EUROPOL_REQUEST, handlingCode: 'H2', handlingConditions: 'only for the case file' }, 'input.handlingConditions'],
        [{ ...EUROPOL_REQUEST, counterpart: '  ' }, 'input.counterpart'],
        [{ ...EUROPOL_REQUEST, subject: 'x'.repeat(501) }, 'input.subject'],
        [{ ...EUROPOL_REQUEST, relatedMissingPersonId: 'mp-42' }, 'input.relatedMissingPersonId'],
      ];
      const before = subgraph.statementCount();
      for (const [input, argument] of cases) {
        const response = await record(input);
        expect(response.data).toBeNull();
        expect(errorCodes(response)).toEqual([{ code: 'BAD_USER_INPUT', argument }]);
        expect(response.errors![0]!.message).toContain(argument);
      }
      const badKey = await record(EUROPOL_REQUEST, 'short');
      expect(errorCodes(badKey)).toEqual([{ code: 'BAD_USER_INPUT', argument: 'idempotencyKey' }]);
      expect(subgraph.statementCount()).toBe(before);
    });

    it('requires the handling code and evaluation (GraphQL refuses an input without them)', async () => {
      const { handlingCode: _omitted, ...withoutCode } = EUROPOL_REQUEST;
      const response = await record(withoutCode);
      expect(response.errors?.[0]?.message).toMatch(/handlingCode/);
    });

    it('records H3 with its conditions', async () => {
      const response = await record({ ...EUROPOL_REQUEST, handlingCode: 'H3', handlingConditions: ' Not for third countries ' });
      expect(response.data!.recordExchangeRequest.request).toMatchObject({
        handlingCode: 'H3',
        handlingConditions: 'Not for third countries',
      });
    });
  });

  describe('idempotency', () => {
    it('records once for ten concurrent calls with the same key and payload, all answers identical', async () => {
      const key = newKey();
      const input = { ...EUROPOL_REQUEST, requestDate: '2027-04-01', subject: `Concurrent ${key}` };
      const before = await total();
      const responses = await Promise.all(Array.from({ length: 10 }, () => record(input, key)));
      for (const response of responses) expect(response.errors).toBeUndefined();
      expect(new Set(responses.map((response) => JSON.stringify(response))).size).toBe(1);
      expect(await total()).toBe(before + 1);
      const [{ count }] = (await rows<{ count: number }>(
        sql`select count(*)::int as count from police_cooperation.information_exchange_requests where subject = ${input.subject}`,
      )) as [{ count: number }];
      expect(count).toBe(1);
      // A later retry (even with other key order and whitespace) answers the same request.
      const retry = await record({ ...input, counterpart: ' Europol ' }, key);
      expect(retry).toEqual(responses[0]);
    });

    it('refuses the same key with a different payload with CONFLICT, leaving nothing behind', async () => {
      const key = newKey();
      const first = await record({ ...EUROPOL_REQUEST, subject: `First ${key}` }, key);
      const recordedId = first.data!.recordExchangeRequest.request.id;
      const before = await total();
      // Concurrently too: every loser rolls back its own insert.
      const conflicting = await Promise.all(
        Array.from({ length: 3 }, (_, i) => record({ ...EUROPOL_REQUEST, subject: `Other ${key} ${i}` }, key)),
      );
      for (const response of conflicting) {
        expect(response.data).toBeNull();
        expect(errorCodes(response)).toEqual([{ code: 'CONFLICT', argument: undefined }]);
        expect(response.errors![0]!.message).toContain('recordExchangeRequest');
        expect(response.errors![0]!.extensions).toMatchObject({ idempotencyKey: key, reason: 'IDEMPOTENCY_KEY_REUSED', recordedId });
      }
      expect(await total()).toBe(before);
      const leftovers = await rows(
        sql`select 1 from police_cooperation.information_exchange_requests where subject like ${`Other ${key}%`}`,
      );
      expect(leftovers).toHaveLength(0);
    });

    // The race in which a recording finds its key claimed only at the end (and rolls
    // back whole) is the kit's: packages/service-kit/test/idempotency.spec.ts.

    it('keeps keys apart per client', async () => {
      const key = newKey();
      const input = { ...EUROPOL_REQUEST, subject: `Per client ${key}` };
      const one = await record(input, key, 'client-one');
      const two = await record(input, key, 'client-two');
      expect(one.errors).toBeUndefined();
      expect(two.errors).toBeUndefined();
      expect(one.data!.recordExchangeRequest.request.id).not.toBe(two.data!.recordExchangeRequest.request.id);
    });

    it('holds keys unique per (client, subject) in the database', async () => {
      const key = newKey();
      await record({ ...EUROPOL_REQUEST, subject: `Unique ${key}` }, key);
      const [{ id }] = (await rows<{ id: string }>(
        sql`select id from police_cooperation.information_exchange_requests order by request_date desc, id desc limit 1`,
      )) as [{ id: string }];
      expect(
        await violatedConstraint(sql`insert into police_cooperation.idempotency_keys (client, key, operation, payload_hash, result_id)
          values (${idempotencyScopeOf({ authenticated: true, subject: 'test-principal', scopes: new Set() })}, ${key}, 'recordExchangeRequest', ${'0'.repeat(64)}, ${id})`),
      ).toBe('idempotency_keys_pk');
    });
  });

  describe('transitionExchangeRequest', () => {
    async function newRequest(input: Record<string, unknown> = EUROPOL_REQUEST): Promise<Recorded> {
      return (await record(input)).data!.recordExchangeRequest.request;
    }

    it('moves a request RECEIVED → FORWARDED → ANSWERED → CLOSED, keeping its history', async () => {
      const request = await newRequest();
      expect((await transition(request.id, 'FORWARDED', '2027-03-02')).errors).toBeUndefined();
      const answered = (await transition(request.id, 'ANSWERED', '2027-03-20')).data!.transitionExchangeRequest.request;
      expect(answered).toMatchObject({ status: 'ANSWERED', answeredOn: '2027-03-20' });
      const closed = (await transition(request.id, 'CLOSED', '2027-03-21')).data!.transitionExchangeRequest.request;
      expect(closed).toMatchObject({ status: 'CLOSED', answeredOn: '2027-03-20' });
      expect(closed.history).toEqual([
        { sequence: 1, fromStatus: null, toStatus: 'RECEIVED', occurredOn: '2027-03-02' },
        { sequence: 2, fromStatus: 'RECEIVED', toStatus: 'FORWARDED', occurredOn: '2027-03-02' },
        { sequence: 3, fromStatus: 'FORWARDED', toStatus: 'ANSWERED', occurredOn: '2027-03-20' },
        { sequence: 4, fromStatus: 'ANSWERED', toStatus: 'CLOSED', occurredOn: '2027-03-21' },
      ]);
    });

    it('refuses an illegal move with CONFLICT naming both states, and changes nothing', async () => {
      const request = await newRequest();
      const cases: [string, string][] = [
        ['ANSWERED', 'RECEIVED'],
        ['CLOSED', 'RECEIVED'],
        ['RECEIVED', 'RECEIVED'],
        ['SENT', 'RECEIVED'],
      ];
      for (const [requested, current] of cases) {
        const response = await transition(request.id, requested, '2027-03-05');
        expect(response.data).toBeNull();
        expect(response.errors![0]!.extensions).toMatchObject({
          code: 'CONFLICT',
          currentStatus: current,
          requestedStatus: requested,
        });
        expect(response.errors![0]!.message).toContain(`is ${current} and cannot move to ${requested}`);
      }
      await transition(request.id, 'REJECTED', '2027-03-03');
      const final = await transition(request.id, 'FORWARDED', '2027-03-04');
      expect(final.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'REJECTED', requestedStatus: 'FORWARDED' });
      expect(final.errors![0]!.message).toContain('REJECTED is final');
      const after = await one(request.id);
      expect(after).toMatchObject({ status: 'REJECTED', answeredOn: null });
      expect(after!.history.map((step) => step.toStatus)).toEqual(['RECEIVED', 'REJECTED']);
    });

    it('refuses a step dated before the latest one, and answers NOT_FOUND / BAD_USER_INPUT for ids', async () => {
      const request = await newRequest();
      await transition(request.id, 'FORWARDED', '2027-03-10');
      const early = await transition(request.id, 'ANSWERED', '2027-03-09');
      expect(errorCodes(early)).toEqual([{ code: 'BAD_USER_INPUT', argument: 'input.occurredOn' }]);
      expect((await one(request.id))!.status).toBe('FORWARDED');
      const beforeRequest = await transition((await newRequest()).id, 'FORWARDED', '2027-03-01');
      expect(errorCodes(beforeRequest)).toEqual([{ code: 'BAD_USER_INPUT', argument: 'input.occurredOn' }]);
      const unknown = await transition('00000000-0000-4000-8000-000000000000', 'FORWARDED', '2027-03-10');
      expect(errorCodes(unknown)).toEqual([{ code: 'NOT_FOUND', argument: undefined }]);
      const malformed = await transition('EUR-2027-000001', 'FORWARDED', '2027-03-10');
      expect(errorCodes(malformed)).toEqual([{ code: 'BAD_USER_INPUT', argument: 'input.id' }]);
    });

    it('lets only one of two concurrent moves from the same state win', async () => {
      const request = await newRequest();
      const both = await Promise.all([
        transition(request.id, 'FORWARDED', '2027-03-03'),
        transition(request.id, 'FORWARDED', '2027-03-03'),
      ]);
      const outcomes = both.map((response) => response.errors?.[0]?.extensions?.code ?? 'OK');
      expect(outcomes.sort()).toEqual(['CONFLICT', 'OK']);
      const after = await one(request.id);
      expect(after!.history).toHaveLength(2);
      expect(after!.history[1]!.toStatus).toBe(after!.status);
    });
  });

  describe('the database holds the rules itself', () => {
    const table = sql`police_cooperation.information_exchange_requests`;
    const insert = (columns: Record<string, string | null>) => {
      const base: Record<string, string | null> = {
        reference: 'EUR-2030-999999',
        channel: 'EUROPOL',
        direction: 'RECEIVED',
        counterpart: 'Europol',
        kosovo_police_unit: 'ILECU',
        request_date: '2030-01-01',
        status: 'RECEIVED',
        subject: 'x',
        handling_code: 'H0',
        source_reliability: 'A',
        information_accuracy: '1',
        ...columns,
      };
      const names = Object.keys(base);
      return sql`insert into ${table} (${sql.raw(names.join(', '))}) values (${sql.join(
        names.map((name) => sql`${base[name]}`),
        sql`, `,
      )})`;
    };

    it('refuses H3 without conditions, conditions without H3, and a Serbian MoI request without legal basis', async () => {
      expect(await violatedConstraint(insert({ handling_code: 'H3' }))).toBe('information_exchange_requests_h3_conditions');
      expect(await violatedConstraint(insert({ handling_conditions: 'x' }))).toBe('information_exchange_requests_h3_conditions');
      expect(
        await violatedConstraint(insert({ reference: 'MOI-2030-999999', channel: 'SERBIAN_MOI', counterpart: 'Serbian MoI' })),
      ).toBe('information_exchange_requests_serbian_moi_legal_basis');
      expect(await violatedConstraint(insert({}))).toBe('no violation'); // the base row itself is fine (rolled back)
    });

    it('refuses an illegal status change (trigger) and an illegal or out-of-order history step', async () => {
      const request = (await record(EUROPOL_REQUEST)).data!.recordExchangeRequest.request;
      expect(await violatedConstraint(sql`update ${table} set status = 'CLOSED', answered_on = '2027-03-03' where id = ${request.id}`)).toBe(
        'information_exchange_requests_legal_transition',
      );
      const history = sql`police_cooperation.exchange_request_transitions`;
      expect(
        await violatedConstraint(sql`insert into ${history} (request_id, sequence, from_status, to_status, occurred_on, previous_sequence, previous_occurred_on)
          values (${request.id}, 2, 'RECEIVED', 'CLOSED', '2027-03-03', 1, '2027-03-02')`),
      ).toBe('exchange_request_transitions_legal_step');
      // Claims to come from SENT, but the previous step entered RECEIVED: the chain's foreign key refuses it.
      expect(
        await violatedConstraint(sql`insert into ${history} (request_id, sequence, from_status, to_status, occurred_on, previous_sequence, previous_occurred_on)
          values (${request.id}, 2, 'SENT', 'FORWARDED', '2027-03-03', 1, '2027-03-02')`),
      ).toBe('exchange_request_transitions_previous_fk');
      expect(
        await violatedConstraint(sql`insert into ${history} (request_id, sequence, from_status, to_status, occurred_on, previous_sequence, previous_occurred_on)
          values (${request.id}, 2, 'RECEIVED', 'FORWARDED', '2027-03-01', 1, '2027-03-02')`),
      ).toBe('exchange_request_transitions_chain_shape');
    });
  });

  describe('seeded requests', () => {
    it('carry codes, the MoI legal basis and a history that ends in their state', async () => {
      const [summary] = await rows<Record<string, number>>(sql`
        select
          count(*) filter (where channel = 'SERBIAN_MOI' and legal_basis is null)::int as "moiWithoutBasis",
          count(*) filter (where (handling_code = 'H3') <> (handling_conditions is not null))::int as "h3Mismatch",
          count(*) filter (where last.to_status is distinct from r.status)::int as "historyMismatch",
          count(distinct handling_code)::int as "handlingCodes",
          count(distinct source_reliability)::int as "reliabilities",
          count(distinct information_accuracy)::int as "accuracies"
        from police_cooperation.information_exchange_requests r
        left join lateral (
          select to_status from police_cooperation.exchange_request_transitions t
          where t.request_id = r.id order by sequence desc limit 1
        ) last on true
        where r.reference not like '%-2027-%'`);
      expect(summary).toEqual({
        moiWithoutBasis: 0,
        h3Mismatch: 0,
        historyMismatch: 0,
        handlingCodes: 4,
        reliabilities: 4,
        accuracies: 4,
      });
    });

    it('filter by handling code and evaluation; the codes partition all requests', async () => {
      const published = { from: '2018-06-01', to: '2025-06-14' };
      const byCode = await Promise.all(['H0', 'H1', 'H2', 'H3'].map((handlingCode) => total({ ...published, handlingCode })));
      expect(byCode.reduce((sum, n) => sum + n, 0)).toBe(1_871 + 3_653 + 14_645);
      expect(byCode.every((n) => n > 0)).toBe(true);
      const page = await subgraph.query<{ informationExchangeRequests: { edges: { node: Recorded }[] } }>(
        `{ informationExchangeRequests(first: 20, filter: { handlingCode: H3, sourceReliability: B, informationAccuracy: CORROBORATED }) {
            edges { node { handlingCode handlingConditions sourceReliability informationAccuracy evaluationCode } } } }`,
      );
      const nodes = page.data!.informationExchangeRequests.edges.map((edge) => edge.node);
      expect(nodes.length).toBeGreaterThan(0);
      for (const node of nodes) {
        expect(node).toMatchObject({ handlingCode: 'H3', sourceReliability: 'B', informationAccuracy: 'CORROBORATED', evaluationCode: 'B3' });
        expect(node.handlingConditions).toBeTruthy();
      }
    });
  });
});
