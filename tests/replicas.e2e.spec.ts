/**
 * Replicas sharing one PostgreSQL, as `pnpm start:cluster`, compose and Kubernetes
 * run them: two replicas of every subgraph started at the same moment (migrations
 * and seeding must not race), behind round-robin proxies, and two gateways. The
 * audit trail must stay one valid hash chain while both gateways append through
 * both audit replicas at once, and an idempotency key must hold across replicas.
 * PostgreSQL only (TEST_DATABASE_URL): embedded PGlite has one user at a time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { createService as createAudit } from '@mission-graph/audit';
import { createService as createForensics } from '@mission-graph/forensics';
import { createGateway } from '@mission-graph/gateway';
import { httpAuditSink } from '@mission-graph/gateway/audit';
import { createCallerVerifier } from '@mission-graph/gateway/authentication';
import { loadClientRegistry } from '@mission-graph/gateway/front-doors';
import { createService as createOperations } from '@mission-graph/operations';
import { createService as createPoliceCooperation } from '@mission-graph/police-cooperation';
import { AUDIT_APPEND_PATH, newKeyPair, type HttpService, type KeyPair, type SubgraphFactory, type SubgraphInstance } from '@mission-graph/service-kit';
import { createTestDatabase, type TestDatabase } from '@mission-graph/service-kit/testing';
import { createService as createSpecialistChambers } from '@mission-graph/specialist-chambers';
import { startRoundRobinProxy, type RoundRobinProxy } from '../scripts/cluster/round-robin-proxy.js';
import { SUPERGRAPH_PATH } from '../scripts/supergraph.js';
import { fileCheckpointSink } from '../subgraphs/audit/src/checkpoints/sink.js';
import { newSigningKey } from '../subgraphs/audit/src/checkpoints/signing-key.js';
import { CLIENTS_PATH, postGraphQL, signCallerToken, TEST_AUDIENCE, TEST_ISSUER } from './testkit/graph.js';

const root = fileURLToPath(new URL('..', import.meta.url));
// Audit replicas share one signing key and one external checkpoint sink, as docs/audit.md
// asks of a replicated audit service; audit:verify is then given that sink and the public key.
const auditSigning = newSigningKey();
const auditScratch = mkdtempSync(path.join(tmpdir(), 'mission-graph-replicas-'));
const checkpointFilePath = path.join(auditScratch, 'audit-checkpoints.jsonl');
const factories: Record<string, SubgraphFactory> = {
  operations: createOperations,
  'police-cooperation': createPoliceCooperation,
  forensics: createForensics,
  'specialist-chambers': createSpecialistChambers,
  audit: (options) =>
    createAudit({ ...options, signingKey: auditSigning.key, checkpointSink: fileCheckpointSink(checkpointFilePath) }),
};
/** Subgraphs with synthetic data (the audit trail starts empty). */
const SEEDED = new Set(['operations', 'police-cooperation', 'forensics', 'specialist-chambers']);
const PG_SCHEMAS: Record<string, string> = {
  operations: 'operations',
  'police-cooperation': 'police_cooperation',
  forensics: 'forensics',
  'specialist-chambers': 'specialist_chambers',
  audit: 'audit',
};
const PURPOSE = 'CASE-2026-031: replica consistency review';

