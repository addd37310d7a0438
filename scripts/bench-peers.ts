/**
 * pnpm bench — our gateway against its peers, in one run on this machine: Hive Gateway
 * (default settings) and plain @apollo/gateway + @apollo/server, in front of the SAME five
 * subgraphs and supergraph, and the forensics subgraph called directly.
 *
 * Everything runs compiled (`pnpm build` output, `node --conditions=compiled`) with
 * NODE_ENV=production, each service and each gateway in its own process; the subgraphs on
 * local PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/postgres — a superuser: the bench creates two
 * throwaway databases and an audit runtime role, and drops them at the end), the audit
 * service as in production (least-privilege role, signing key, checkpoint file). Our
 * gateway runs with every check on — caller tokens from a JWKS URL, authorization, cost
 * limits, rate limits (a bench registry whose principal budget the load cannot exhaust),
 * auditing of personal data; the peers verify no caller token and get the internal token
 * through a small plugin / data source (scripts/bench/peer-*.mjs).
 *
 * Workloads: W1 a forensics list; W2 a two-subgraph hop (police cooperation → forensics);
 * W3 `missionReport` (operations, forensics, police cooperation); W4 = W1 plus a personal
 * field with a declared purpose (audited by ours); W5 a mix of analyst and frontend
 * requests. Before any timing, every request of every workload is sent once to each
 * gateway and the `data` of the answers must be equal. The load generator (autocannon,
 * scripts/bench/load.mjs) is a process of its own; rounds alternate ours, Hive, Apollo,
 * Apollo, Hive, ours (A B B A) so drift on the machine falls on all alike.
 * Per gateway and workload: requests/s, p50/p99 latency, gateway CPU per request (utime +
 * stime of the gateway's process from /proc/<pid>/stat over the rounds), and its RSS after
 * the run; ratios ours ÷ Hive, ours ÷ Apollo, ours ÷ direct subgraph (W1), W4 ÷ W1.
 *
 * BENCH_ROUND_SECONDS (default 5), BENCH_CYCLES (default 2), BENCH_CONNECTIONS (default 10),
 * BENCH_WORKLOADS (default all: W1,W2,W3,W4,W5; a subset for quicker runs — W1 always runs).
 * BENCH_PROFILE=ours,audit,… writes V8 CPU profiles of those processes to bench-profiles/.
 * `--write` also writes docs/benchmarks.md. `--skip-build` reuses the dist folders.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { ALL_SCOPES, newKeyPair, readCli, signInternalToken } from '@mission-graph/service-kit';
import { withoutSecurityFeatures } from '../gateway/src/authorization/gateway-supergraph.js';
import { signCallerToken } from '../tests/testkit/graph.js';
import { SUBGRAPHS } from './supergraph.js';
import { freePort } from '@mission-graph/service-kit/testing';

const { write, 'skip-build': skipBuild } = readCli({
  usage: `
Usage: pnpm bench [--write] [--skip-build]   (or: pnpm bench --against <git-ref>, --overhead)

Our gateway against Hive Gateway and plain Apollo Gateway, same subgraphs, compiled, production
mode, local PostgreSQL. BENCH_ROUND_SECONDS, BENCH_CYCLES, BENCH_CONNECTIONS tune the rounds;
--write puts the table into docs/benchmarks.md.
`,
  options: { write: { type: 'boolean' }, 'skip-build': { type: 'boolean' } },
});

const root = fileURLToPath(new URL('..', import.meta.url));
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 5);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ISSUER = 'https://bench-idp.invalid/';
const AUDIENCE = 'mission-graph';
const PURPOSE = 'BENCH-1: performance measurement';
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

// ---------------------------------------------------------------- processes
const children: ChildProcess[] = [];
const cleanups: (() => Promise<unknown> | unknown)[] = [];


function run(name: string, script: string, cwd: string, env: Record<string, string>): ChildProcess {
  let output = '';
  // BENCH_PROFILE=ours,audit: a V8 CPU profile of those processes, written when they stop.
  const profile = (process.env.BENCH_PROFILE ?? '').split(',').includes(name) ? ['--cpu-prof', `--cpu-prof-dir=${path.join(root, 'bench-profiles')}`] : [];
  const child = spawn(process.execPath, [...profile, '--conditions=compiled', script], {
    cwd,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (text: string) => (output = (output + text).slice(-4000));
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${code ?? signal}):\n${output}`);
      void stopAll(1);
    }
  });
  children.push(child);
  return child;
}

async function untilAnswering(url: string, init?: RequestInit): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const status = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) }).then(
      async (response) => (await response.arrayBuffer(), response.status),
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} never answered 200`);
}

let stopping = false;
async function stopAll(code: number): Promise<never> {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve)))));
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch((error) => console.error('cleanup:', error));
  process.exit(code);
}
process.once('SIGINT', () => void stopAll(130));

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // fields 14 and 15 of stat(5)
}
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

// ---------------------------------------------------------------- the graph
if (!skipBuild) execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/build.ts')], { cwd: root, stdio: 'inherit' });

const tag = `${process.pid}`;
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
const missionDb = `mg_bench_mission_${tag}`;
const auditDb = `mg_bench_audit_${tag}`;
const auditRole = `mg_bench_audit_app_${tag}`;
const withDatabase = (database: string, user?: string) => {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  if (user) {
    url.username = user;
    url.password = '';
  }
  return url.toString();
};
await admin.unsafe(`create database ${missionDb}`);
await admin.unsafe(`create database ${auditDb}`);
await admin.unsafe(`create role ${auditRole} login nosuperuser nocreatedb nocreaterole noinherit`);
cleanups.push(async () => {
  await admin.unsafe(`drop database if exists ${missionDb} with (force)`);
  await admin.unsafe(`drop database if exists ${auditDb} with (force)`);
  await admin.unsafe(`drop role if exists ${auditRole}`);
  await admin.end();
});

const work = mkdtempSync(path.join(tmpdir(), 'mission-graph-bench-'));
cleanups.push(() => rmSync(work, { recursive: true, force: true }));
const internal = await newKeyPair(`bench-internal-${tag}`);
const callerKey = (await newKeyPair(`bench-idp-${tag}`)).pair;
const auditSigningKey = execFileSync(process.execPath, ['--import', 'tsx', 'src/signing-key-cli.ts'], { cwd: path.join(root, 'subgraphs/audit'), encoding: 'utf8' })
  .split('\n')
  .find((line) => line.startsWith('AUDIT_SIGNING_KEY='))!
  .replace(/^AUDIT_SIGNING_KEY='(.*)'$/, '$1');

// The identity provider's key set, as the gateway fetches it in production.
const jwks: Server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ keys: [callerKey.publicJwk] }));
});
await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
cleanups.push(() => new Promise((resolve) => jwks.close(resolve)));

// Rate limits stay on, with a principal budget this load cannot reach (the bench measures
// the limiter's cost, not its refusals).
const clientsPath = path.join(work, 'clients.json');
writeFileSync(clientsPath, JSON.stringify({ principalRateLimit: { quota: 1_000_000, windowSeconds: 1 }, clients: [] }));

const subgraphUrls: Record<string, string> = {};
const subgraphEnv: Record<string, string> = {};
const subgraphProcesses: Record<string, ChildProcess> = {};
for (const { name } of SUBGRAPHS) {
  const port = await freePort();
  subgraphUrls[name] = `http://127.0.0.1:${port}/graphql`;
  subgraphEnv[`SUBGRAPH_URL_${name.toUpperCase().replaceAll('-', '_')}`] = subgraphUrls[name]!;
  const env: Record<string, string> = {
    PORT: String(port),
    DATA_DIR: work,
    INTERNAL_TOKEN_PUBLIC_KEY: JSON.stringify(internal.pair.publicJwk),
    DATABASE_URL: withDatabase(missionDb),
    SEED: 'true',
  };
  if (name === 'audit') {
    Object.assign(env, {
      DATABASE_URL: withDatabase(auditDb, auditRole),
      DATABASE_MIGRATION_URL: withDatabase(auditDb),
      AUDIT_SIGNING_KEY: auditSigningKey,
      AUDIT_CHECKPOINT_FILE: path.join(work, 'audit-checkpoints.jsonl'),
    });
  }
  if (name === 'specialist-chambers') {
    // Production demands the witness keys (data at rest, assignment MACs); fresh ones per run.
    Object.assign(env, { WITNESS_DATA_KEY: randomBytes(32).toString('base64'), WITNESS_ASSIGNMENT_KEY: randomBytes(32).toString('base64') });
  }
  subgraphProcesses[name] = run(name, 'dist/main.js', path.join(root, 'subgraphs', name), env);
}
await Promise.all(Object.values(subgraphUrls).map((url) => untilAnswering(new URL('/health/ready', url).toString())));

const gatewayEnv = { ...subgraphEnv, INTERNAL_TOKEN_PRIVATE_KEY: JSON.stringify(internal.privateJwk), SUPERGRAPH_PATH: path.join(root, 'schema/supergraph.graphql') };
interface Gateway {
  name: string;
  url: string;
  process: ChildProcess;
}
async function startGateway(name: string, script: string, cwd: string, env: Record<string, string>, pathname = '/graphql'): Promise<Gateway> {
  const port = await freePort();
  const child = run(name, script, cwd, { ...gatewayEnv, ...env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}${pathname}`;
  await untilAnswering(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
  return { name, url, process: child };
}
const ours = await startGateway('ours', 'dist/main.js', path.join(root, 'gateway'), {
  DATA_DIR: work,
  AUTH_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
  AUTH_ISSUER: ISSUER,
  AUTH_AUDIENCE: AUDIENCE,
  CLIENTS_PATH: clientsPath,
});
const hive = await startGateway('hive', 'scripts/bench/peer-hive.mjs', root, {});
// @apollo/gateway refuses a supergraph with the security features (@requiresScopes & co.):
// it gets the copy our gateway plans with (the rules enforced before planning are ours alone).
const plainSupergraph = path.join(work, 'supergraph-without-security.graphql');
writeFileSync(plainSupergraph, withoutSecurityFeatures(readFileSync(gatewayEnv.SUPERGRAPH_PATH, 'utf8')));
const apollo = await startGateway('apollo', 'scripts/bench/peer-apollo.mjs', root, { SUPERGRAPH_PATH: plainSupergraph });
const gateways = [ours, hive, apollo];

// ---------------------------------------------------------------- workloads
const token = (scopes: string[], subject: string) =>
  signCallerToken(callerKey, scopes, { issuer: ISSUER, audience: AUDIENCE, subject, ttl: 6 * 3600 });
const analyst = await token([...ALL_SCOPES], 'analyst-bench');
const frontend = await token(['forensics:read', 'police-cooperation:read'], 'frontend-user-bench');

interface BenchRequest {
  body: string;
  headers: Record<string, string>;
}
const as = (caller: string, query: string, purpose = false): BenchRequest => ({
  body: JSON.stringify({ query }),
  headers: { 'content-type': 'application/json', authorization: `Bearer ${caller}`, ...(purpose ? { 'x-access-purpose': PURPOSE } : {}) },
});
const W1 = '{ missingPersons(first: 20) { edges { node { caseNumber status municipality } } } }';
const W2 = '{ informationExchangeRequests(first: 20) { edges { node { reference channel relatedMissingPerson { caseNumber status } } } } }';
const W3 =
  '{ missionReport(from: "2018-06-01", to: "2025-06-14") { forensics { fieldOperations individualsIdentified } operations { patrols exercises } policeCooperation { europolRequests interpolRequests } } }';
const W4 = '{ missingPersons(first: 20) { edges { node { caseNumber status municipality fullName } } } }';
const allWorkloads: { name: string; label: string; requests: BenchRequest[] }[] = [
  { name: 'W1', label: 'forensics list', requests: [as(analyst, W1)] },
  { name: 'W2', label: 'two-subgraph hop', requests: [as(analyst, W2)] },
  { name: 'W3', label: 'missionReport (3 subgraphs)', requests: [as(analyst, W3)] },
  { name: 'W4', label: 'W1 + personal field, audited', requests: [as(analyst, W4, true)] },
  {
    name: 'W5',
    label: 'mixed analyst/frontend',
    // Frontend users page lists and follow hops; analysts read reports and personal data.
    requests: [as(frontend, W1), as(frontend, W2), as(analyst, W3), as(frontend, W1), as(analyst, W4, true), as(frontend, W2)],
  },
];

// W1 always runs: the other ratios are read against it.
const chosen = new Set(['W1', ...(process.env.BENCH_WORKLOADS ?? 'W1,W2,W3,W4,W5').split(',').map((name) => name.trim().toUpperCase())]);
const workloads = allWorkloads.filter((workload) => chosen.has(workload.name));

// Equal answers before any timing.
for (const workload of workloads) {
  for (const request of workload.requests) {
    const answers = await Promise.all(
      gateways.map(async (gateway) => {
        const response = await fetch(gateway.url, { method: 'POST', headers: request.headers, body: request.body });
        const json = (await response.json()) as { data?: unknown; errors?: unknown };
        if (response.status !== 200 || json.errors) throw new Error(`${workload.name} on ${gateway.name}: ${response.status} ${JSON.stringify(json).slice(0, 500)}`);
        return JSON.stringify(json.data);
      }),
    );
    if (new Set(answers).size !== 1) throw new Error(`${workload.name}: the gateways answer differently:\n${answers.map((a) => a.slice(0, 300)).join('\n')}`);
  }
}
console.log('answers equal across gateways for every workload request');

// ---------------------------------------------------------------- load
const loader = spawn(process.execPath, [path.join(root, 'scripts/bench/load.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
children.push(loader);
const loaderLines: Interface = createInterface({ input: loader.stdout! });
const pending: ((line: string) => void)[] = [];
loaderLines.on('line', (line) => pending.shift()?.(line));

interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}
function load(url: string, requests: BenchRequest[], seconds: number, connections = CONNECTIONS): Promise<LoadResult> {
  return new Promise((resolve) => {
    pending.push((line) => resolve(JSON.parse(line) as LoadResult));
    loader.stdin!.write(`${JSON.stringify({ url, duration: seconds, connections, requests })}\n`);
  });
}

interface Measured {
  requests: number;
  seconds: number;
  cpu: number;
  /** CPU time of the audit service during the rounds (only ours appends to it). */
  auditCpu: number;
  p50: number[];
  p99: number[];
  failed: number;
}
const measured = new Map<string, Measured>(); // `${workload}/${gateway}`
async function round(gateway: Gateway, workload: { name: string; requests: BenchRequest[] }): Promise<void> {
  const pid = gateway.process.pid!;
  const auditPid = subgraphProcesses.audit!.pid!;
  const cpuBefore = cpuSeconds(pid);
  const auditBefore = cpuSeconds(auditPid);
  const result = await load(gateway.url, workload.requests, ROUND_SECONDS);
  const cpu = cpuSeconds(pid) - cpuBefore;
  const auditCpu = cpuSeconds(auditPid) - auditBefore;
  const key = `${workload.name}/${gateway.name}`;
  const entry = measured.get(key) ?? { requests: 0, seconds: 0, cpu: 0, auditCpu: 0, p50: [], p99: [], failed: 0 };
  entry.requests += result.requests;
  entry.seconds += result.seconds;
  entry.cpu += cpu;
  entry.auditCpu += auditCpu;
  entry.p50.push(result.p50);
  entry.p99.push(result.p99);
  entry.failed += result.non2xx + result.errors;
  measured.set(key, entry);
}

