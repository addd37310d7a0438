/**
 * pnpm soak --minutes N — the cluster under a mixed workload and faults, bounded and
 * repeatable, then checks that nothing was lost or corrupted.
 *
 *  1. A throwaway PostgreSQL cluster (initdb + pg_ctl on a free port, deleted after),
 *     `pnpm build`, and the production topology of `pnpm start:cluster` in production
 *     mode on the compiled output: two gateways, two replicas of every subgraph, a
 *     local identity provider (JWKS) and fresh internal-token keys; the audit replicas
 *     run as a role that may only INSERT and SELECT the trail (migrating as the
 *     superuser), with a fresh signing key and one shared checkpoint file.
 *  2. For N minutes, 8 clients: statistics and list reads, personal reads with a
 *     declared purpose (audited), and idempotent writes retried with the same key
 *     until acknowledged. At 25 % one subgraph replica is SIGKILLed (the supervisor
 *     starts it again), at 50 % PostgreSQL restarts, at 75 % 10,000 malformed HTTP
 *     requests hit a gateway and a subgraph replica directly.
 *  3. Prints requests, errors by code, p50/p99, and verifies: every acknowledged
 *     write exists exactly once, `audit:verify` passes, no malformed request got a
 *     5xx or stopped a process, and every replica stayed under its memory bound
 *     (the Kubernetes limits: 512 MiB a subgraph, 768 MiB a gateway).
 * Exit code 0 when every check holds, 1 otherwise.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exportJWK, SignJWT } from 'jose';
import postgres from 'postgres';
import { newKeyPair } from '@mission-graph/service-kit';
import { newSigningKey } from '../subgraphs/audit/src/checkpoints/signing-key.js';
import { MALFORMED_KINDS, sendMalformed } from '../tests/testkit/malformed-http.js';
import { startCluster, type Cluster } from './cluster/cluster.js';
import { freePort } from '@mission-graph/service-kit/testing';

const root = fileURLToPath(new URL('..', import.meta.url));

let options: { minutes: number; portBase: number; malformed: number; build: boolean };
try {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '5' },
      'port-base': { type: 'string', default: '4400' },
      malformed: { type: 'string', default: '10000' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('usage: pnpm soak [--minutes N (5)] [--port-base P (4400; uses P … P+29)] [--malformed N (10000)] [--no-build]');
    process.exit(0);
  }
  options = {
    minutes: Number(values.minutes),
    portBase: Number(values['port-base']),
    malformed: Number(values.malformed),
    build: !values['no-build'],
  };
  if (!(options.minutes > 0) || !Number.isInteger(options.portBase) || !Number.isInteger(options.malformed)) throw new Error('bad number');
} catch (error) {
  console.error(`pnpm soak: ${(error as Error).message}; see --help`);
  process.exit(2);
}

const log = (message: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- a throwaway PostgreSQL, never the shared server ----

const pgDir = mkdtempSync(path.join(tmpdir(), 'mission-graph-soak-pg-'));
const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
const pg = (args: string[]) => {
  const [command, ...rest] = [...asPostgres, ...args];
  return execFileSync(command!, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
};
const pgPort = await freePort();
if (asPostgres.length > 0) chownSync(pgDir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
pg(['initdb', '-D', path.join(pgDir, 'data'), '--auth=trust', '-U', 'postgres']);
const pgStart = () =>
  pg(['pg_ctl', '-D', path.join(pgDir, 'data'), '-l', path.join(pgDir, 'log'), '-w', '-o', `-p ${pgPort} -k ${pgDir} -c max_connections=300 -c listen_addresses=127.0.0.1`, 'start']);
pgStart();
const databaseUrl = `postgres://postgres@127.0.0.1:${pgPort}/postgres`;
log(`throwaway PostgreSQL on 127.0.0.1:${pgPort} (${pgDir})`);

// ---- the audit service as production runs it: its own role, key and checkpoint file ----
const auditDir = mkdtempSync(path.join(tmpdir(), 'mission-graph-soak-audit-'));
const auditCheckpointFile = path.join(auditDir, 'audit-checkpoints.jsonl');
const auditSigning = newSigningKey();
const auditRole = 'soak_audit_app';
{
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create role ${auditRole} login nosuperuser nocreatedb nocreaterole noinherit`);
  await admin.end();
}
const auditRuntimeUrl = `postgres://${auditRole}@127.0.0.1:${pgPort}/postgres`;

let cluster: Cluster | undefined;
let idp: ReturnType<typeof createServer> | undefined;
const cleanUp = async () => {
  await cluster?.stop().catch(() => {});
  idp?.close();
  try {
    pg(['pg_ctl', '-D', path.join(pgDir, 'data'), '-m', 'fast', '-w', 'stop']);
  } catch {
    // already stopped
  }
  rmSync(pgDir, { recursive: true, force: true });
  rmSync(auditDir, { recursive: true, force: true });
};
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

try {
  if (options.build) {
    log('pnpm build');
    execFileSync('pnpm', ['--silent', 'build'], { cwd: root, stdio: 'inherit' });
  }

  // ---- identity provider and keys, as production has them ----
  const caller = (await newKeyPair('soak-idp')).pair;
  const internal = await newKeyPair('soak-internal');
  const jwks = JSON.stringify({ keys: [caller.publicJwk] });
  idp = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
  await new Promise<void>((resolve) => idp!.listen(0, '127.0.0.1', resolve));
  const issuer = 'https://idp.soak.invalid/';
  const token = (scopes: string[]) =>
    new SignJWT({ scope: scopes.join(' '), azp: 'soak-client' })
      .setProtectedHeader({ alg: 'ES256', kid: caller.kid })
      .setIssuer(issuer)
      .setAudience('mission-graph')
      .setSubject('soak-client')
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + options.minutes * 60 + 600)
      .sign(caller.privateKey);

  // The soak's machine client, registered as production registers clients (config/clients.json
  // format), with budgets above its load: the soak measures the graph, not the rate limits.
  const clientsPath = path.join(pgDir, 'clients.json');
  writeFileSync(
    clientsPath,
    JSON.stringify({
      principalRateLimit: { quota: 1_000_000, windowSeconds: 60 },
      clients: [
        { id: 'soak-client', description: 'pnpm soak workload', endpoint: 'internal', rateLimit: { quota: 1_000_000, windowSeconds: 60 }, trustedDocumentsOnly: false },
      ],
    }),
  );

  cluster = await startCluster({
    databaseUrl,
    portBase: options.portBase,
    compiled: true,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      INTERNAL_TOKEN_PUBLIC_KEY: JSON.stringify(internal.pair.publicJwk),
    },
    gatewayEnv: {
      AUTH_JWKS_URL: `http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks`,
      AUTH_ISSUER: issuer,
      AUTH_AUDIENCE: 'mission-graph',
      CLIENTS_PATH: clientsPath,
      INTERNAL_TOKEN_PRIVATE_KEY: JSON.stringify({ ...(await exportJWK(internal.pair.privateKey)), kid: internal.pair.kid }),
    },
    serviceEnv: {
      audit: {
        DATABASE_URL: auditRuntimeUrl,
        DATABASE_MIGRATION_URL: databaseUrl,
        AUDIT_SIGNING_KEY: JSON.stringify(auditSigning.privateJwk),
        AUDIT_CHECKPOINT_FILE: auditCheckpointFile,
      },
      'specialist-chambers': {
        WITNESS_DATA_KEY: randomBytes(32).toString('base64'),
        WITNESS_ASSIGNMENT_KEY: randomBytes(32).toString('base64'),
      },
    },
    onLine: (replica, line) => {
      if (/"level":"(error|fatal)"|exited/.test(line)) console.log(`  [${replica}] ${line.slice(0, 300)}`);
    },
  });
  log('cluster starting (production mode, compiled)');
  await cluster.ready();
  log(`cluster ready: ${cluster.gatewayUrl}`);

  // ---- the workload ----
  const readToken = await token(['statistics:read', 'forensics:read', 'forensics:personal', 'police-cooperation:read']);
  const writeToken = await token(['police-cooperation:write', 'police-cooperation:read']);
  const purpose = 'SOAK-1: resilience test';
  const latencies: number[] = [];
  const outcomes = new Map<string, number>();
  const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  const acknowledged = new Map<string, string>();
  let writesAttempted = 0;

  async function send(body: unknown, bearer: string): Promise<{ status: number; json?: { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] } }> {
    const started = performance.now();
    try {
      const response = await fetch(cluster!.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, 'x-access-purpose': purpose },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const json = (await response.json().catch(() => undefined)) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] } | undefined;
      latencies.push(performance.now() - started);
      const code = json?.errors?.[0]?.extensions?.code;
      count(code ? `${response.status} ${code}` : String(response.status));
      return { status: response.status, ...(json ? { json } : {}) };
    } catch (error) {
      latencies.push(performance.now() - started);
      count(`network ${(error as Error).name}`);
      return { status: 0 };
    }
  }

  const READS = [
    { query: '{ missionReport(from: "2018-06-01", to: "2025-06-14") { policeCooperation { europolRequests } forensics { exhumations } operations { patrols } } }' },
    { query: '{ informationExchangeRequests(first: 20) { totalCount edges { node { reference status } } } }' },
    { query: '{ missingPersons(first: 10) { edges { node { caseNumber status } } } }' },
  ];
  const PERSONAL = { query: 'query PersonalRead { missingPersons(first: 5) { edges { node { id caseNumber fullName } } } }' };
  const WRITE = `mutation SoakWrite($input: RecordExchangeRequestInput!, $key: String) {
    recordExchangeRequest(input: $input, idempotencyKey: $key) { request { id } } }`;

  /** One logical write: retried with the same key until acknowledged (or 40 attempts). */
  async function write(key: string): Promise<void> {
    writesAttempted += 1;
    const input = {
      channel: 'INTERPOL',
      direction: 'SENT',
      counterpart: 'Interpol NCB Vienna',
      kosovoPoliceUnit: 'International Law Enforcement Coordination Unit',
      requestDate: '2027-06-01',
      subject: `Soak subject ${key} (synthetic)`,
      handlingCode: 'H0',
      sourceReliability: 'A',
      informationAccuracy: 'NOT_IN_DOUBT',
    };
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const { status, json } = await send({ query: WRITE, variables: { input, key } }, writeToken);
      const id = (json?.data?.recordExchangeRequest as { request?: { id?: string } } | undefined)?.request?.id;
      if (status === 200 && id) {
        acknowledged.set(key, id);
        return;
      }
      await sleep(250 + attempt * 100);
    }
  }

  const deadline = Date.now() + options.minutes * 60_000;
  const startedAt = Date.now();
  let writeSerial = 0;
  const worker = async (n: number) => {
    for (let i = 0; Date.now() < deadline; i += 1) {
      const pick = (i * 7 + n) % 20;
      if (pick < 8) await send(READS[(i + n) % READS.length], readToken);
      else if (pick < 13) await send(PERSONAL, readToken);
      else await write(`soak-${process.pid}-${(writeSerial += 1).toString().padStart(6, '0')}`);
    }
  };

  const memory = new Map<string, { warm: number; peak: number }>();
  const sampleMemory = (warm: boolean) => {
    for (const replica of cluster!.replicas) {
      const rss = replica.rss();
      if (rss === 0) continue;
      const entry = memory.get(replica.name) ?? { warm: rss, peak: rss };
      if (warm) entry.warm = rss;
      entry.peak = Math.max(entry.peak, rss);
      memory.set(replica.name, entry);
    }
  };
  const sampler = setInterval(() => sampleMemory(false), 2_000);

  const faults = (async () => {
    await sleep(options.minutes * 60_000 * 0.1);
    sampleMemory(true);
    await sleep(options.minutes * 60_000 * 0.15);
    const victim = cluster!.replicas.find((replica) => replica.name === 'forensics-1')!;
    log(`SIGKILL ${victim.name} (pid ${victim.pid()})`);
    victim.kill('SIGKILL');
    await sleep(options.minutes * 60_000 * 0.25);
    log('restarting PostgreSQL (pg_ctl restart -m fast)');
    pg(['pg_ctl', '-D', path.join(pgDir, 'data'), '-m', 'fast', '-w', 'stop']);
    pgStart();
    await sleep(options.minutes * 60_000 * 0.25);
    const gateway = cluster!.replicas.find((replica) => replica.name === 'gateway-1')!;
    const subgraph = cluster!.replicas.find((replica) => replica.name === 'operations-2')!;
    const pidsBefore = [gateway.pid(), subgraph.pid()];
    log(`${options.malformed} malformed HTTP requests to ${gateway.name} and ${subgraph.name}`);
    const kinds = Object.keys(MALFORMED_KINDS);
    const statuses = new Map<string, number>();
    const queue = Array.from({ length: options.malformed }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          const target = i % 2 === 0 ? gateway : subgraph;
          const { status } = await sendMalformed(target.port, kinds[i % kinds.length]!).catch(() => ({ status: -1 }));
          const key = status === undefined ? 'no answer' : String(status);
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
        }
      }),
    );
    const stayedUp = gateway.pid() === pidsBefore[0] && subgraph.pid() === pidsBefore[1];
    return { statuses, stayedUp };
  })();

  await Promise.all(Array.from({ length: 8 }, (_, n) => worker(n)));
  const malformed = await faults;
  clearInterval(sampler);
  sampleMemory(false);
  const elapsed = (Date.now() - startedAt) / 1000;
  log('workload done; verifying');

  // ---- verification ----
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const rows = await sql<{ subject: string; id: string; n: number }[]>`
    select subject, min(id::text) as id, count(*)::int as n from police_cooperation.information_exchange_requests
    where subject like 'Soak subject %' group by subject`;
  await sql.end();
  const stored = new Map(rows.map((row) => [/^Soak subject (\S+) /.exec(row.subject)![1]!, row]));
  const duplicated = rows.filter((row) => row.n !== 1).length;
  const missing = [...acknowledged].filter(([key, id]) => stored.get(key)?.id !== id).length;
  const verify = spawnSync(process.execPath, ['--conditions=compiled', 'subgraphs/audit/dist/verify-cli.js'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      AUDIT_CHECKPOINT_FILE: auditCheckpointFile,
      AUDIT_VERIFY_KEYS: JSON.stringify([auditSigning.key.verifyKey.publicJwk]),
    },
    encoding: 'utf8',
  });
  const MiB = 1024 * 1024;
  const overBound = [...memory].filter(([name, { peak }]) => peak > (name.startsWith('gateway') ? 768 : 512) * MiB);
  const fiveHundreds = [...malformed.statuses].filter(([status]) => Number(status) >= 500).reduce((sum, [, n]) => sum + n, 0);

  const sorted = [...latencies].sort((a, b) => a - b);
  const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]?.toFixed(0);
  const restarts = cluster.replicas.filter((replica) => replica.restarts() > 0).map((replica) => `${replica.name} ×${replica.restarts()}`);
  const checks = [
    [`every acknowledged write stored exactly once (${acknowledged.size} acknowledged of ${writesAttempted})`, missing === 0 && duplicated === 0],
    [`audit:verify: ${(verify.stdout || verify.stderr).trim()}`, verify.status === 0],
    [`malformed requests: no 5xx, processes stayed up`, fiveHundreds === 0 && malformed.stayedUp],
    ['memory within bounds (512 MiB a subgraph replica, 768 MiB a gateway)', overBound.length === 0],
  ] as const;

  const summary = [
    `Soak summary — ${new Date().toISOString().slice(0, 10)}, ${options.minutes} min, 8 clients, 2 gateways + 2 replicas of each subgraph (compiled, production mode)`,
    `requests: ${latencies.length} in ${elapsed.toFixed(0)} s (${(latencies.length / elapsed).toFixed(0)}/s); p50 ${percentile(50)} ms, p99 ${percentile(99)} ms`,
    `outcomes: ${[...outcomes].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${key} ×${n}`).join(', ')}`,
    `faults: SIGKILL forensics-1 at 25 %, PostgreSQL restart at 50 %, ${options.malformed} malformed requests at 75 %; restarted by the supervisor: ${restarts.join(', ') || 'none'}`,
    `malformed answers: ${[...malformed.statuses].sort().map(([status, n]) => `${status} ×${n}`).join(', ')}`,
    `memory (RSS warm → peak): ${[...memory].map(([name, { warm, peak }]) => `${name} ${(warm / MiB).toFixed(0)}→${(peak / MiB).toFixed(0)}`).join(', ')} MiB`,
    ...checks.map(([label, ok]) => `${ok ? 'PASS' : 'FAIL'} ${label}`),
  ];
  console.log(`\n${summary.join('\n')}\n`);
  await cleanUp();
  process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
} catch (error) {
  console.error(error);
  await cleanUp();
  process.exit(1);
}
