/**
 * The compose PostgreSQL's first-start script (deploy/postgres/init-databases.sh), run for
 * real against PostgreSQL with names of its own (roles are cluster-wide: random, dropped
 * afterwards), and then used as production uses it: the audit service migrates as the
 * owner and runs as the restricted role — which it checks and accepts in production mode
 * — and `audit-verify` reads the trail as the auditor, trusting only the public key and
 * the checkpoint file. What each role cannot do is tried too: the service's role cannot
 * edit, delete or disable the triggers; the auditor cannot write; neither can create
 * anything in the audit database. Runs only with TEST_DATABASE_URL.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService as createAudit, type AuditServiceInstance } from '@mission-graph/audit';
import type { AuditEventInput } from '@mission-graph/service-kit';
import { createTestInternalAuth } from '@mission-graph/service-kit/testing';
import { newSigningKey } from '../../subgraphs/audit/src/checkpoints/signing-key.js';
import { fileCheckpointSink } from '../../subgraphs/audit/src/checkpoints/sink.js';

const serverUrl = process.env.TEST_DATABASE_URL;

/** A disclosure as the gateway reports it. */
const disclosure = (principal: string): AuditEventInput => ({
  kind: 'DISCLOSURE',
  principal,
  clientId: null,
  operationName: 'Cards',
  documentHash: 'c'.repeat(64),
  purpose: 'CASE-7: family tracing',
  breakGlassJustification: null,
  fieldCoordinates: ['MissingPerson.fullName'],
  entities: [{ type: 'MissingPerson', id: '5dc999bd-b32b-58ca-adb5-e74215256f4a' }],
  requestId: null,
});
const root = fileURLToPath(new URL('../..', import.meta.url));

