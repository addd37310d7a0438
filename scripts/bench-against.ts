/**
 * pnpm bench --against <git-ref> — this tree's gateway against another commit's, on
 * the same machine at the same time. The other commit is exported (git archive) into
 * a temporary folder and installed offline from the local pnpm store; each tree starts
 * its own graph in its own process (scripts/bench-serve.ts), and this process is the
 * load generator. Rounds of 2 s alternate A B B A, four times per scenario, so load
 * from anything else on the machine falls on both sides alike.
 * Prints requests/s per side and the ratio this ÷ that.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ref = process.argv[2]!;
const here = fileURLToPath(new URL('..', import.meta.url));
const there = mkdtempSync(path.join(tmpdir(), 'mission-graph-bench-'));
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 2);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 4);

interface Served {
  process: ChildProcess;
  gatewayUrl: string;
  all: string;
  narrow: string;
}

async function serve(root: string): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-serve.ts'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.startsWith('{')) return { process: child, ...(JSON.parse(line) as Omit<Served, 'process'>) };
  }
  throw new Error(`the graph in ${root} did not start`);
}

const query = '{ missingPersons(first: 20) { edges { node { caseNumber status municipality } } } }';
const personal = '{ missingPersons(first: 20) { edges { node { caseNumber status municipality fullName } } } }';
const scenarios = [
  { name: 'gateway, nothing filtered', token: 'all', query, purpose: false },
  { name: 'gateway, one field filtered', token: 'narrow', query: personal, purpose: true },
  { name: 'gateway, personal data audited', token: 'all', query: personal, purpose: true },
] as const;

async function requestsIn(served: Served, scenario: (typeof scenarios)[number], seconds: number): Promise<number> {
  const result = await autocannon({
    url: served.gatewayUrl,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${served[scenario.token]}`,
      ...(scenario.purpose ? { 'x-access-purpose': 'BENCH-1: performance measurement' } : {}),
    },
    body: JSON.stringify({ query: scenario.query }),
    duration: seconds,
    connections: 8,
  });
  if (result.non2xx + result.errors > 0) throw new Error(`${scenario.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.total;
}

const servers: Served[] = [];
try {
  execFileSync('sh', ['-c', `git -C "${here}" archive "${ref}" | tar -x -C "${there}"`]);
  execFileSync('pnpm', ['install', '--offline', '--frozen-lockfile', '--silent'], { cwd: there, stdio: 'inherit' });
  copyFileSync(path.join(here, 'scripts/bench-serve.ts'), path.join(there, 'scripts/bench-serve.ts'));
  const that = await serve(there);
  servers.push(that);
  const self = await serve(here);
  servers.push(self);

  console.log(`\nthis tree vs ${ref}: ${CYCLES} × (A B B A) rounds of ${ROUND_SECONDS} s per scenario, 8 connections\n`);
  console.log(`scenario                          this req/s   ${ref} req/s   ratio`);
  for (const scenario of scenarios) {
    await requestsIn(that, scenario, 1);
    await requestsIn(self, scenario, 1);
    const totals = { self: 0, that: 0 };
    for (let cycle = 0; cycle < CYCLES; cycle += 1) {
      for (const side of ['that', 'self', 'self', 'that'] as const) {
        totals[side] += await requestsIn(side === 'self' ? self : that, scenario, ROUND_SECONDS);
      }
    }
    const seconds = CYCLES * 2 * ROUND_SECONDS;
    const [mine, theirs] = [totals.self / seconds, totals.that / seconds];
    console.log(`${scenario.name.padEnd(32)} ${mine.toFixed(0).padStart(10)} ${theirs.toFixed(0).padStart(14)}   ${(mine / theirs).toFixed(2)}`);
  }
} finally {
  for (const served of servers) served.process.stdin?.end();
  await Promise.all(servers.map((served) => new Promise((resolve) => served.process.once('exit', resolve))));
  rmSync(there, { recursive: true, force: true });
}