// The forensics subgraph alone, for W1: what any gateway adds on top of it, in the same
// interleaved rounds. Its token is bound to the one body and lives a minute, so each
// round gets a fresh one.
const direct: Gateway = { name: 'direct', url: subgraphUrls.forensics!, process: subgraphProcesses.forensics! };
const directRequests = async (): Promise<BenchRequest[]> => {
  const body = JSON.stringify({ query: W1 });
  const internalToken = await signInternalToken(internal.pair, 'forensics', { authenticated: true, subject: 'bench', scopes: new Set(ALL_SCOPES) }, { body });
  return [{ body, headers: { 'content-type': 'application/json', authorization: `Bearer ${internalToken}` } }];
};

const started = new Date();
const loadBefore = loadavg()[0]!;
console.log(`\n${CYCLES} cycle(s) of ours, hive, apollo, apollo, hive, ours (W1: and the subgraph directly); ${ROUND_SECONDS} s rounds, ${CONNECTIONS} connections\n`);
for (const workload of workloads) {
  const targets = workload.name === 'W1' ? [...gateways, direct] : gateways;
  const requestsFor = async (target: Gateway) => (target === direct ? directRequests() : workload.requests);
  for (const target of targets) await load(target.url, await requestsFor(target), 1, 2); // warm-up: plans, JIT, pools
  for (let cycle = 0; cycle < CYCLES; cycle += 1) {
    for (const target of [...targets, ...[...targets].reverse()]) await round(target, { name: workload.name, requests: await requestsFor(target) });
  }
  const line = targets.map((target) => {
    const m = measured.get(`${workload.name}/${target.name}`)!;
    return `${target.name} ${(m.requests / m.seconds).toFixed(0)} req/s`;
  });
  console.log(`${workload.name} ${workload.label}: ${line.join(', ')}`);
}

