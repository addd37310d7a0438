/**
 * The whole graph end to end: four subgraphs and the gateway, real HTTP on loopback,
 * PGlite always and PostgreSQL when TEST_DATABASE_URL is set. The caller here holds
 * every scope: what callers may not see is tested in authorization.e2e.spec.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { ALL_SCOPES } from '@mission-graph/service-kit';
import { postGraphQL, startGraph, type RunningGraph } from './testkit/graph.js';

const MISSION_REPORT = /* GraphQL */ `
  query MissionReport($from: Date!, $to: Date!) {
    missionReport(from: $from, to: $to) {
      policeCooperation { europolRequests serbianMoiRequests interpolRequests }
      forensics { fieldOperations exhumations individualsIdentified missingPersonsIdentified }
      operations { patrols exercises deployments }
      specialistChambers { supportRequests }
    }
  }
`;

type Report = { missionReport: Record<string, Record<string, number>> };

describeOnEachDatabase('the graph', (flavour) => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph(flavour);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  describe('missionReport', () => {
    it('reproduces the published police-cooperation totals (June 2018 – 14 June 2025)', async () => {
      const { data, errors } = await graph.queryAs<Report>(
        ALL_SCOPES,
        MISSION_REPORT,
        { from: '2018-06-01', to: '2025-06-14' },
      );
      expect(errors).toBeUndefined();
      expect(data?.missionReport.policeCooperation).toEqual({
        europolRequests: 1871,
        serbianMoiRequests: 3653,
        interpolRequests: 14645,
      });
    });

    it('reproduces the published forensics totals (mandate start – 14 June 2025)', async () => {
      const { data, errors } = await graph.queryAs<Report>(
        ALL_SCOPES,
        MISSION_REPORT,
        { from: '2008-12-09', to: '2025-06-14' },
      );
      expect(errors).toBeUndefined();
      expect(data?.missionReport.forensics).toEqual({
        fieldOperations: 873,
        exhumations: 219,
        individualsIdentified: 543,
        missingPersonsIdentified: 370,
      });
    });

    it('counts only inside the period: records after 14 June 2025 exist and are excluded', async () => {
      const until = await graph.queryAs<Report>(
        ALL_SCOPES,
        MISSION_REPORT,
        { from: '2000-01-01', to: '2025-06-14' },
      );
      const later = await graph.queryAs<Report>(
        ALL_SCOPES,
        MISSION_REPORT,
        { from: '2000-01-01', to: '2030-12-31' },
      );
      const a = until.data!.missionReport;
      const b = later.data!.missionReport;
      expect(b.policeCooperation!.europolRequests).toBeGreaterThan(a.policeCooperation!.europolRequests!);
      expect(b.forensics!.fieldOperations).toBeGreaterThan(a.forensics!.fieldOperations!);
      expect(b.forensics!.missingPersonsIdentified).toBeGreaterThan(a.forensics!.missingPersonsIdentified!);
      // Records before June 2018 exist too: the window is a real filter, not "everything".
      const before = await graph.queryAs<Report>(
        ALL_SCOPES,
        MISSION_REPORT,
        { from: '2000-01-01', to: '2018-05-31' },
      );
      expect(before.data!.missionReport.policeCooperation!.interpolRequests).toBeGreaterThan(0);
    });

    it('refuses a period that ends before it starts, naming the argument', async () => {
      const { data, errors } = await graph.queryAs(ALL_SCOPES, MISSION_REPORT, { from: '2025-06-14', to: '2018-06-01' });
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'to' });
    });
  });

  describe('cross-subgraph entities', () => {
    it('resolves an exchange request’s missing person from forensics, and back', async () => {
      const { data, errors } = await graph.queryAs<{
        informationExchangeRequests: {
          edges: {
            node: {
              id: string;
              relatedMissingPerson: {
                id: string;
                caseNumber: string;
                informationExchangeRequests: { id: string }[];
              } | null;
            };
          }[];
        };
      }>(ALL_SCOPES,
        /* GraphQL */ `
        {
          informationExchangeRequests(first: 100) {
            edges {
              node {
                id
                relatedMissingPerson {
                  id
                  caseNumber
                  informationExchangeRequests { id }
                }
              }
            }
          }
        }
      `);
      expect(errors).toBeUndefined();
      const linked = data!.informationExchangeRequests.edges
        .map((edge) => edge.node)
        .filter((node) => node.relatedMissingPerson !== null);
      expect(linked.length).toBeGreaterThan(0);
      for (const request of linked) {
        // caseNumber comes from forensics; the back-link from police-cooperation.
        expect(request.relatedMissingPerson!.caseNumber).toMatch(/\S/);
        expect(request.relatedMissingPerson!.informationExchangeRequests.map((r) => r.id)).toContain(request.id);
      }
    });

    it('batches entity fetches: 100 requests with their missing persons cost as many SQL statements as 10', async () => {
      const statements = async (first: number) => {
        const counters = Object.values(graph.subgraphs).map((s) => s.database);
        const before = counters.reduce((sum, db) => sum + db.statementCount(), 0);
        const { errors } = await graph.queryAs(
        ALL_SCOPES,
          /* GraphQL */ `
            query Linked($first: Int!) {
              informationExchangeRequests(first: $first, filter: { hasRelatedMissingPerson: true }) {
                edges { node { id relatedMissingPerson { id caseNumber informationExchangeRequests { id } } } }
              }
            }
          `,
          { first },
        );
        expect(errors).toBeUndefined();
        return counters.reduce((sum, db) => sum + db.statementCount(), 0) - before;
      };
      const forTen = await statements(10);
      const forHundred = await statements(100);
      expect(forTen).toBeGreaterThan(0);
      expect(forHundred).toBe(forTen);
    });
  });

  describe('bad input', () => {
    const cases: [string, string, Record<string, unknown> | undefined, string][] = [
      ['an unknown enum value', '{ informationExchangeRequests(filter: { channel: CARRIER_PIGEON }) { totalCount } }', undefined, 'filter.channel'],
      ['a malformed date literal', '{ missionReport(from: "2018-13-45", to: "2025-06-14") { from } }', undefined, 'from'],
      ['a malformed date variable', 'query($from: Date!) { missionReport(from: $from, to: "2025-06-14") { from } }', { from: 'yesterday' }, 'from'],
      ['first: -1', '{ informationExchangeRequests(first: -1) { totalCount } }', undefined, 'first'],
      ['first: 100000', '{ informationExchangeRequests(first: 100000) { totalCount } }', undefined, 'first'],
      ['a forged cursor', '{ informationExchangeRequests(after: "bm90LWEtY3Vyc29y") { totalCount } }', undefined, 'after'],
    ];
    it.each(cases)('%s gets BAD_USER_INPUT naming the argument', async (_label, query, variables, argument) => {
      const response = await graph.queryAs(ALL_SCOPES, query, variables);
      expect(response.status).toBeLessThan(500);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const named = response.errors?.[0]?.extensions?.argument ?? response.errors?.[0]?.message;
      expect(String(named)).toContain(argument.split('.').at(-1));
      expect(JSON.stringify(response)).not.toMatch(/stacktrace|at .*\.ts:\d+|postgres|127\.0\.0\.1/i);
    });
  });

  describe('health', () => {
    it('gateway and every subgraph answer /health/live and /health/ready', async () => {
      const urls = [graph.gatewayUrl, ...Object.values(graph.subgraphs).map((s) => s.url)];
      for (const url of urls) {
        for (const probe of ['/health/live', '/health/ready']) {
          const response = await fetch(new URL(probe, url));
          expect(response.status, `${url} ${probe}`).toBe(200);
        }
      }
    });
  });

  // Last: it stops a subgraph.
  describe('a subgraph that is down', () => {
    it('is reported as SUBGRAPH_UNAVAILABLE naming the service, not its address', async () => {
      await graph.subgraphs['specialist-chambers']!.http.stop();
      const response = await graph.queryAs(ALL_SCOPES, '{ supportRequests(first: 1) { totalCount } }');
      // Named in the message; no `serviceName` extension outside development (error hygiene).
      expect(response.errors?.[0]).toMatchObject({
        message: 'The specialist-chambers service is unavailable',
        extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
      });
      expect(response.errors?.[0]?.extensions).not.toHaveProperty('serviceName');
      expect(JSON.stringify(response)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|localhost/);
      // The rest of the graph still answers.
      const other = await graph.queryAs(ALL_SCOPES, '{ securityResponders { tier } }');
      expect(other.errors).toBeUndefined();
    });
  });
});

