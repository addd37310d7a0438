/**
 * The insider, on real PostgreSQL. The audit service connects as its own role, which may
 * only INSERT and SELECT the trail; a superuser — who can do anything, triggers included —
 * (a) edits an event, (b) deletes one and re-seals every hash after it, (c) deletes the
 * newest events with the checkpoint row that covered them, (d) swaps two events.
 * `pnpm audit:verify`, trusting only the public key and the external checkpoint file,
 * names each. Runs only with TEST_DATABASE_URL (roles are cluster-wide: this one gets a
 * random name and is dropped).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@mission-graph/service-kit';
import { createTestDatabase, createTestInternalAuth, type TestDatabase } from '@mission-graph/service-kit/testing';
import { newSigningKey } from '../src/checkpoints/signing-key.js';
import { fileCheckpointSink } from '../src/checkpoints/sink.js';
import { privilegeProblems } from '../src/db/runtime-role.js';
import { createService, type AuditServiceInstance } from '../src/service.js';
import { recomputeHash } from '../src/domain/audit-event.js';
import { sampleEvent } from './harness.js';

const serverUrl = process.env.TEST_DATABASE_URL;
const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe.skipIf(!serverUrl)('an insider with full rights on the audit database', () => {
  const role = `audit_runtime_${randomBytes(5).toString('hex')}`;
  const { privateJwk: _private, key: signingKey } = newSigningKey();
  let database: TestDatabase;
  let runtimeUrl: string;
  let dir: string;
  let checkpointFile: string;
  let service: AuditServiceInstance;
  let superuser: postgres.Sql;
  let runtime: postgres.Sql;
  const ids = new Map<number, string>();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'audit-insider-'));
    checkpointFile = path.join(dir, 'checkpoints.jsonl');
    database = await createTestDatabase(serverUrl);
    superuser = postgres(database.url!, { max: 1, onnotice: () => {} });
    // A role that can only log in: no superuser, owns nothing. The service is given it as DATABASE_URL.
    await superuser.unsafe(`create role "${role}" login nosuperuser nocreatedb nocreaterole`);
    const url = new URL(database.url!);
    url.username = role;
    runtimeUrl = url.toString();
    runtime = postgres(runtimeUrl, { max: 1, onnotice: () => {} });
    const auth = await createTestInternalAuth();
    service = await createService({
      databaseUrl: runtimeUrl,
      migrationDatabaseUrl: database.url,
      requireLeastPrivilege: true,
      internalTokenKey: auth.keyPair.publicKey,
      signingKey,
      checkpointSink: fileCheckpointSink(checkpointFile),
      checkpointEveryEvents: 5,
      checkpointEverySeconds: 0,
    });
    // 23 events, one request at a time: checkpoints #1–#4 at events 5, 10, 15, 20 as they go…
    for (let n = 1; n <= 23; n += 1) {
      const [receipt] = await service.runtime.trail.record([sampleEvent({ principal: `analyst-${n}` })]);
      ids.set(n, (receipt as { id: string }).id);
      await service.runtime.trail.checkpointer.settled();
    }
    // …and whatever is left is anchored when it is asked for (every T seconds, and at stop).
    await service.runtime.trail.checkpointer.checkpoint();
    await superuser`create schema insider_backup`;
    await superuser`create table insider_backup.events as select * from audit.audit_events`;
    await superuser`create table insider_backup.checkpoints as select * from audit.audit_checkpoints`;
  });

  afterAll(async () => {
    await service?.http.stop();
    await runtime?.end();
    await superuser?.end();
    await database?.drop();
    // The role's rights lived in the dropped database; the role itself is cluster-wide.
    const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop role if exists "${role}"`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  /** As the superuser, with the trail's triggers off, inside one transaction. */
  const tamper = (work: (sql: postgres.TransactionSql) => Promise<unknown>) =>
    superuser.begin(async (sql) => {
      await sql`alter table audit.audit_events disable trigger user`;
      await sql`alter table audit.audit_checkpoints disable trigger user`;
      await work(sql);
      await sql`alter table audit.audit_events enable trigger user`;
      await sql`alter table audit.audit_checkpoints enable trigger user`;
    });

  const restore = () =>
    tamper(async (sql) => {
      await sql`delete from audit.audit_events`;
      await sql`insert into audit.audit_events select * from insider_backup.events`;
      await sql`delete from audit.audit_checkpoints`;
      await sql`insert into audit.audit_checkpoints select * from insider_backup.checkpoints`;
    });

  const verifyCli = () => {
    const run = spawnSync('pnpm', ['--silent', 'run', 'verify'], {
      cwd: packageDir,
      encoding: 'utf8',
      env: {
        ...process.env,
        // The auditor reads with any role that may SELECT; here the service's own.
        DATABASE_URL: runtimeUrl,
        DATA_DIR: dir,
        AUDIT_CHECKPOINT_FILE: checkpointFile,
        AUDIT_VERIFY_KEYS: JSON.stringify([signingKey.verifyKey.publicJwk]),
        AUDIT_SIGNING_KEY: '',
      },
    });
    return { status: run.status, out: `${run.stdout}${run.stderr}` };
  };

  it('the service runs as a role that may only INSERT and SELECT the trail', async () => {
    expect(await privilegeProblems(service.database)).toEqual([]);
    const refusals: [string, string, RegExp][] = [
      ['update an event', 'update audit.audit_events set purpose = null', /permission denied/],
      ['delete an event', 'delete from audit.audit_events where sequence = 1', /permission denied/],
      ['truncate the trail', 'truncate audit.audit_events', /permission denied/],
      ['disable its triggers', 'alter table audit.audit_events disable trigger user', /must be owner/],
      ['disable one trigger', 'alter table audit.audit_events disable trigger audit_events_no_update_or_delete', /must be owner/],
      ['drop a trigger', 'drop trigger audit_events_no_update_or_delete on audit.audit_events', /must be owner/],
      ['replace the trigger function', `create or replace function audit.refuse_audit_change() returns trigger language plpgsql as $$ begin return old; end $$`, /must be owner|permission denied/],
      ['switch triggers off for its session', 'set session_replication_role = replica', /permission denied/],
      ['take over the table', `alter table audit.audit_events owner to "${role}"`, /must be owner/],
      ['delete a checkpoint', 'delete from audit.audit_checkpoints', /permission denied/],
      ['disable the checkpoints\' triggers', 'alter table audit.audit_checkpoints disable trigger user', /must be owner/],
    ];
    for (const [what, statement, refused] of refusals) {
      await expect(runtime.unsafe(statement), what).rejects.toThrow(refused);
    }
    const [row] = await runtime<{ n: number }[]>`select count(*)::int as n from audit.audit_events`;
    expect(row?.n).toBe(23);
  });

  it('a service connected as the owner or a superuser refuses to start in production', async () => {
    const auth = await createTestInternalAuth();
    const start = createService({ databaseUrl: database.url, requireLeastPrivilege: true, internalTokenKey: auth.keyPair.publicKey, checkpointEverySeconds: 0 });
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toThrow(/is a superuser/);
  });

  it('audit:verify says intact before anything is touched', async () => {
    expect(readFileSync(checkpointFile, 'utf8').trim().split('\n')).toHaveLength(5);
    const run = verifyCli();
    expect(run.status, run.out).toBe(0);
    expect(run.out).toContain('23 events (last #23); 5 checkpoints in the table, 5 in the external sink');
    expect(run.out).toMatch(/^INTACT/m);
  });

  it('(a) names an edited event', async () => {
    await tamper((sql) => sql`update audit.audit_events set purpose = 'nothing to see' where sequence = 7`);
    const run = verifyCli();
    expect(run.status, run.out).toBe(1);
    expect(run.out).toContain(`[edit] event #7 (${ids.get(7)}) was edited: its content no longer matches its hash`);
    await restore();
  });

  it('(b) names a deletion whose later hashes were all re-sealed', async () => {
    // The insider knows the hash formula: deletes event 12, moves 13–23 down and recomputes every link and hash.
    const later = await service.runtime.trail.events.eventsAfter(12, 100);
    const [eleven] = await service.runtime.trail.events.eventsAfter(10, 1);
    await tamper(async (sql) => {
      await sql`delete from audit.audit_events where sequence = 12`;
      let previousHash = eleven!.hash;
      for (const row of later) {
        const sequence = row.sequence - 1;
        const hash = recomputeHash(row, previousHash, sequence);
        await sql`update audit.audit_events set sequence = ${sequence}, previous_hash = ${previousHash}, hash = ${hash} where id = ${row.id}`;
        previousHash = hash;
      }
    });
    const run = verifyCli();
    expect(run.status, run.out).toBe(1);
    // The chain itself is consistent again; the signed heads are not.
    expect(run.out).not.toMatch(/\[edit\]|\[deletion\]/);
    expect(run.out).toMatch(
      /\[rewrite\] checkpoint #3 signed hash \w+… for event #15; the table has \w+…: the trail was rewritten and re-sealed after checkpoint #2 \(event #10\), which still holds, up to event #15/,
    );
    expect(run.out).toContain('[truncation] the table ends at event #22, but checkpoint #5');
    await restore();
  });

  it('(c) names the newest events deleted, with the checkpoint row that covered them', async () => {
    await tamper(async (sql) => {
      await sql`delete from audit.audit_events where sequence > 20`;
      await sql`delete from audit.audit_checkpoints where sequence > 20`;
    });
    const run = verifyCli();
    expect(run.status, run.out).toBe(1);
    expect(run.out).toMatch(/\[truncation\] the table ends at event #20, but checkpoint #5 \(signed [^)]+\) covers events up to #23: events #21–#23 are removed from the end/);
    expect(run.out).toContain('[missing checkpoint] checkpoint #5 (event #23) is in the external sink but missing from the table: its row was deleted');
    await restore();
  });

  it('(d) names two events swapped', async () => {
    await tamper(async (sql) => {
      await sql`update audit.audit_events set sequence = -sequence where sequence in (8, 9)`;
      await sql`update audit.audit_events set sequence = case sequence when -8 then 9 else 8 end where sequence < 0`;
    });
    const run = verifyCli();
    expect(run.status, run.out).toBe(1);
    expect(run.out).toContain(`[reorder] event #8 (${ids.get(9)}) was sealed after the event now at #9, not after event #7 (its place was #9)`);
    expect(run.out).toContain(`[reorder] event #9 (${ids.get(8)}) was sealed after the event now at #7, not after event #8 (its place was #8)`);
    await restore();
  });

  it('(e) names an event appended with the service’s own INSERT-only role: unsigned is refused, a forged signature is named', async () => {
    // Well chained at the head (the hash formula is public), as the runtime role may insert.
    const [head] = await service.runtime.trail.events.eventsAfter(22, 1);
    const forged = { ...head!, id: randomUUID(), sequence: head!.sequence + 1, previousHash: head!.hash, principal: 'framed-analyst' };
    const hash = recomputeHash(forged, head!.hash, forged.sequence);
    const insert = (keyId: string | null, signature: string | null) =>
      runtime`insert into audit.audit_events
        (sequence, hash_version, id, occurred_at, kind, principal, client_id, operation_name, document_hash, purpose, break_glass,
         break_glass_justification, field_coordinates, request_id, entities, repeat_count, previous_hash, hash, signature_key_id, signature)
        values (${forged.sequence}, ${forged.hashVersion}, ${forged.id}, ${forged.occurredAt}, ${forged.kind}, ${forged.principal},
         ${forged.clientId}, ${forged.operationName}, ${forged.documentHash}, ${forged.purpose}, ${forged.breakGlass},
         ${forged.breakGlassJustification}, ${forged.fieldCoordinates}, ${forged.requestId},
         ${runtime.json(forged.entities as unknown as postgres.JSONValue)}, 1, ${forged.previousHash}, ${hash}, ${keyId}, ${signature})`;
    await expect(insert(null, null)).rejects.toThrow(/audit_events_signed/);
    const { key: insiderKey } = newSigningKey();
    for (const [keyId, expected] of [
      // The service's key id over a signature made with another key…
      [signingKey.verifyKey.keyId, /has a signature that does not verify over its hash/],
      // …or the insider's own key, which the auditor does not trust.
      [insiderKey.verifyKey.keyId, /is signed by key [\w-]+, which is not a trusted verify key/],
    ] as const) {
      await insert(keyId, sign(null, Buffer.from(hash), insiderKey.privateKey).toString('base64url'));
      const run = verifyCli();
      expect(run.status, run.out).toBe(1);
      expect(run.out).toContain(`[signature] event #${forged.sequence} (${forged.id})`);
      expect(run.out).toMatch(expected);
      await restore();
    }
  });

  it('after each restore, the trail verifies intact again (the checks found the tampering, not noise)', async () => {
    const run = verifyCli();
    expect(run.status, run.out).toBe(0);
  });
});
