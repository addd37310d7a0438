/**
 * The specialist-chambers subgraph over real HTTP, on PGlite and (with
 * TEST_DATABASE_URL) PostgreSQL, against its deterministic seed: 300 support
 * requests (200 Chambers / 100 Prosecutor's Office; 180 logistic / 120 operational;
 * 243 completed, 27 declined, 10 each requested / approved / in progress; two a day
 * from 2020-09-01 to 2026-10-31) and 40 protected witnesses (8 per status, 10 per
 * risk level), each with an identity.
 */
import { encodeCursor, syntheticId } from '@mission-graph/service-kit';
import { databaseFlavours } from '@mission-graph/service-kit/testing';
import { buildASTSchema, isObjectType, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from './harness.js';

interface Page<Node> {
  totalCount?: number;
  edges: { cursor: string; node: Node }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

interface RequestNode {
  id: string;
  reference: string;
  institution: string;
  kind: string;
  status: string;
  requestedOn: string;
}

const SUPPORT_REQUESTS = /* GraphQL */ `
  query SupportRequests($filter: SupportRequestFilter, $first: Int, $after: String) {
    supportRequests(filter: $filter, first: $first, after: $after) {
      totalCount
      edges { cursor node { id reference institution kind status requestedOn } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

const PROTECTED_WITNESSES = /* GraphQL */ `
  query ProtectedWitnesses($filter: ProtectedWitnessFilter, $first: Int, $after: String) {
    protectedWitnesses(filter: $filter, first: $first, after: $after) {
      totalCount
      edges { cursor node { id codename status riskLevel referredOn } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

const MISSION_REPORTS = /* GraphQL */ `
  query MissionReports($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on MissionReport { from to specialistChambers { supportRequests } }
    }
  }
`;

const report = (from: string, to: string) => ({ __typename: 'MissionReport', from, to });

describe.each(databaseFlavours)('specialist-chambers on %s', (flavour) => {
  let running: RunningService;

  beforeAll(async () => {
    running = await startService(flavour);
  });
  afterAll(async () => {
    await running?.stop();
  });

  const supportRequests = async (variables: Record<string, unknown>) => {
    const { data, errors } = await running.query<{ supportRequests: Page<RequestNode> }>(SUPPORT_REQUESTS, variables);
    expect(errors).toBeUndefined();
    return data!.supportRequests;
  };

  describe('supportRequests', () => {
    it('counts the seeded requests, per filter and combined', async () => {
      const totals = async (filter: Record<string, unknown> | null) =>
        (await supportRequests({ filter, first: 0 })).totalCount;
      expect(await totals(null)).toBe(300);
      expect(await totals({ institution: 'KOSOVO_SPECIALIST_CHAMBERS' })).toBe(200);
      expect(await totals({ institution: 'SPECIALIST_PROSECUTORS_OFFICE' })).toBe(100);
      expect(await totals({ kind: 'LOGISTIC' })).toBe(180);
      expect(await totals({ kind: 'OPERATIONAL' })).toBe(120);
      expect(await totals({ status: 'COMPLETED' })).toBe(243);
      expect(await totals({ status: 'DECLINED' })).toBe(27);
      expect(await totals({ status: 'REQUESTED' })).toBe(10);
      expect(await totals({ status: 'APPROVED' })).toBe(10);
      expect(await totals({ status: 'IN_PROGRESS' })).toBe(10);
      expect(await totals({ institution: 'KOSOVO_SPECIALIST_CHAMBERS', kind: 'OPERATIONAL' })).toBe(80);
      expect(await totals({ institution: 'SPECIALIST_PROSECUTORS_OFFICE', kind: 'LOGISTIC' })).toBe(60);
      expect(await totals({ from: '2021-01-01', to: '2021-12-31' })).toBe(48);
      expect(await totals({ from: '2023-01-01', to: '2023-06-30' })).toBe(24);
      // Both bounds inclusive: the first day holds two requests.
      expect(await totals({ from: '2020-09-01', to: '2020-09-01' })).toBe(2);
      expect(await totals({ to: '2020-12-31' })).toBe(18);
      expect(await totals({ from: '2026-01-01' })).toBe(42);
    });

    it('returns only matching requests, newest first with the id breaking ties', async () => {
      const page = await supportRequests({
        filter: { institution: 'SPECIALIST_PROSECUTORS_OFFICE', kind: 'OPERATIONAL', from: '2022-01-01', to: '2023-12-31' },
        first: 100,
      });
      const nodes = page.edges.map((edge) => edge.node);
      expect(nodes.length).toBe(page.totalCount);
      expect(nodes.length).toBeGreaterThan(0);
      for (const node of nodes) {
        expect(node).toMatchObject({ institution: 'SPECIALIST_PROSECUTORS_OFFICE', kind: 'OPERATIONAL' });
        expect(node.requestedOn >= '2022-01-01' && node.requestedOn <= '2023-12-31').toBe(true);
        expect(node.reference).toMatch(/^SPO-\d{4}-\d{4}$/);
      }
      const all = (await supportRequests({ first: 4 })).edges.map((edge) => edge.node);
      expect(all.map((node) => [node.requestedOn, node.reference])).toEqual([
        ['2026-10-31', expect.any(String)],
        ['2026-10-31', expect.any(String)],
        ['2026-10-15', expect.any(String)],
        ['2026-10-15', expect.any(String)],
      ]);
      expect(all[0]!.id > all[1]!.id).toBe(true);
      expect(all[2]!.id > all[3]!.id).toBe(true);
    });

    it('pages with `after`: pages continue each other without overlap', async () => {
      const first = await supportRequests({ first: 7 });
      const second = await supportRequests({ first: 7, after: first.pageInfo.endCursor });
      const both = await supportRequests({ first: 14 });
      expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
      expect(second.pageInfo.startCursor).toBe(second.edges[0]!.cursor);
      const ids = [...first.edges, ...second.edges].map((edge) => edge.node.id);
      expect(new Set(ids).size).toBe(14);
      expect(ids).toEqual(both.edges.map((edge) => edge.node.id));
    });

    it('walks a filtered list to its end: every request once, the last page says so', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const page: Page<RequestNode> = await supportRequests({
          filter: { institution: 'SPECIALIST_PROSECUTORS_OFFICE' },
          first: 30,
          after,
        });
        pages += 1;
        seen.push(...page.edges.map((edge) => edge.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(pages).toBe(4);
      expect(seen.length).toBe(100);
      expect(new Set(seen).size).toBe(100);
    });

    it('gives an empty page with a next-page flag for first: 0', async () => {
      const page = await supportRequests({ first: 0 });
      expect(page.edges).toEqual([]);
      expect(page.pageInfo).toMatchObject({ hasNextPage: true, startCursor: null, endCursor: null });
    });
  });

  describe('supportRequest', () => {
    it('reads one request by id', async () => {
      const { data, errors } = await running.query(
        'query($id: ID!) { supportRequest(id: $id) { reference institution kind title requestedOn status } }',
        { id: syntheticId('support-request', 1) },
      );
      expect(errors).toBeUndefined();
      expect(data).toEqual({
        supportRequest: {
          reference: 'KSC-2020-0001',
          institution: 'KOSOVO_SPECIALIST_CHAMBERS',
          kind: 'OPERATIONAL',
          title: 'Close protection during a site visit',
          requestedOn: '2020-09-01',
          status: 'COMPLETED',
        },
      });
    });

    it('answers NOT_FOUND for an unknown id', async () => {
      const id = syntheticId('support-request', 301);
      const { data, errors } = await running.query('query($id: ID!) { supportRequest(id: $id) { id } }', { id });
      expect(data).toEqual({ supportRequest: null });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', type: 'SupportRequest', id });
    });
  });

  describe('protectedWitnesses', () => {
    it('counts the seeded witnesses, per filter and combined', async () => {
      const totals = async (filter: Record<string, unknown> | null) => {
        const { data, errors } = await running.query<{ protectedWitnesses: Page<unknown> }>(PROTECTED_WITNESSES, {
          filter,
          first: 0,
        });
        expect(errors).toBeUndefined();
        return data!.protectedWitnesses.totalCount;
      };
      expect(await totals(null)).toBe(40);
      for (const status of ['REFERRED', 'ASSESSED', 'ADMITTED', 'RELOCATED', 'EXITED']) {
        expect(await totals({ status })).toBe(8);
      }
      for (const riskLevel of ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']) {
        expect(await totals({ riskLevel })).toBe(10);
      }
      expect(await totals({ status: 'RELOCATED', riskLevel: 'CRITICAL' })).toBe(2);
    });

    it('pages most recently referred first, without overlap', async () => {
      const page = async (after: string | null) => {
        const { data } = await running.query<{
          protectedWitnesses: Page<{ id: string; codename: string; referredOn: string }>;
        }>(PROTECTED_WITNESSES, { first: 25, after });
        return data!.protectedWitnesses;
      };
      const first = await page(null);
      const second = await page(first.pageInfo.endCursor);
      expect(first.edges[0]!.node).toMatchObject({ codename: 'MARTIN-40', referredOn: '2026-06-30' });
      expect(second.pageInfo.hasNextPage).toBe(false);
      const nodes = [...first.edges, ...second.edges].map((edge) => edge.node);
      expect(new Set(nodes.map((node) => node.id)).size).toBe(40);
      const dates = nodes.map((node) => node.referredOn);
      expect(dates).toEqual([...dates].sort().reverse());
    });

    it('reads one witness under codename, with the identity kept in its own type', async () => {
      const { data, errors } = await running.query(
        /* GraphQL */ `query($id: ID!) {
          protectedWitness(id: $id) {
            codename status riskLevel referredOn
            identity { fullName dateOfBirth currentLocation }
          }
        }`,
        { id: syntheticId('protected-witness', 7) },
      );
      expect(errors).toBeUndefined();
      expect(data).toEqual({
        protectedWitness: {
          codename: 'WAGTAIL-07',
          status: 'ADMITTED',
          riskLevel: 'CRITICAL',
          referredOn: '2021-11-17',
          identity: {
            fullName: 'Synthetic Witness 07',
            dateOfBirth: '1961-05-06',
            currentLocation: 'Synthetic Safe Location 91',
          },
        },
      });
    });

    it('never reads identities unless they are asked for, and then in one batch', async () => {
      const withoutIdentity = await running.statementsDuring(() =>
        running.query('{ protectedWitnesses(first: 40) { edges { node { codename } } } }'),
      );
      expect(withoutIdentity).toBe(1);
      const withIdentity = await running.statementsDuring(async () => {
        const { data, errors } = await running.query<{
          protectedWitnesses: Page<{ identity: { fullName: string } }>;
        }>('{ protectedWitnesses(first: 40) { edges { node { identity { fullName } } } } }');
        expect(errors).toBeUndefined();
        expect(data!.protectedWitnesses.edges.every((edge) => /^Synthetic Witness \d{2}$/.test(edge.node.identity.fullName))).toBe(true);
      });
      expect(withIdentity).toBe(2);
    });
  });

  describe('MissionReport', () => {
    it('counts support requests per period, both bounds inclusive, all periods in one statement', async () => {
      let body: Awaited<ReturnType<RunningService['query']>> | undefined;
      const statements = await running.statementsDuring(async () => {
        body = await running.query(MISSION_REPORTS, {
          representations: [
            report('2020-09-01', '2026-10-31'),
            report('2021-01-01', '2021-12-31'),
            report('2020-09-01', '2020-09-01'),
            report('2018-06-01', '2020-08-31'),
            report('2021-01-01', '2021-12-31'),
          ],
        });
      });
      expect(body?.errors).toBeUndefined();
      expect(body?.data).toEqual({
        _entities: [
          { from: '2020-09-01', to: '2026-10-31', specialistChambers: { supportRequests: 300 } },
          { from: '2021-01-01', to: '2021-12-31', specialistChambers: { supportRequests: 48 } },
          { from: '2020-09-01', to: '2020-09-01', specialistChambers: { supportRequests: 2 } },
          { from: '2018-06-01', to: '2020-08-31', specialistChambers: { supportRequests: 0 } },
          { from: '2021-01-01', to: '2021-12-31', specialistChambers: { supportRequests: 48 } },
        ],
      });
      expect(statements).toBe(1);
    });

    it('refuses a malformed or reversed period in a representation, alone', async () => {
      const { data, errors } = await running.query(MISSION_REPORTS, {
        representations: [report('2025-06-14', '2018-06-01'), report('yesterday', '2025-06-14'), report('2024-01-01', '2024-12-31')],
      });
      expect(data).toEqual({
        _entities: [null, null, { from: '2024-01-01', to: '2024-12-31', specialistChambers: { supportRequests: 48 } }],
      });
      expect(errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.argument])).toEqual([
        [['_entities', 0], 'BAD_USER_INPUT', 'to'],
        [['_entities', 1], 'BAD_USER_INPUT', 'from'],
      ]);
    });

    it('publishes support-request figures only: nothing about the witness programme', async () => {
      const { data } = await running.query<{ _service: { sdl: string } }>('{ _service { sdl } }');
      const schema = buildASTSchema(parse(data!._service.sdl), { assumeValidSDL: true });
      const fieldsOf = (name: string) => {
        const type = schema.getType(name);
        return isObjectType(type) ? Object.keys(type.getFields()) : [];
      };
      expect(fieldsOf('MissionReport')).toEqual(['from', 'to', 'specialistChambers']);
      expect(fieldsOf('SpecialistChambersFigures')).toEqual(['supportRequests']);
    });
  });

  describe('entities', () => {
    it('resolves support requests and witnesses by key, one statement per batch', async () => {
      const requestIds = [3, 1, 2, 150, 300].map((n) => syntheticId('support-request', n));
      const witnessIds = [40, 1, 7].map((n) => syntheticId('protected-witness', n));
      let body: Awaited<ReturnType<RunningService['query']>> | undefined;
      const statements = await running.statementsDuring(async () => {
        body = await running.query(
          /* GraphQL */ `query($representations: [_Any!]!) {
            _entities(representations: $representations) {
              ... on SupportRequest { id reference }
              ... on ProtectedWitness { id codename }
            }
          }`,
          {
            representations: [
              ...requestIds.map((id) => ({ __typename: 'SupportRequest', id })),
              ...witnessIds.map((id) => ({ __typename: 'ProtectedWitness', id })),
            ],
          },
        );
      });
      expect(body?.errors).toBeUndefined();
      expect(body?.data).toEqual({
        _entities: [
          { id: requestIds[0], reference: 'SPO-2020-0003' },
          { id: requestIds[1], reference: 'KSC-2020-0001' },
          { id: requestIds[2], reference: 'KSC-2020-0002' },
          { id: requestIds[3], reference: 'SPO-2023-0150' },
          { id: requestIds[4], reference: 'SPO-2026-0300' },
          { id: witnessIds[0], codename: 'MARTIN-40' },
          { id: witnessIds[1], codename: 'KESTREL-01' },
          { id: witnessIds[2], codename: 'WAGTAIL-07' },
        ],
      });
      // One statement for the support requests, one for the witnesses.
      expect(statements).toBe(2);
    });

    it('refuses a representation whose id is not a UUID, without failing the others', async () => {
      const { data, errors } = await running.query(
        '{ _entities(representations: [{ __typename: "SupportRequest", id: "42" }, { __typename: "ProtectedWitness", id: "' +
          syntheticId('protected-witness', 1) +
          '" }]) { ... on ProtectedWitness { codename } } }',
      );
      expect(data).toEqual({ _entities: [null, { codename: 'KESTREL-01' }] });
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
    });
  });

  describe('bad input', () => {
    const cases: [label: string, query: string, variables: Record<string, unknown>, argument: string][] = [
      ['first: -1', SUPPORT_REQUESTS, { first: -1 }, 'first'],
      ['first: 100000', PROTECTED_WITNESSES, { first: 100000 }, 'first'],
      ['an `after` that is no cursor', SUPPORT_REQUESTS, { after: 'not-a-cursor' }, 'after'],
      ['a cursor with the wrong shape', PROTECTED_WITNESSES, { after: encodeCursor(['2024-01-01']) }, 'after'],
      ['a forged cursor SQL could not cast', SUPPORT_REQUESTS, { after: encodeCursor(['yesterday', 'x']) }, 'after'],
      ['a filter whose `to` precedes `from`', SUPPORT_REQUESTS, { filter: { from: '2024-01-01', to: '2023-12-31' } }, 'filter.to'],
      ['a support request id that is no UUID', 'query($id: ID!) { supportRequest(id: $id) { id } }', { id: '42' }, 'id'],
      ['a witness id that is no UUID', 'query($id: ID!) { protectedWitness(id: $id) { id } }', { id: "1' or '1'='1" }, 'id'],
    ];

    it.each(cases)('%s gets BAD_USER_INPUT naming the argument', async (_label, query, variables, argument) => {
      const response = await running.query(query, variables);
      expect(response.errors).toHaveLength(1);
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(JSON.stringify(response)).not.toMatch(/stacktrace|select|specialist_chambers|syntax/i);
    });

    it('refuses an impossible date in a filter before any SQL runs', async () => {
      const response = await running.query(SUPPORT_REQUESTS, { filter: { from: '2021-02-30' } });
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.message).toContain('2021-02-30');
    });
  });
});