describe('the explorer', () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph();
  });
  afterAll(async () => {
    await graph?.stop();
  });

  it('is served on / from the installation itself (no CDN), and / still answers GraphQL', async () => {
    const origin = new URL(graph.gatewayUrl).origin;
    const page = await fetch(`${origin}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual([
      '/favicon.svg',
      '/explorer/graphiql.min.css',
      '/explorer/explorer.css',
      '/explorer/react.production.min.js',
      '/explorer/react-dom.production.min.js',
      '/explorer/graphiql.min.js',
      '/explorer/explorer.js',
    ]);
    // The explorer's own files are served exactly as written; GraphiQL's and React's bundles are large.
    const own: Record<string, string> = { '/favicon.svg': 'favicon.svg', '/explorer/explorer.css': 'explorer.css', '/explorer/explorer.js': 'explorer.js' };
    for (const asset of assets) {
      const response = await fetch(`${origin}${asset}`);
      expect(response.status, asset).toBe(200);
      const body = Buffer.from(await response.arrayBuffer());
      if (own[asset]) {
        expect(body.equals(readFileSync(new URL(`../gateway/src/explorer/assets/${own[asset]}`, import.meta.url))), asset).toBe(true);
      } else {
        expect(body.byteLength, asset).toBeGreaterThan(1000);
      }
    }
    const viaRoot = await postGraphQL(`${origin}/`, { query: '{ __typename }' });
    expect(viaRoot.data).toEqual({ __typename: 'Query' });
  });
});