const loadAfter = loadavg()[0]!;
const rss = Object.fromEntries(gateways.map((gateway) => [gateway.name, rssMiB(gateway.process.pid!)]));

// ---------------------------------------------------------------- report
const stat = (workload: string, gateway: string) => {
  const m = measured.get(`${workload}/${gateway}`)!;
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { rps: m.requests / m.seconds, p50: median(m.p50), p99: median(m.p99), cpuMs: (m.cpu / m.requests) * 1000, auditCpuMs: (m.auditCpu / m.requests) * 1000, failed: m.failed };
};
const rows: string[] = [];
rows.push('| workload | gateway | req/s | p50 ms | p99 ms | gateway CPU ms/request | failed |');
rows.push('|---|---|---:|---:|---:|---:|---:|');
for (const workload of workloads) {
  for (const gateway of gateways) {
    const s = stat(workload.name, gateway.name);
    rows.push(`| ${workload.name} ${workload.label} | ${gateway.name} | ${s.rps.toFixed(0)} | ${s.p50} | ${s.p99} | ${s.cpuMs.toFixed(2)} | ${s.failed} |`);
  }
}
const d = stat('W1', 'direct');
rows.push(`| W1 forensics list | forensics subgraph directly | ${d.rps.toFixed(0)} | ${d.p50} | ${d.p99} | ${d.cpuMs.toFixed(2)} (subgraph) | ${d.failed} |`);

