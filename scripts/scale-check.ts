/**
 * pnpm scale:check [--scale 1000000] — the police-cooperation volume check, through
 * the gateway: creates a fresh PostgreSQL database on SCALE_DATABASE_URL's server
 * (default the local one), adds n synthetic exchange requests (scale seed), starts the
 * whole graph on it in-process, and times through the gateway (median of 7 warm runs):
 * a first page of 50, a page 100,000 rows deep (by cursor), a filtered page, and a
 * year's exchangeStatistics. Drops the database at the end.
 */
import { scaleSeed } from '@mission-graph/police-cooperation/scale-seed';
import { ALL_SCOPES, readCli, wholeNumberOption } from '@mission-graph/service-kit';
import { createTestDatabase } from '@mission-graph/service-kit/testing';
import { startGraph } from '../tests/testkit/graph.js';

const USAGE = `
Usage: pnpm scale:check [--scale <n>]

Creates a fresh PostgreSQL database on SCALE_DATABASE_URL's server (default
postgres://postgres@127.0.0.1:5432/postgres), adds n synthetic exchange requests, starts the
whole graph on it in-process and times typical queries through the gateway. Drops the
database at the end.

Options:
  --scale <n>   requests to add, 1 to 10,000,000 (default 1,000,000)
  -h, --help    this text
`;
const values = readCli({ usage: USAGE, options: { scale: { type: 'string', default: '1000000' } } });
let scale: number;
try {
  scale = wholeNumberOption(values.scale, 'scale', 1, 10_000_000);
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n\n${USAGE.trim()}\n`);
  process.exit(2);
}
const server = process.env.SCALE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const database = await createTestDatabase(server);
try {
  const seeded = performance.now();
  await scaleSeed(database.url!, scale, () => {});
  console.log(`scale seed: ${scale.toLocaleString('en')} requests in ${((performance.now() - seeded) / 1000).toFixed(0)} s`);

  const graph = await startGraph({ database: { url: database.url, drop: async () => {} } });
  const token = await graph.token(ALL_SCOPES);
  const ask = (query: string, variables?: Record<string, unknown>) =>
    graph.query(query, variables, { authorization: `Bearer ${token}` });

  const timed = async (label: string, query: string, variables?: Record<string, unknown>) => {
    const times: number[] = [];
    for (let run = 0; run < 8; run += 1) {
      const started = performance.now();
      const response = await ask(query, variables);
      if (response.errors) throw new Error(`${label}: ${JSON.stringify(response.errors)}`);
      if (run > 0) times.push(performance.now() - started); // the first run warms caches
    }
    times.sort((a, b) => a - b);
    return { label, median: times[Math.floor(times.length / 2)]! };
  };

  // A cursor 100,000 rows deep: walk there in pages of 100 (not timed).
  let after: string | null = null;
  for (let page = 0; page < 1000; page += 1) {
    const response = await ask('query($after: String) { informationExchangeRequests(first: 100, after: $after) { pageInfo { endCursor } } }', { after });
    after = (response.data as { informationExchangeRequests: { pageInfo: { endCursor: string } } }).informationExchangeRequests.pageInfo.endCursor;
  }

  const PAGE = '{ edges { node { id reference channel direction status requestDate handlingCode } } pageInfo { endCursor hasNextPage } }';
  const results = [
    await timed('first page of 50', `{ informationExchangeRequests(first: 50) ${PAGE} }`),
    await timed('page of 50, 100,000 rows deep (cursor)', `query($after: String) { informationExchangeRequests(first: 50, after: $after) ${PAGE} }`, { after }),
    await timed('filtered page of 50 (INTERPOL, SENT, 2012)', `{ informationExchangeRequests(first: 50, filter: { channel: INTERPOL, direction: SENT, from: "2012-01-01", to: "2012-12-31" }) ${PAGE} }`),
    await timed('first page of 50 with totalCount', `{ informationExchangeRequests(first: 50) { totalCount ${PAGE.slice(1)} }`),
    await timed('exchangeStatistics, one year, by CHANNEL and MONTH', '{ exchangeStatistics(from: "2012-01-01", to: "2012-12-31", groupBy: [CHANNEL, MONTH]) { groups { channel month requests medianDaysToAnswer } } }'),
  ];
  const total = await ask('{ informationExchangeRequests(first: 0) { totalCount } }');
  console.log(`\nthrough the gateway, ${(total.data as { informationExchangeRequests: { totalCount: number } }).informationExchangeRequests.totalCount.toLocaleString('en')} exchange requests in PostgreSQL (median of 7 warm runs):`);
  for (const { label, median } of results) console.log(`  ${label.padEnd(52)} ${median.toFixed(0).padStart(5)} ms`);
  await graph.stop();
} finally {
  await database.drop();
}
