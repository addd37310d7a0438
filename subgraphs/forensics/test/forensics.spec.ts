import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { syntheticId } from '@mission-graph/service-kit';
import { createTestInternalAuth, onlyErrorOf, startSubgraph, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

interface Page<Node> {
  totalCount?: number;
  edges: { cursor: string; node: Node }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

const FIGURES = `query Figures($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on MissionReport { from to forensics { fieldOperations exhumations individualsIdentified missingPersonsIdentified } }
  }
}`;

const report = (from: string, to: string) => ({ __typename: 'MissionReport', from, to });

describeOnEachDatabase('forensics subgraph', (flavour) => {
  let forensics: RunningSubgraph;
  const graphql: RunningSubgraph['query'] = (query, variables) => forensics.query(query, variables);
  /** SQL statements one request sends (nothing else runs meanwhile). */
  async function statementsOf(request: () => Promise<unknown>): Promise<number> {
    const before = forensics.instance.database.statementCount();
    await request();
    return forensics.instance.database.statementCount() - before;
  }

  beforeAll(async () => {
    forensics = await startSubgraph(createService, flavour);
  });
  afterAll(async () => {
    await forensics?.stop();
  });

  describe('MissionReport.forensics', () => {
    it('reproduces the published figures from the start of the mandate to 14 June 2025', async () => {
      const response = await graphql(FIGURES, { representations: [report('2008-12-09', '2025-06-14')] });
      expect(response).toEqual({
        status: 200,
        data: {
          _entities: [
            {
              from: '2008-12-09',
              to: '2025-06-14',
              forensics: { fieldOperations: 873, exhumations: 219, individualsIdentified: 543, missingPersonsIdentified: 370 },
            },
          ],
        },
      });
    });

    it('counts both bounds inclusive and the records after the published period', async () => {
      const response = await graphql<{ _entities: { forensics: unknown }[] }>(FIGURES, {
        representations: [
          report('2008-12-09', '2008-12-09'),
          report('2025-06-14', '2025-06-14'),
          report('2025-06-15', '2030-12-31'),
          report('2008-12-09', '2030-12-31'),
        ],
      });
      expect(response.errors).toBeUndefined();
      expect(response.data?._entities.map((entity) => entity.forensics)).toEqual([
        { fieldOperations: 1, exhumations: 0, individualsIdentified: 1, missingPersonsIdentified: 1 },
        { fieldOperations: 1, exhumations: 1, individualsIdentified: 1, missingPersonsIdentified: 1 },
        { fieldOperations: 15, exhumations: 5, individualsIdentified: 12, missingPersonsIdentified: 8 },
        { fieldOperations: 888, exhumations: 224, individualsIdentified: 555, missingPersonsIdentified: 378 },
      ]);
    });

    it('computes the figures of several periods in one SQL statement', async () => {
      const representations = [report('2010-01-01', '2010-12-31'), report('2011-01-01', '2011-12-31'), report('2012-01-01', '2012-12-31')];
      expect(await statementsOf(() => graphql(FIGURES, { representations }))).toBe(1);
    });

    it('refuses a period that ends before it starts, naming `to`', async () => {
      const response = await graphql(FIGURES, { representations: [report('2025-06-14', '2008-12-09')] });
      expect(onlyErrorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'to' });
    });

    it('refuses an impossible date in a representation instead of passing it to SQL', async () => {
      const response = await graphql(FIGURES, { representations: [report('2021-02-30', '2021-03-31')] });
      expect(onlyErrorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'from' });
    });
  });

  describe('forensicsStatistics', () => {
    const STATISTICS = `query Stats($from: Date!, $to: Date!, $groupBy: [ForensicsStatisticsDimension!]) {
      forensicsStatistics(from: $from, to: $to, groupBy: $groupBy) {
        from to groupBy
        groups { year municipality operationKind fieldOperations exhumations individualsIdentified missingPersonsIdentified }
      }
    }`;
    type Group = {
      year: number | null;
      municipality: string | null;
      operationKind: string | null;
      fieldOperations: number;
      exhumations: number;
      individualsIdentified: number;
      missingPersonsIdentified: number;
    };
    type Stats = { forensicsStatistics: { groupBy: string[]; groups: Group[] } };
    const PUBLISHED = { from: '2008-12-09', to: '2025-06-14' };
    const FIGURES = ['fieldOperations', 'exhumations', 'individualsIdentified', 'missingPersonsIdentified'] as const;
    const totals = (groups: Group[]) =>
      Object.fromEntries(FIGURES.map((figure) => [figure, groups.reduce((sum, group) => sum + group[figure], 0)]));

    it('without groupBy gives the published totals as one group', async () => {
      const response = await graphql<Stats>(STATISTICS, PUBLISHED);
      expect(response.errors).toBeUndefined();
      expect(response.data?.forensicsStatistics.groups).toEqual([
        { year: null, municipality: null, operationKind: null, fieldOperations: 873, exhumations: 219, individualsIdentified: 543, missingPersonsIdentified: 370 },
      ]);
    });

    it.each([[['YEAR']], [['MUNICIPALITY']], [['OPERATION_KIND']], [['OPERATION_KIND', 'YEAR', 'MUNICIPALITY', 'YEAR']]])(
      'grouped by %j, the groups add up to the totals, in one SQL statement',
      async (groupBy) => {
        let response: Awaited<ReturnType<typeof graphql<Stats>>> | undefined;
        expect(await statementsOf(async () => {
          response = await graphql<Stats>(STATISTICS, { ...PUBLISHED, groupBy });
        })).toBe(1);
        expect(response?.errors).toBeUndefined();
        const { groups, groupBy: canonical } = response!.data!.forensicsStatistics;
        expect(canonical).toEqual(['YEAR', 'MUNICIPALITY', 'OPERATION_KIND'].filter((d) => groupBy.includes(d)));
        expect(groups.length).toBeGreaterThan(1);
        expect(totals(groups)).toEqual({ fieldOperations: 873, exhumations: 219, individualsIdentified: 543, missingPersonsIdentified: 370 });
        const keys = groups.map((group) => JSON.stringify([group.year, group.municipality, group.operationKind]));
        expect(new Set(keys).size).toBe(keys.length);
      },
    );

    it('by year and kind: a group holds what the lists filtered the same way hold', async () => {
      const groups = (await graphql<Stats>(STATISTICS, { ...PUBLISHED, groupBy: ['YEAR'] })).data!.forensicsStatistics.groups;
      expect(groups.map((group) => group.year)).toEqual(Array.from({ length: 18 }, (_, index) => 2008 + index));
      const ops = `query ($filter: FieldOperationFilter) { fieldOperations(filter: $filter, first: 0) { totalCount } }`;
      const in2010 = await graphql<{ fieldOperations: { totalCount: number } }>(ops, { filter: { from: '2010-01-01', to: '2010-12-31' } });
      expect(groups.find((group) => group.year === 2010)?.fieldOperations).toBe(in2010.data?.fieldOperations.totalCount);
      const exhumationGroups = (await graphql<Stats>(STATISTICS, { ...PUBLISHED, groupBy: ['OPERATION_KIND'] })).data!.forensicsStatistics.groups;
      expect(exhumationGroups.find((group) => group.operationKind === 'EXHUMATION')?.exhumations).toBe(219);
      expect(exhumationGroups.find((group) => group.operationKind === 'SURVEY')?.exhumations).toBe(0);
    });

    it('refuses a period that ends before it starts, naming `to`', async () => {
      const response = await graphql(STATISTICS, { from: '2025-06-14', to: '2008-12-09' });
      expect(onlyErrorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'to' });
    });

    it('needs statistics:read', async () => {
      const headers = await forensics.auth.headers('forensics', { scopes: new Set(['forensics:read']) }, { query: STATISTICS, variables: PUBLISHED });
      const body = await forensics.post(STATISTICS, PUBLISHED, headers);
      expect(onlyErrorOf(body)?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    });
  });

  describe('family contact', () => {
    const query = `query One($id: ID!) { missingPerson(id: $id) { caseNumber familyContact } }`;
    const id = syntheticId('missing-person', 42);

    it('is personal data: shown with forensics:personal and a purpose', async () => {
      const response = await graphql<{ missingPerson: { familyContact: string } }>(query, { id });
      expect(response.data?.missingPerson.familyContact).toBe('Synthetic Relative 0042, family liaison file FL-00042');
    });

    it('is withheld without forensics:personal, or without a declared purpose', async () => {
      for (const caller of [{ scopes: new Set(['forensics:read']) }, { purpose: undefined }]) {
        const body = await forensics.post<{ missingPerson: { caseNumber: string; familyContact: unknown } }>(
          query,
          { id },
          await forensics.auth.headers('forensics', caller as never, { query, variables: { id } }),
        );
        expect(body.data?.missingPerson).toMatchObject({ familyContact: null });
        expect(onlyErrorOf(body)?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
      }
    });
  });

  describe('missing persons', () => {
    const LIST = `query List($filter: MissingPersonFilter, $first: Int, $after: String) {
      missingPersons(filter: $filter, first: $first, after: $after) {
        totalCount edges { cursor node { id caseNumber status municipality disappearanceDate fullName } } ${PAGE_INFO}
      }
    }`;
    type Node = { id: string; caseNumber: string; status: string; municipality: string; disappearanceDate: string; fullName: string };
    const list = (variables: Record<string, unknown>) => graphql<{ missingPersons: Page<Node> }>(LIST, variables);

    it('holds exactly 1,200 cases, by status 788 missing, 30 remains recovered, 378 identified, 4 closed', async () => {
      const totals: Record<string, number | undefined> = {};
      for (const status of [null, 'MISSING', 'REMAINS_RECOVERED', 'IDENTIFIED', 'CLOSED']) {
        const response = await list({ filter: status ? { status } : null, first: 0 });
        totals[status ?? 'ALL'] = response.data?.missingPersons.totalCount;
      }
      expect(totals).toEqual({ ALL: 1200, MISSING: 788, REMAINS_RECOVERED: 30, IDENTIFIED: 378, CLOSED: 4 });
    });

    it('filters by disappearance period and municipality', async () => {
      const in1999 = await list({ filter: { disappearedFrom: '1999-01-01', disappearedTo: '1999-12-31' }, first: 100 });
      expect(in1999.data?.missingPersons.totalCount).toBe(400);
      for (const { node } of in1999.data?.missingPersons.edges ?? []) {
        expect(node.disappearanceDate >= '1999-01-01' && node.disappearanceDate <= '1999-12-31').toBe(true);
      }
      const gjakova = await list({ filter: { municipality: 'Gjakovë/Đakovica', status: 'MISSING' }, first: 100 });
      const nodes = gjakova.data?.missingPersons.edges.map((edge) => edge.node) ?? [];
      expect(nodes.length).toBe(gjakova.data?.missingPersons.totalCount);
      expect(nodes.every((node) => node.municipality === 'Gjakovë/Đakovica' && node.status === 'MISSING')).toBe(true);
      const allInGjakova = await list({ filter: { municipality: 'Gjakovë/Đakovica' }, first: 0 });
      expect(allInGjakova.data?.missingPersons.totalCount).toBe(43);
    });

    it('uses only invented names', async () => {
      const response = await list({ first: 100 });
      const names = response.data?.missingPersons.edges.map((edge) => edge.node.fullName) ?? [];
      expect(names).toHaveLength(100);
      expect(names.every((name) => /^Synthetic Person \d{4}$/.test(name))).toBe(true);
    });

    it('pages through a filtered list without overlap, in order, to the end', async () => {
      const seen: Node[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const response = await list({ filter: { status: 'REMAINS_RECOVERED' }, first: 7, after });
        const page: Page<Node> = response.data!.missingPersons;
        expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
        seen.push(...page.edges.map((edge) => edge.node));
        pages += 1;
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(pages).toBe(5);
      expect(new Set(seen.map((node) => node.id)).size).toBe(30);
      const keys = seen.map((node) => `${node.disappearanceDate} ${node.caseNumber}`);
      expect(keys).toEqual([...keys].sort());
    });

    it('finds one case by id, whatever the case of its letters', async () => {
      const id = syntheticId('missing-person', 42);
      const query = `query One($id: ID!) { missingPerson(id: $id) { id caseNumber fullName status } }`;
      const response = await graphql<{ missingPerson: { id: string; caseNumber: string; fullName: string } }>(query, { id: id.toUpperCase() });
      expect(response.errors).toBeUndefined();
      expect(response.data?.missingPerson).toMatchObject({ id, fullName: 'Synthetic Person 0042' });
      expect(response.data?.missingPerson.caseNumber).toMatch(/^MP-(1998|1999|2000)-00042$/);
    });

    it('answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
      const query = `query One($id: ID!) { missingPerson(id: $id) { id } }`;
      const unknown = await graphql(query, { id: syntheticId('missing-person', 1201) });
      expect(onlyErrorOf(unknown)).toMatchObject({ code: 'NOT_FOUND' });
      const malformed = await graphql(query, { id: "1' or '1'='1" });
      expect(onlyErrorOf(malformed)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'id' });
    });

    it('rejects bad page and filter arguments by name', async () => {
      expect(onlyErrorOf(await list({ first: -1 }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
      expect(onlyErrorOf(await list({ first: 100000 }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
      expect(onlyErrorOf(await list({ after: 'not-a-cursor' }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
      const forged = Buffer.from(JSON.stringify(['1999-13-45', 'MP'])).toString('base64url');
      expect(onlyErrorOf(await list({ after: forged }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
      const backwards = await list({ filter: { disappearedFrom: '2000-01-01', disappearedTo: '1999-01-01' } });
      expect(onlyErrorOf(backwards)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.disappearedTo' });
    });

    it('resolves entity references in one SQL statement per batch', async () => {
      const ids = Array.from({ length: 50 }, (_, index) => syntheticId('missing-person', index + 1));
      const query = `query Refs($representations: [_Any!]!) {
        _entities(representations: $representations) { ... on MissingPerson { id caseNumber } }
      }`;
      const representations = ids.map((id) => ({ __typename: 'MissingPerson', id }));
      let response: Awaited<ReturnType<typeof graphql<{ _entities: { id: string; caseNumber: string }[] }>>> | undefined;
      const statements = await statementsOf(async () => {
        response = await graphql(query, { representations });
      });
      expect(response?.errors).toBeUndefined();
      expect(response?.data?._entities.map((entity) => entity.id)).toEqual(ids);
      expect(response?.data?._entities[0]?.caseNumber).toMatch(/^MP-\d{4}-00001$/);
      expect(statements).toBe(1);
    });

    it('links identified persons to their identification and back', async () => {
      const query = `{ missingPersons(filter: { status: IDENTIFIED }, first: 20) {
        edges { node { id identification { identifiedOn missingPerson { id } remains { status } } } }
      } }`;
      const response = await graphql<{
        missingPersons: Page<{ id: string; identification: { identifiedOn: string; missingPerson: { id: string }; remains: { status: string } } | null }>;
      }>(query);
      expect(response.errors).toBeUndefined();
      for (const { node } of response.data?.missingPersons.edges ?? []) {
        expect(node.identification?.missingPerson.id).toBe(node.id);
        expect(['IDENTIFIED', 'RETURNED']).toContain(node.identification?.remains.status);
      }
    });
  });

  describe('field work', () => {
    it('lists field operations newest first, filtered by kind and start date', async () => {
      const query = `query Ops($filter: FieldOperationFilter, $first: Int, $after: String) {
        fieldOperations(filter: $filter, first: $first, after: $after) {
          totalCount edges { node { id kind startedOn site { siteCode } } } ${PAGE_INFO}
        }
      }`;
      type Ops = { fieldOperations: Page<{ id: string; kind: string; startedOn: string; site: { siteCode: string } | null }> };
      const all = await graphql<Ops>(query, { first: 0 });
      expect(all.data?.fieldOperations.totalCount).toBe(888);
      const published = { from: '2008-12-09', to: '2025-06-14' };
      const inPeriod = await graphql<Ops>(query, { filter: published, first: 0 });
      expect(inPeriod.data?.fieldOperations.totalCount).toBe(873);

      const exhumations: { id: string; startedOn: string; site: unknown }[] = [];
      let after: string | null = null;
      do {
        const response = await graphql<Ops>(query, { filter: { ...published, kind: 'EXHUMATION' }, first: 100, after });
        const page: Ops['fieldOperations'] = response.data!.fieldOperations;
        expect(page.totalCount).toBe(219);
        exhumations.push(...page.edges.map((edge) => edge.node));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(new Set(exhumations.map((node) => node.id)).size).toBe(219);
      expect(exhumations.every((node) => node.site !== null)).toBe(true);
      const starts = exhumations.map((node) => node.startedOn);
      expect(starts).toEqual([...starts].sort().reverse());
      expect(starts.at(-1)).toBe('2009-01-05');

      const backwards = await graphql(query, { filter: { from: '2025-01-01', to: '2024-01-01' } });
      expect(onlyErrorOf(backwards)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.to' });
    });

    it('loads the sites of a page of operations in one batched statement', async () => {
      const query = `{ fieldOperations(first: 100) { edges { node { id site { siteCode } } } } }`;
      // one for the page, one for all its sites
      expect(await statementsOf(() => graphql(query))).toBe(2);
    });

    it('holds 300 grave sites, 30 of them mass graves, each with its operations', async () => {
      const query = `query Sites($filter: GraveSiteFilter) {
        graveSites(filter: $filter, first: 50) {
          totalCount edges { node { siteCode kind municipality latitude longitude fieldOperations { kind startedOn } } }
        }
      }`;
      type Sites = {
        graveSites: Page<{ siteCode: string; kind: string; latitude: number; longitude: number; fieldOperations: { kind: string; startedOn: string }[] }>;
      };
      const counts: Record<string, number | undefined> = {};
      for (const kind of [null, 'MASS', 'UNMARKED', 'CLANDESTINE']) {
        const response = await graphql<Sites>(query, { filter: kind ? { kind } : null });
        counts[kind ?? 'ALL'] = response.data?.graveSites.totalCount;
      }
      expect(counts).toEqual({ ALL: 300, MASS: 30, UNMARKED: 120, CLANDESTINE: 150 });

      let response: Awaited<ReturnType<typeof graphql<Sites>>> | undefined;
      const statements = await statementsOf(async () => {
        response = await graphql<Sites>(query, { filter: { kind: 'MASS' } });
      });
      // page, count, and one batch for the operations of all 30 sites
      expect(statements).toBe(3);
      const sites = response?.data?.graveSites.edges.map((edge) => edge.node) ?? [];
      expect(sites.map((site) => site.siteCode)).toEqual([...sites.map((site) => site.siteCode)].sort());
      for (const site of sites) {
        expect(site.kind).toBe('MASS');
        expect(site.latitude).toBeGreaterThan(41.8);
        expect(site.latitude).toBeLessThan(43.3);
        expect(site.longitude).toBeGreaterThan(20);
        expect(site.longitude).toBeLessThan(21.9);
        expect(site.fieldOperations.length).toBeGreaterThan(0);
      }
    });

    it('tracks mortal remains at the Pristina morgue and those returned to families', async () => {
      const query = `query Remains($filter: MortalRemainsFilter) {
        mortalRemains(filter: $filter, first: 100) { totalCount edges { node { reference heldAt status recoveredBy { id kind } identification { id } } } }
      }`;
      type Remains = {
        mortalRemains: Page<{ reference: string; heldAt: string | null; status: string; recoveredBy: { id: string; kind: string } | null; identification: { id: string } | null }>;
      };
      const totals: Record<string, number | undefined> = {};
      for (const filter of [null, { status: 'UNIDENTIFIED' }, { status: 'UNDER_REVIEW' }, { status: 'IDENTIFIED' }, { status: 'RETURNED' }, { heldAt: 'Pristina morgue' }]) {
        const response = await graphql<Remains>(query, { filter });
        totals[filter ? Object.values(filter).join() : 'ALL'] = response.data?.mortalRemains.totalCount;
      }
      expect(totals).toEqual({ ALL: 815, UNIDENTIFIED: 195, UNDER_REVIEW: 65, IDENTIFIED: 19, RETURNED: 536, 'Pristina morgue': 279 });

      const returned = await graphql<Remains>(query, { filter: { status: 'RETURNED' } });
      for (const { node } of returned.data?.mortalRemains.edges ?? []) {
        expect(node.heldAt).toBeNull();
        expect(node.identification).not.toBeNull();
      }
      const operation = returned.data?.mortalRemains.edges.find((edge) => edge.node.recoveredBy)?.node.recoveredBy;
      expect(operation?.kind).toBe('EXHUMATION');
      const byOperation = await graphql<Remains>(query, { filter: { recoveredBy: operation?.id } });
      expect(byOperation.data?.mortalRemains.totalCount).toBeGreaterThan(0);
      expect(byOperation.data?.mortalRemains.edges.every((edge) => edge.node.recoveredBy?.id === operation?.id)).toBe(true);
      const malformed = await graphql(query, { filter: { recoveredBy: 'FO-2019-0001' } });
      expect(onlyErrorOf(malformed)).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.recoveredBy' });
    });

    it('lists identifications newest first, 177 of individuals not on the missing-persons list', async () => {
      const query = `query Ids($filter: IdentificationFilter, $first: Int) {
        identifications(filter: $filter, first: $first) {
          totalCount edges { node { identifiedOn method confirmingInstitution missingPerson { id status } remains { reference } } }
        }
      }`;
      type Ids = {
        identifications: Page<{ identifiedOn: string; method: string; confirmingInstitution: string; missingPerson: { id: string; status: string } | null }>;
      };
      const count = async (filter: Record<string, unknown> | null) =>
        (await graphql<Ids>(query, { filter, first: 0 })).data?.identifications.totalCount;
      expect(await count(null)).toBe(555);
      expect(await count({ concernsMissingPerson: true })).toBe(378);
      expect(await count({ concernsMissingPerson: false })).toBe(177);
      expect(await count({ from: '2008-12-09', to: '2025-06-14', concernsMissingPerson: true })).toBe(370);
      expect(await count({ method: 'DNA' })).toBe(390);

      let response: Awaited<ReturnType<typeof graphql<Ids>>> | undefined;
      const statements = await statementsOf(async () => {
        response = await graphql<Ids>(query, { filter: { concernsMissingPerson: true }, first: 100 });
      });
      // page, count, persons, remains
      expect(statements).toBe(4);
      const nodes = response?.data?.identifications.edges.map((edge) => edge.node) ?? [];
      expect(nodes.every((node) => node.missingPerson?.status === 'IDENTIFIED')).toBe(true);
      expect(nodes[0]?.identifiedOn).toBe('2025-08-31');
      const dates = nodes.map((node) => node.identifiedOn);
      expect(dates).toEqual([...dates].sort().reverse());
    });
  });

  describe('direct calls', () => {
    const operations: [label: string, query: string, variables: Record<string, unknown>][] = [
      ['a normal query', '{ missingPersons(first: 1) { totalCount } }', {}],
      ['the subgraph SDL', '{ _service { sdl } }', {}],
      [
        'an entity reference',
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on MissingPerson { id } } }',
        { r: [{ __typename: 'MissingPerson', id: syntheticId('missing-person', 1) }] },
      ],
    ];

    it.each(operations)('refuses %s without an internal token (401 UNAUTHENTICATED)', async (_label, query, variables) => {
      const { status, ...body } = await forensics.post(query, variables, {});
      expect(status).toBe(401);
      expect(body.data ?? null).toBeNull();
      expect(onlyErrorOf(body)?.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a token addressed to another subgraph', async () => {
      const { status, ...body } = await forensics.post('{ _service { sdl } }', {}, await forensics.auth.headers('operations', {}, { query: '{ _service { sdl } }', variables: {} }));
      expect(status).toBe(401);
      expect(onlyErrorOf(body)?.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a token signed by another key', async () => {
      const stranger = await createTestInternalAuth();
      const { status, ...body } = await forensics.post(operations[2]![1], operations[2]![2], await stranger.headers('forensics', {}, { query: operations[2]![1], variables: operations[2]![2] }));
      expect(status).toBe(401);
      expect(onlyErrorOf(body)?.code).toBe('UNAUTHENTICATED');
    });

    it.each(['/health/live', '/health/ready'])('answers %s without a token', async (path) => {
      const response = await fetch(new URL(path, forensics.url));
      expect(response.status).toBe(200);
    });
  });
});
