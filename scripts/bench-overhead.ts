/**
 * pnpm bench --overhead — what authorization and auditing cost, measured as ratios in one
 * run on this machine (absolute numbers vary between machines; ratios much less).
 *
 * Starts the whole graph in-process on embedded PGlite (the testkit's graph), then
 * drives each scenario with autocannon over loopback for a fixed time:
 *   1. the forensics subgraph directly (no gateway),
 *   2. the same query through the gateway, caller with every scope (nothing filtered),
 *   3. the same query through the gateway with a field removed by authorization,
 *   4. a query disclosing personal data (one audit event appended per request),
 *   5. the ordinary query with a new alias in every request: a document, and so a
 *      query plan, per request — what a per-request hidden alias would cost.
 * Prints requests/s, p99 latency, and each scenario's ratio to scenario 2; and the
 * gateway process's heap growth over the run.
 */
import autocannon from 'autocannon';
import { ALL_SCOPES, signInternalToken } from '@mission-graph/service-kit';
import { startGraph } from '../tests/testkit/graph.js';

const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 8;

const graph = await startGraph();
const callerToken = await graph.token(ALL_SCOPES);
const narrowToken = await graph.token(['forensics:read']);
const purpose = 'BENCH-1: performance measurement';

const query = '{ missingPersons(first: 20) { edges { node { caseNumber status municipality } } } }';
const filtered = '{ missingPersons(first: 20) { edges { node { caseNumber status municipality fullName } } } }';

interface Scenario {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Rewrites each request (a new body per request). */
  setupRequest?: (request: autocannon.Request) => autocannon.Request;
}

const json = { 'content-type': 'application/json' };
const scenarios: Scenario[] = [
  {
    name: 'subgraph direct',
    url: graph.subgraphs.forensics!.url,
    headers: {
      ...json,
      // Valid for 60 s: refreshed below for each run.
      authorization: '',
    },
    body: JSON.stringify({ query }),
  },
  { name: 'gateway, nothing filtered', url: graph.gatewayUrl, headers: { ...json, authorization: `Bearer ${callerToken}` }, body: JSON.stringify({ query }) },
  {
    name: 'gateway, one field filtered',
    url: graph.gatewayUrl,
    headers: { ...json, authorization: `Bearer ${narrowToken}`, 'x-access-purpose': purpose },
    body: JSON.stringify({ query: filtered }),
  },
  {
    name: 'gateway, personal data audited',
    url: graph.gatewayUrl,
    headers: { ...json, authorization: `Bearer ${callerToken}`, 'x-access-purpose': purpose },
    body: JSON.stringify({ query: filtered }),
  },
  {
    name: 'gateway, a plan per request',
    url: graph.gatewayUrl,
    headers: { ...json, authorization: `Bearer ${callerToken}` },
    body: JSON.stringify({ query }),
    setupRequest: (request) => ({
      ...request,
      body: JSON.stringify({ query: query.replace('caseNumber', `n${(fresh += 1)}: caseNumber`) }),
    }),
  },
];
let fresh = 0;

const results: { name: string; rps: number; p99: number; errors: number }[] = [];
const heapBefore = process.memoryUsage().heapUsed;
for (const scenario of scenarios) {
  if (scenario.name === 'subgraph direct') {
    // Bound to the one body this scenario sends.
    const token = await signInternalToken(graph.internalKey, 'forensics', { authenticated: true, scopes: new Set(ALL_SCOPES) }, { body: scenario.body });
    scenario.headers.authorization = `Bearer ${token}`;
  }
  // Warm up plan caches and JIT before measuring.
  const common = {
    url: scenario.url,
    method: 'POST' as const,
    headers: scenario.headers,
    body: scenario.body,
    ...(scenario.setupRequest ? { requests: [{ setupRequest: scenario.setupRequest }] } : {}),
  };
  await autocannon({ ...common, duration: 1, connections: 2 });
  const result = await autocannon({ ...common, duration: DURATION_SECONDS, connections: CONNECTIONS });
  results.push({ name: scenario.name, rps: result.requests.average, p99: result.latency.p99, errors: result.non2xx + result.errors });
}
const heapAfter = process.memoryUsage().heapUsed;
const [auditRow] = await graph.subgraphs.audit!.database.rows<{ n: number }>(
  (await import('drizzle-orm')).sql`select count(*)::int as n from audit.audit_events`,
);
// Let requests still in flight when autocannon stopped finish before the databases close.
await new Promise((resolve) => setTimeout(resolve, 1000));
await graph.stop();

const baseline = results[1]!.rps;
console.log(`\nMission Graph benchmark — ${DURATION_SECONDS} s per scenario, ${CONNECTIONS} connections, PGlite, one process\n`);
console.log('scenario                          req/s    p99 ms   ratio to "gateway, nothing filtered"   non-2xx');
for (const r of results) {
  console.log(`${r.name.padEnd(32)} ${r.rps.toFixed(0).padStart(6)} ${String(r.p99).padStart(8)}   ${(r.rps / baseline).toFixed(2).padStart(6)}                              ${r.errors}`);
}
console.log(`\naudit events appended during the run: ${auditRow?.n ?? 0}`);
console.log(`heap growth over the run: ${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MiB (gateway, subgraphs and load generator share the process)`);