const ratios: string[] = [];
ratios.push('| workload | ours ÷ Hive | ours ÷ plain Apollo | ours ÷ direct subgraph |');
ratios.push('|---|---:|---:|---:|');
for (const workload of workloads) {
  const o = stat(workload.name, 'ours').rps;
  const direct = workload.name === 'W1' ? (o / d.rps).toFixed(2) : '';
  ratios.push(`| ${workload.name} ${workload.label} | ${(o / stat(workload.name, 'hive').rps).toFixed(2)} | ${(o / stat(workload.name, 'apollo').rps).toFixed(2)} | ${direct} |`);
}
const auditedRatio = chosen.has('W4') ? (stat('W4', 'ours').rps / stat('W1', 'ours').rps).toFixed(2) : 'not run';
const memory = `RSS after the run: ours ${rss.ours!.toFixed(0)} MiB, Hive ${rss.hive!.toFixed(0)} MiB, plain Apollo ${rss.apollo!.toFixed(0)} MiB (ours ÷ Apollo ${(rss.ours! / rss.apollo!).toFixed(2)})`;
const failures = [...measured.values()].reduce((n, m) => n + m.failed, 0);

const machine = `${cpus().length} cores (nproc ${execFileSync('nproc', { encoding: 'utf8' }).trim()}, ${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}`;
const settings = `${CYCLES} cycle(s) of A B B A rounds per workload (ours, Hive, Apollo, Apollo, Hive, ours; for W1 the subgraph directly too), ${ROUND_SECONDS} s per round, ${CONNECTIONS} connections, autocannon in its own process`;
const report = [
  `Run ${started.toISOString()} on ${machine}.`,
  `${settings}; subgraphs compiled, production mode, on local PostgreSQL. Load average (1 min) ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end.`,
  '',
  ...rows,
  '',
  ...ratios,
  '',
  `Audited ÷ unaudited (ours, W4 ÷ W1): ${auditedRatio}${chosen.has('W4') ? ` (audit service CPU ${stat('W4', 'ours').auditCpuMs.toFixed(2)} ms per W4 request)` : ''}`,
  '',
  memory,
  ...(failures > 0 ? ['', `WARNING: ${failures} requests failed (non-2xx or errors) during timing.`] : []),
].join('\n');
console.log(`\n${report}\n`);

if (write) {
  if (chosen.size < allWorkloads.length) throw new Error('--write needs every workload (BENCH_WORKLOADS unset)');
  const file = path.join(root, 'docs/benchmarks.md');
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('<!-- bench:start -->');
  const end = text.indexOf('<!-- bench:end -->');
  if (start < 0 || end < 0) throw new Error('docs/benchmarks.md has no <!-- bench:start --> … <!-- bench:end --> block');
  writeFileSync(file, `${text.slice(0, start)}<!-- bench:start -->\n${report}\n${text.slice(end)}`);
  console.log('written to docs/benchmarks.md');
}
await stopAll(failures > 0 ? 1 : 0);