describe.skipIf(!serverUrl)('the compose PostgreSQL init script, and the audit roles it makes', () => {
  const prefix = `mg_init_${randomBytes(5).toString('hex')}`;
  const names = {
    MISSION_DATABASE: `${prefix}_mission`,
    MISSION_ROLE: `${prefix}_mission_app`,
    AUDIT_DATABASE: `${prefix}_audit`,
    AUDIT_OWNER_ROLE: `${prefix}_audit_owner`,
    AUDIT_ROLE: `${prefix}_audit_app`,
    AUDITOR_ROLE: `${prefix}_audit_auditor`,
  };
  const { privateJwk: _private, key: signingKey } = newSigningKey();
  let dir: string;
  let checkpointFile: string;
  let admin: postgres.Sql;
  let service: AuditServiceInstance | undefined;
  let initRun: ReturnType<typeof spawnSync> | undefined;

  /** The URL of `role` on the audit database (the test server trusts local connections; the password is there as in production). */
  const urlOf = (role: string, database = names.AUDIT_DATABASE) => {
    const url = new URL(serverUrl!);
    url.username = role;
    url.password = `${role}-password`;
    url.pathname = `/${database}`;
    return url.toString();
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mission-graph-pg-init-'));
    checkpointFile = path.join(dir, 'checkpoints', 'audit-checkpoints.jsonl');
    admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    const passwordFile = (role: string) => {
      const file = path.join(dir, role);
      writeFileSync(file, `${role}-password\n`);
      return file;
    };
    const server = new URL(serverUrl!);
    initRun = spawnSync('bash', [path.join(root, 'deploy/postgres/init-databases.sh')], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        // What the postgres image gives its init scripts: psql reaches the server as POSTGRES_USER.
        PGHOST: server.hostname,
        PGPORT: server.port || '5432',
        POSTGRES_USER: decodeURIComponent(server.username) || 'postgres',
        ...names,
        MISSION_APP_PASSWORD_FILE: passwordFile(names.MISSION_ROLE),
        AUDIT_OWNER_PASSWORD_FILE: passwordFile(names.AUDIT_OWNER_ROLE),
        AUDIT_APP_PASSWORD_FILE: passwordFile(names.AUDIT_ROLE),
        AUDIT_AUDITOR_PASSWORD_FILE: passwordFile(names.AUDITOR_ROLE),
      },
    });
    if (initRun.status !== 0) return;
    const auth = await createTestInternalAuth();
    service = await createAudit({
      databaseUrl: urlOf(names.AUDIT_ROLE),
      migrationDatabaseUrl: urlOf(names.AUDIT_OWNER_ROLE),
      // What production does: a runtime role that could rewrite history stops the service.
      requireLeastPrivilege: true,
      internalTokenKey: auth.keyPair.publicKey,
      signingKey,
      checkpointSink: fileCheckpointSink(checkpointFile),
      checkpointEveryEvents: 4,
      checkpointEverySeconds: 0,
    });
    for (let n = 1; n <= 10; n += 1) {
      await service.runtime.trail.record([disclosure(`analyst-${n}`)]);
      await service.runtime.trail.checkpointer.settled();
    }
  });

  afterAll(async () => {
    await service?.http.stop();
    await admin.unsafe(`drop database if exists "${names.MISSION_DATABASE}" with (force)`);
    await admin.unsafe(`drop database if exists "${names.AUDIT_DATABASE}" with (force)`);
    for (const role of [names.MISSION_ROLE, names.AUDIT_OWNER_ROLE, names.AUDIT_ROLE, names.AUDITOR_ROLE]) {
      await admin.unsafe(`drop role if exists "${role}"`);
    }
    await admin?.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs cleanly (bash -n, then psql with ON_ERROR_STOP)', () => {
    expect(execFileSync('bash', ['-n', path.join(root, 'deploy/postgres/init-databases.sh')], { encoding: 'utf8' })).toBe('');
    expect(initRun?.stderr).toBe('');
    expect(initRun?.status).toBe(0);
  });

  it('makes the owner own the audit database, and neither the runtime role nor the auditor own or may do more than log in', async () => {
    const roles = await admin<{ rolname: string; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }[]>`
      select rolname, rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname like ${`${prefix}%`} order by rolname`;
    expect(roles.every((role) => !role.rolsuper && !role.rolcreatedb && !role.rolcreaterole)).toBe(true);
    const [owners] = await admin<{ audit: string; mission: string }[]>`
      select (select pg_get_userbyid(datdba) from pg_database where datname = ${names.AUDIT_DATABASE}) as audit,
             (select pg_get_userbyid(datdba) from pg_database where datname = ${names.MISSION_DATABASE}) as mission`;
    expect(owners).toEqual({ audit: names.AUDIT_OWNER_ROLE, mission: names.MISSION_ROLE });
  });

  it('lets the audit service start in production mode: migrated as the owner, running as a role that may only append and read', async () => {
    expect(service).toBeDefined();
    const asService = postgres(urlOf(names.AUDIT_ROLE), { max: 1, onnotice: () => {} });
    try {
      await expect(asService`update audit.audit_events set principal = 'someone else'`).rejects.toThrow(/permission denied/);
      await expect(asService`delete from audit.audit_events`).rejects.toThrow(/permission denied/);
      await expect(asService`truncate audit.audit_events`).rejects.toThrow(/permission denied/);
      await expect(asService`alter table audit.audit_events disable trigger user`).rejects.toThrow(/must be owner/);
      await expect(asService`create table audit.shadow (id int)`).rejects.toThrow(/permission denied/);
      await expect(asService`create table public.shadow (id int)`).rejects.toThrow(/permission denied/);
    } finally {
      await asService.end();
    }
  });

  it('lets the auditor read the trail and nothing else', async () => {
    const asAuditor = postgres(urlOf(names.AUDITOR_ROLE), { max: 1, onnotice: () => {} });
    try {
      const [row] = await asAuditor<{ n: number }[]>`select count(*)::int as n from audit.audit_events`;
      expect(row!.n).toBe(10);
      await expect(asAuditor`insert into audit.audit_checkpoints select * from audit.audit_checkpoints limit 0`).rejects.toThrow(/permission denied/);
      await expect(asAuditor`create table public.shadow (id int)`).rejects.toThrow(/permission denied/);
    } finally {
      await asAuditor.end();
    }
    // Nor can the pillars' role reach the audit database at all.
    const asPillars = postgres(urlOf(names.MISSION_ROLE), { max: 1, onnotice: () => {} });
    try {
      await expect(asPillars`select 1`).rejects.toThrow(/permission denied for database/);
    } finally {
      await asPillars.end();
    }
  });

  it('lets `audit-verify` (production mode, as the auditor, with the public key and the checkpoint file only) find the trail intact', async () => {
    await service!.http.stop(); // a clean stop signs a last checkpoint
    service = undefined;
    const verify = spawnSync(process.execPath, ['--import', 'tsx', 'subgraphs/audit/src/verify-cli.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        DATABASE_URL: urlOf(names.AUDITOR_ROLE),
        AUDIT_CHECKPOINT_FILE: checkpointFile,
        AUDIT_VERIFY_KEYS: JSON.stringify([signingKey.verifyKey.publicJwk]),
      },
    });
    expect(verify.stderr).toBe('');
    expect(verify.stdout).toContain('audit trail: 10 events (last #10); 3 checkpoints in the table, 3 in the external sink');
    expect(verify.stdout).toContain('INTACT');
    expect(verify.status).toBe(0);
  });
});
