import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { syntheticId } from '@mission-graph/service-kit';
import { createTestInternalAuth, startSubgraph, type GraphQLResponse, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

/**
 * The real operations subgraph over HTTP, on every database flavour, against the
 * synthetic seed. Expected figures are worked out from the seed plan by hand
 * (src/seed.ts), not read back from the database.
 */

interface Connection<Node> {
  totalCount: number;
  edges: { cursor: string; node: Node }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const nodesOf = <Node>(connection: Connection<Node>): Node[] => connection.edges.map((edge) => edge.node);

describeOnEachDatabase('operations subgraph', (flavour) => {
  let subgraph: RunningSubgraph;

  /** POSTs one operation with exactly the given headers. */
  const post = (text: string, variables: Record<string, unknown>, headers: Record<string, string>) =>
    subgraph.post(text, variables, headers);

  /** One operation as the gateway sends it: with an internal token for this subgraph. */
  const query = (text: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse> => subgraph.query(text, variables);

  /** The data of a query that must succeed. */
  async function data<Shape = Record<string, unknown>>(
    text: string,
    variables: Record<string, unknown> = {},
  ): Promise<Shape> {
    const result = await query(text, variables);
    expect(result.errors).toBeUndefined();
    return result.data as Shape;
  }

  /** The code and offending argument of a query that must fail. */
  async function failure(text: string, variables: Record<string, unknown> = {}) {
    const result = await query(text, variables);
    const error = result.errors?.[0];
    return { code: error?.extensions?.code, argument: error?.extensions?.argument, message: error?.message };
  }

  beforeAll(async () => {
    subgraph = await startSubgraph(createService, flavour);
  });

  afterAll(async () => {
    await subgraph?.stop();
  });

  describe('the Formed Police Unit and the mechanism', () => {
    it('describes the FPU with its strength derived from open deployments', async () => {
      const { formedPoliceUnit } = await data<{ formedPoliceUnit: unknown }>(`{
        formedPoliceUnit { id name contributingCountry authorizedStrength responderTier deployedStrength availableStrength } }`);
      expect(formedPoliceUnit).toEqual({
        id: syntheticId('formed-police-unit', 1),
        name: 'EULEX Formed Police Unit',
        contributingCountry: 'Poland',
        authorizedStrength: 105,
        responderTier: 2,
        // Deployments 29 (28 officers) and 30 (65 officers) have not ended.
        deployedStrength: 93,
        availableStrength: 12,
      });
    });

    it('lists the three responders in tier order', async () => {
      const { securityResponders } = await data('{ securityResponders { code tier name } }');
      expect(securityResponders).toEqual([
        { code: 'KOSOVO_POLICE', tier: 1, name: 'Kosovo Police' },
        { code: 'EULEX_FPU', tier: 2, name: 'EULEX Formed Police Unit' },
        { code: 'KFOR', tier: 3, name: 'Kosovo Force (KFOR)' },
      ]);
    });

    it('pages through all 105 synthetic officers, most senior first', async () => {
      type Officer = { rank: string; fullName: string; serviceNumber: string };
      const seen: Officer[] = [];
      const variables: { after: string | null } = { after: null };
      let pages = 0;
      do {
        const { formedPoliceUnit } = await data<{ formedPoliceUnit: { officers: Connection<Officer> } }>(
          `query ($after: String) { formedPoliceUnit { officers(first: 40, after: $after) {
            totalCount edges { node { rank fullName serviceNumber } } pageInfo { hasNextPage endCursor } } } }`,
          variables,
        );
        const officers = formedPoliceUnit.officers;
        expect(officers.totalCount).toBe(105);
        seen.push(...nodesOf(officers));
        variables.after = officers.pageInfo.hasNextPage ? officers.pageInfo.endCursor : null;
        pages += 1;
      } while (variables.after);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(105);
      expect(new Set(seen.map((officer) => officer.serviceNumber)).size).toBe(105);
      expect(seen[0]).toEqual({ rank: 'SUB_INSPECTOR', fullName: 'Officer Synthetic-001', serviceNumber: 'PL-FPU-001' });
      expect(seen.at(-1)?.rank).toBe('CONSTABLE');
      expect(seen.every((officer) => /^Officer Synthetic-\d{3}$/.test(officer.fullName))).toBe(true);
    });

    it('filters officers by rank', async () => {
      const { formedPoliceUnit } = await data<{ formedPoliceUnit: { officers: Connection<{ rank: string }> } }>(
        '{ formedPoliceUnit { officers(filter: { rank: SENIOR_SERGEANT }, first: 100) { totalCount edges { node { rank } } } } }',
      );
      expect(formedPoliceUnit.officers.totalCount).toBe(16);
      expect(formedPoliceUnit.officers.edges).toHaveLength(16);
    });
  });

  describe('incidents and engagement requests', () => {
    it('counts and filters incidents', async () => {
      type Incidents = Connection<{ occurredAt: string }>;
      const result = await data<Record<'all' | 'riots' | 'in2023' | 'zvecan', Incidents>>(`{
        all: incidents { totalCount }
        riots: incidents(filter: { kind: RIOT }) { totalCount }
        in2023: incidents(filter: { from: "2023-01-01", to: "2023-12-31" }) { totalCount edges { node { occurredAt } } }
        zvecan: incidents(filter: { municipality: "Zvečan" }) { totalCount }
      }`);
      expect(result.all.totalCount).toBe(40);
      expect(result.riots.totalCount).toBe(8);
      // Incidents 10 to 18 fall in 2023 (every 41 days from 2022-01-10).
      expect(result.in2023.totalCount).toBe(9);
      expect(nodesOf(result.in2023).every((node) => node.occurredAt.startsWith('2023-'))).toBe(true);
      expect(result.zvecan.totalCount).toBe(5);
    });

    it('returns one incident with its requests and deployment', async () => {
      const { incident } = await data<{ incident: Record<string, unknown> }>(
        `query ($id: ID!) { incident(id: $id) {
          id kind occurredAt municipality
          engagementRequests { fromResponder { code } toResponder { code } decision requestedAt decidedAt }
          deployments { id officersCommitted engagementRequest { decision fromResponder { tier } } } } }`,
        { id: syntheticId('incident', 10) },
      );
      expect(incident).toMatchObject({ id: syntheticId('incident', 10), kind: 'RIOT', municipality: 'Zvečan' });
      expect(incident.occurredAt).toBe('2023-01-14T22:10:00.000Z');
      expect(incident.engagementRequests).toEqual([
        {
          fromResponder: { code: 'KOSOVO_POLICE' },
          toResponder: { code: 'EULEX_FPU' },
          decision: 'ACCEPTED',
          requestedAt: '2023-01-14T22:40:00.000Z',
          decidedAt: '2023-01-14T23:00:00.000Z',
        },
        {
          fromResponder: { code: 'EULEX_FPU' },
          toResponder: { code: 'KFOR' },
          decision: 'ACCEPTED',
          requestedAt: '2023-01-15T01:10:00.000Z',
          decidedAt: '2023-01-15T01:40:00.000Z',
        },
      ]);
      // Incident 10 is the 8th accepted request: deployment 8, 20 + 8 * 37 % 71 officers.
      expect(incident.deployments).toEqual([
        {
          id: syntheticId('deployment', 8),
          officersCommitted: 32,
          engagementRequest: { decision: 'ACCEPTED', fromResponder: { tier: 1 } },
        },
      ]);
    });

    it('answers NOT_FOUND for an unknown incident and BAD_USER_INPUT for a malformed id', async () => {
      expect(await failure('{ incident(id: "00000000-0000-4000-8000-000000000000") { id } }')).toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(await failure('{ incident(id: "not-an-id") { id } }')).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'id',
      });
    });
  });

  describe('connections', () => {
    it('pages patrols newest first without overlap, and `after` continues', async () => {
      const page = `query ($after: String) { patrols(first: 5, after: $after) {
        totalCount edges { cursor node { id shiftStart } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
      type Patrols = { patrols: Connection<{ id: string; shiftStart: string }> };
      const first = (await data<Patrols>(page)).patrols;
      const second = (await data<Patrols>(page, { after: first.pageInfo.endCursor })).patrols;
      expect(first.totalCount).toBe(3099);
      expect(nodesOf(first).map((node) => node.shiftStart)).toEqual([
        '2026-10-31T16:00:00.000Z',
        '2026-10-31T08:00:00.000Z',
        '2026-10-31T00:00:00.000Z',
        '2026-10-30T16:00:00.000Z',
        '2026-10-30T08:00:00.000Z',
      ]);
      expect(second.edges[0]?.node.shiftStart).toBe('2026-10-30T00:00:00.000Z');
      const firstIds = new Set(nodesOf(first).map((node) => node.id));
      expect(nodesOf(second).some((node) => firstIds.has(node.id))).toBe(false);
      expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      expect(first.pageInfo.startCursor).toBe(first.edges[0]?.cursor);
      expect(second.pageInfo.hasPreviousPage).toBe(true);
    });

    it('filters patrols by day, leaving the deliberate gaps uncovered', async () => {
      const { gapDay, gapShift, area } = await data<Record<'gapDay' | 'gapShift' | 'area', Connection<unknown>>>(`{
        gapDay: patrols(filter: { from: "2024-11-01", to: "2024-11-03" }) { totalCount }
        gapShift: patrols(filter: { from: "2025-06-10", to: "2025-06-10" }) { totalCount edges { node { shiftStart shiftEnd kind } } }
        area: patrols(filter: { area: "Pristina", from: "2024-01-01", to: "2024-01-02" }) { totalCount edges { node { area route } } }
      }`);
      expect(gapDay.totalCount).toBe(6); // 3 days × 3 shifts, all of 2 November missing
      expect(gapShift.edges).toEqual([
        { node: { shiftStart: '2025-06-10T08:00:00.000Z', shiftEnd: '2025-06-10T16:00:00.000Z', kind: 'MOBILE_RECONNAISSANCE' } },
        { node: { shiftStart: '2025-06-10T00:00:00.000Z', shiftEnd: '2025-06-10T08:00:00.000Z', kind: 'MOBILE_RECONNAISSANCE' } },
      ]);
      expect(area.totalCount).toBe(1);
      expect(area.edges[0]?.node).toEqual({ area: 'Pristina', route: 'C2: Pristina ring road' });
    });

    it('lists deployments, the open ones first', async () => {
      const { all, open, ended } = await data<Record<'all' | 'open' | 'ended', Connection<unknown>>>(`{
        all: deployments(first: 3) { totalCount edges { node { id endedAt officersCommitted } } }
        open: deployments(filter: { open: true }) { totalCount }
        ended: deployments(filter: { open: false, from: "2022-01-01", to: "2022-12-31" }) { totalCount }
      }`);
      expect(all.totalCount).toBe(30);
      expect(nodesOf(all)).toEqual([
        { id: syntheticId('deployment', 30), endedAt: null, officersCommitted: 65 },
        { id: syntheticId('deployment', 29), endedAt: null, officersCommitted: 28 },
        expect.objectContaining({ id: syntheticId('deployment', 28) }),
      ]);
      expect(open.totalCount).toBe(2);
      // Incidents 1 to 9 occur in 2022; 5 was declined and 8 withdrawn.
      expect(ended.totalCount).toBe(7);
    });

    it('lists exercises with two or three participants and filters by participant', async () => {
      type Exercises = Connection<{ startsOn: string; participants: unknown[] }>;
      const { all, withKfor, early } = await data<Record<'all' | 'withKfor' | 'early', Exercises>>(`{
        all: exercises(first: 100) { totalCount edges { node { title startsOn endsOn participants { code } } } }
        withKfor: exercises(filter: { participant: KFOR }) { totalCount }
        early: exercises(filter: { from: "2018-01-01", to: "2018-12-31" }) { totalCount edges { node { startsOn } } }
      }`);
      expect(all.totalCount).toBe(25);
      const participantCounts = nodesOf(all).map((node) => node.participants.length);
      expect(participantCounts.filter((n: number) => n === 3)).toHaveLength(8);
      expect(participantCounts.filter((n: number) => n === 2)).toHaveLength(17);
      expect(all.edges.at(-1)?.node).toEqual({
        title: 'Joint crowd-and-riot-control exercise "Synthetic Shield 01"',
        startsOn: '2018-03-05',
        endsOn: '2018-03-06',
        participants: [{ code: 'KOSOVO_POLICE' }, { code: 'EULEX_FPU' }],
      });
      expect(withKfor.totalCount).toBe(16);
      expect(nodesOf(early).map((node) => node.startsOn)).toEqual(['2018-11-20', '2018-07-13', '2018-03-05']);
    });

    it('rejects bad page arguments and cursors with BAD_USER_INPUT naming the argument', async () => {
      expect(await failure('{ patrols(first: -1) { totalCount } }')).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
      expect(await failure('{ incidents(first: 100000) { totalCount } }')).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
      expect(await failure('{ deployments(after: "garbage") { totalCount } }')).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
      const forged = Buffer.from(JSON.stringify(['yesterday', 'not-a-uuid'])).toString('base64url');
      expect(await failure(`{ exercises(after: "${forged}") { totalCount } }`)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
      const impossible = Buffer.from(JSON.stringify(['2024-02-30 10:00:00+00', syntheticId('patrol', 1)])).toString('base64url');
      expect(await failure(`{ patrols(after: "${impossible}") { totalCount } }`)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
      const rank = Buffer.from(JSON.stringify(['GENERAL', syntheticId('officer', 1)])).toString('base64url');
      expect(await failure(`{ formedPoliceUnit { officers(after: "${rank}") { totalCount } } }`)).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'after',
      });
      expect(await failure('{ patrols(filter: { from: "2025-02-01", to: "2025-01-01" }) { totalCount } }')).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'filter.to',
      });
    });
  });

  describe('mission report', () => {
    it('counts the period with both days inclusive', async () => {
      const { missionReport } = await data(
        '{ missionReport(from: "2018-06-01", to: "2025-06-14") { from to operations { patrols exercises deployments } } }',
      );
      // Patrols: 531 days × 3 shifts from 2024-01-01, less 5 gaps. Exercises 2-21. Deployments of incidents ≤ 31.
      expect(missionReport).toEqual({
        from: '2018-06-01',
        to: '2025-06-14',
        operations: { patrols: 1588, exercises: 20, deployments: 26 },
      });
    });

    it('includes events on the first and the last day', async () => {
      // Exercise 2 starts 2018-07-13; the three shifts of 2024-01-01; deployment 1 starts 2022-01-10.
      type Figures = { operations: Record<string, number> };
      const { a, b, c } = await data<Record<'a' | 'b' | 'c', Figures>>(`{
        a: missionReport(from: "2018-07-13", to: "2018-07-13") { operations { exercises } }
        b: missionReport(from: "2024-01-01", to: "2024-01-01") { operations { patrols } }
        c: missionReport(from: "2022-01-10", to: "2022-01-10") { operations { deployments } }
      }`);
      expect([a.operations.exercises, b.operations.patrols, c.operations.deployments]).toEqual([1, 3, 1]);
    });

    it('rejects a period that ends before it starts, naming `to`', async () => {
      expect(await failure('{ missionReport(from: "2025-01-02", to: "2025-01-01") { from } }')).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'to',
      });
    });

    it('resolves MissionReport references with one SQL statement for several periods', async () => {
      const before = subgraph.instance.database.statementCount();
      const { _entities } = await data(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on MissionReport { from to operations { patrols exercises deployments } } } }`,
        {
          representations: [
            { __typename: 'MissionReport', from: '2018-06-01', to: '2025-06-14' },
            { __typename: 'MissionReport', from: '2024-01-01', to: '2024-01-31' },
            { __typename: 'MissionReport', from: '2030-01-01', to: '2030-12-31' },
          ],
        },
      );
      expect(subgraph.instance.database.statementCount() - before).toBe(1);
      expect(_entities).toEqual([
        { from: '2018-06-01', to: '2025-06-14', operations: { patrols: 1588, exercises: 20, deployments: 26 } },
        // 31 days × 3 shifts; incident 19 (2024-01-18) led to a deployment.
        { from: '2024-01-01', to: '2024-01-31', operations: { patrols: 93, exercises: 0, deployments: 1 } },
        { from: '2030-01-01', to: '2030-12-31', operations: { patrols: 0, exercises: 0, deployments: 0 } },
      ]);
    });

    it('rejects a malformed period representation', async () => {
      const result = await query(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on MissionReport { operations { patrols } } } }',
        { r: [{ __typename: 'MissionReport', from: '2024-13-01', to: '2024-12-31' }] },
      );
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'from' });
    });
  });

  describe('entities and batching', () => {
    it('resolves Deployment references in one batch, with their incidents in one more', async () => {
      const ids = [1, 2, 3, 29].map((n) => syntheticId('deployment', n));
      const before = subgraph.instance.database.statementCount();
      const { _entities } = await data<{ _entities: { id: string; incident: { id: string } }[] }>(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on Deployment { id officersCommitted incident { id } } } }`,
        { representations: ids.map((id) => ({ __typename: 'Deployment', id })) },
      );
      expect(subgraph.instance.database.statementCount() - before).toBe(2);
      expect(_entities.map((entity) => entity.id)).toEqual(ids);
      expect(_entities[0]?.incident.id).toBe(syntheticId('incident', 1));
    });

    it('answers NOT_FOUND and BAD_USER_INPUT for bad Deployment references', async () => {
      const result = await query(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Deployment { id } } }',
        {
          r: [
            { __typename: 'Deployment', id: '00000000-0000-4000-8000-000000000000' },
            { __typename: 'Deployment', id: 'nope' },
          ],
        },
      );
      const codes = result.errors?.map((error) => error.extensions?.code).sort();
      expect(codes).toEqual(['BAD_USER_INPUT', 'NOT_FOUND']);
    });

    it('loads the nested fields of a whole page with one statement per field', async () => {
      const before = subgraph.instance.database.statementCount();
      const { incidents, exercises } = await data<Record<'incidents' | 'exercises', Connection<unknown>>>(`{
        incidents(first: 20) { edges { node { engagementRequests { fromResponder { code } } deployments { id } } } }
        exercises(first: 20) { edges { node { participants { code } } } }
      }`);
      // incidents page, requests, deployments, responders; exercises page, participants.
      expect(subgraph.instance.database.statementCount() - before).toBe(6);
      expect(incidents.edges).toHaveLength(20);
      expect(exercises.edges).toHaveLength(20);
    });

    it('counts only when totalCount is selected', async () => {
      const before = subgraph.instance.database.statementCount();
      await data('{ patrols(first: 1) { edges { node { id } } } }');
      expect(subgraph.instance.database.statementCount() - before).toBe(1);
    });
  });

  describe('direct calls', () => {
    const operations: [label: string, text: string, variables: Record<string, unknown>][] = [
      ['a normal query', '{ formedPoliceUnit { id } }', {}],
      ['the subgraph SDL', '{ _service { sdl } }', {}],
      [
        'an entity reference',
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Deployment { id } } }',
        { r: [{ __typename: 'Deployment', id: syntheticId('deployment', 1) }] },
      ],
    ];

    it.each(operations)('refuses %s without an internal token (401 UNAUTHENTICATED)', async (_label, text, variables) => {
      const { status, ...body } = await post(text, variables, {});
      expect(status).toBe(401);
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    });

    it('refuses a token addressed to another subgraph', async () => {
      const { status, ...body } = await post('{ formedPoliceUnit { id } }', {}, await subgraph.auth.headers('forensics', {}, { query: '{ formedPoliceUnit { id } }', variables: {} }));
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a token signed by another key', async () => {
      const stranger = await createTestInternalAuth();
      const { status, ...body } = await post('{ _service { sdl } }', {}, await stranger.headers('operations', {}, { query: '{ _service { sdl } }', variables: {} }));
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it.each(['/health/live', '/health/ready'])('answers %s without a token', async (healthPath) => {
      const response = await fetch(new URL(healthPath, subgraph.url));
      expect(response.status).toBe(200);
    });
  });
});