describe.skipIf(!process.env.TEST_DATABASE_URL)('replicas on one PostgreSQL (skipped without TEST_DATABASE_URL)', () => {
  let database: TestDatabase;
  let callerKey: KeyPair;
  const replicas: SubgraphInstance[] = [];
  const proxies: Record<string, RoundRobinProxy> = {};
  const gateways: { http: HttpService; url: string }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    callerKey = (await newKeyPair('replica-idp')).pair;
    const internalKey = (await newKeyPair('replica-internal')).pair;
    // Ten replicas opening, migrating and seeding the same empty database at once.
    const started = await Promise.all(
      Object.entries(factories).flatMap(([name, create]) =>
        [1, 2].map(async () => {
          const instance = await create({ databaseUrl: database.url, seed: true, development: false, internalTokenKey: internalKey.publicKey });
          replicas.push(instance);
          return { name, url: (await instance.http.listen(0)).url };
        }),
      ),
    );
    for (const name of Object.keys(factories)) {
      proxies[name] = await startRoundRobinProxy(started.filter((replica) => replica.name === name).map((replica) => new URL(replica.url).origin));
    }
    for (let i = 0; i < 2; i += 1) {
      const http = createGateway({
        supergraphPath: SUPERGRAPH_PATH,
        subgraphUrls: Object.fromEntries(Object.entries(proxies).map(([name, proxy]) => [name, `${proxy.url}/graphql`])),
        development: false,
        verifyCaller: createCallerVerifier({ publicJwks: [callerKey.publicJwk], issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
        internalTokenKey: internalKey,
        unauthorizedMode: 'filter',
        auditSink: httpAuditSink(`${proxies.audit!.url}${AUDIT_APPEND_PATH}`, internalKey),
        clients: loadClientRegistry(CLIENTS_PATH),
      });
      gateways.push({ http, url: (await http.listen(0)).url });
    }
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.http.stop()));
    await Promise.all(replicas.map((replica) => replica.http.stop()));
    await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
    await database?.drop();
    rmSync(auditScratch, { recursive: true, force: true });
  });

  const ask = async (gateway: number, scopes: string[], query: string, variables?: Record<string, unknown>) =>
    postGraphQL<Record<string, unknown>>(
      gateways[gateway]!.url,
      { query, variables },
      { authorization: `Bearer ${await signCallerToken(callerKey, scopes, { subject: "replica-client" })}`, 'x-access-purpose': PURPOSE },
    );

  it('all ten replicas started together; each migration ran once and each subgraph was seeded once', async () => {
    expect(replicas).toHaveLength(10);
    const sql = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      for (const [name, schema] of Object.entries(PG_SCHEMAS)) {
        const journal = JSON.parse(readFileSync(`${root}/subgraphs/${name}/drizzle/meta/_journal.json`, 'utf8')) as { entries: unknown[] };
        const [applied] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(schema)}.__drizzle_migrations`;
        expect(applied?.n, `${name} migrations`).toBe(journal.entries.length);
        if (!SEEDED.has(name)) continue;
        const [marker] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(schema)}.seed_marker`;
        expect(marker?.n, `${name} seed marker`).toBe(1);
      }
    } finally {
      await sql.end();
    }
    // Seeded once: the published totals are exact, through either gateway.
    for (const gateway of [0, 1]) {
      const { data } = await ask(
        gateway,
        ['statistics:read'],
        '{ missionReport(from: "2018-06-01", to: "2025-06-14") { policeCooperation { europolRequests serbianMoiRequests interpolRequests } } }',
      );
      expect(data).toEqual({ missionReport: { policeCooperation: { europolRequests: 1871, serbianMoiRequests: 3653, interpolRequests: 14645 } } });
    }
  });

  it('two gateways disclosing personal data at once through two audit replicas keep one valid hash chain', async () => {
    const sql = postgres(database.url!, { max: 1, onnotice: () => {} });
    const [before] = await sql<{ n: number }[]>`select count(*)::int as n from audit.audit_events`;
    const appendsBefore = proxies.audit!.counts();
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        ask(i % 2, ['forensics:read', 'forensics:personal'], `query Disclose${i} { missingPersons(first: 2) { edges { node { id fullName } } } }`),
      ),
    );
    for (const response of responses) {
      expect(response.errors).toBeUndefined();
      expect(response.status).toBe(200);
    }
    const [after] = await sql<{ n: number }[]>`select count(*)::int as n from audit.audit_events`;
    await sql.end();
    expect(after!.n - before!.n).toBe(40);
    // Both audit replicas took appends.
    const appendsAfter = proxies.audit!.counts();
    expect(appendsAfter.every((count, i) => count > appendsBefore[i]!)).toBe(true);
    const verify = spawnSync('pnpm', ['--silent', 'audit:verify'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: database.url!,
        AUDIT_CHECKPOINT_FILE: checkpointFilePath,
        AUDIT_VERIFY_KEYS: JSON.stringify(auditSigning.key.verifyKey.publicJwk),
      },
      encoding: 'utf8',
    });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(/^INTACT/m);
  });

  it('an idempotency key holds across replicas: a client retrying through both gateways at once records one request', async () => {
    const mutation = `mutation Record($input: RecordExchangeRequestInput!, $key: String) {
      recordExchangeRequest(input: $input, idempotencyKey: $key) { request { id reference } } }`;
    const input = {
      channel: 'EUROPOL',
      direction: 'RECEIVED',
      counterpart: 'Europol',
      kosovoPoliceUnit: 'International Law Enforcement Coordination Unit',
      requestDate: '2027-04-11',
      subject: 'Subject REPLICA-RETRY (synthetic)',
      handlingCode: 'H1',
      sourceReliability: 'B',
      informationAccuracy: 'KNOWN_TO_SOURCE',
    };
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        ask(i % 2, ['police-cooperation:write', 'police-cooperation:read', 'police-cooperation:subject'], mutation, {
          input,
          key: 'replica-retry-0001',
        }),
      ),
    );
    const ids = new Set(attempts.map((attempt) => (attempt.data?.recordExchangeRequest as { request: { id: string } } | undefined)?.request.id));
    expect(attempts.map((attempt) => attempt.errors)).toEqual(attempts.map(() => undefined));
    expect(ids.size).toBe(1);
    // Same key, different payload: refused, whichever replica answers.
    const conflict = await ask(1, ['police-cooperation:write', 'police-cooperation:read'], mutation, {
      input: { ...input, subject: 'Someone else (synthetic)' },
      key: 'replica-retry-0001',
    });
    expect(conflict.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const sql = postgres(database.url!, { max: 1, onnotice: () => {} });
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from police_cooperation.information_exchange_requests where request_date = '2027-04-11'`;
    await sql.end();
    expect(row?.n).toBe(1);
  });
});
