/**
 * The audit trail's own guarantees, on a real database: appends chain (each event sealed
 * with its position), the database refuses to change or remove events and to insert one
 * anywhere but at the head, and verification names what was edited, deleted or reordered
 * behind the triggers' back.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestInternalAuth, databaseFlavours } from '@mission-graph/service-kit/testing';
import { trustedKeys } from '../src/checkpoints/checkpoint.js';
import { newSigningKey } from '../src/checkpoints/signing-key.js';
import { memoryCheckpointSink } from '../src/checkpoints/sink.js';
import { trailSource, verifyTrail } from '../src/verification/verify-trail.js';
import { contentOfInput, eventHash, GENESIS_HASH } from '../src/domain/audit-event.js';
import { createService } from '../src/service.js';
import { appendDirect, expectRefused, sampleEvent, startAudit, type RunningAudit } from './harness.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe.each(databaseFlavours)('the audit trail on %s', (flavour) => {
  let audit: RunningAudit;

  beforeAll(async () => {
    audit = await startAudit(flavour);
  });
  afterAll(async () => {
    await audit?.stop();
  });

  /** Runs SQL with the append-only triggers switched off, as an intruder with full rights would. */
  const tamper = async (statement: ReturnType<typeof sql>) => {
    await audit.service.database.rows(sql`alter table audit.audit_events disable trigger user`);
    try {
      await audit.service.database.rows(statement);
    } finally {
      await audit.service.database.rows(sql`alter table audit.audit_events enable trigger user`);
    }
  };

  it('chains each event to the one before it, at the next position', async () => {
    const first = await appendDirect(audit);
    const second = await appendDirect(audit, { principal: 'analyst-2' });
    const rows = await audit.service.database.rows<{ sequence: string; previous_hash: string; hash: string; hash_version: number }>(
      sql`select sequence, previous_hash, hash, hash_version from audit.audit_events order by sequence`,
    );
    expect(rows.map((r) => Number(r.sequence))).toEqual([1, 2]);
    expect(rows[0]!.previous_hash).toBe(GENESIS_HASH);
    expect(rows[1]!.previous_hash).toBe(first.hash);
    expect(rows.every((r) => r.hash_version === 2)).toBe(true);
    expect(second.sequence).toBe(first.sequence + 1);
    expect((await audit.verify()).findings).toEqual([]);
  });

  it.each([
    ['UPDATE', sql`update audit.audit_events set principal = 'someone-else'`],
    ['DELETE', sql`delete from audit.audit_events`],
    ['TRUNCATE', sql`truncate audit.audit_events`],
    ['UPDATE of a checkpoint', sql`update audit.audit_checkpoints set head_hash = repeat('0', 64)`],
    ['DELETE of a checkpoint', sql`delete from audit.audit_checkpoints`],
    ['TRUNCATE of the checkpoints', sql`truncate audit.audit_checkpoints`],
  ])('the database itself refuses %s', async (_operation, statement) => {
    await audit.service.runtime.trail.checkpointer.checkpoint();
    await expect(audit.service.database.rows(statement)).rejects.toThrow();
    const [row] = await audit.service.database.rows<{ events: number; checkpoints: number }>(
      sql`select (select count(*)::int from audit.audit_events) as events, (select count(*)::int from audit.audit_checkpoints) as checkpoints`,
    );
    expect(row!.events).toBeGreaterThanOrEqual(2);
    expect(row!.checkpoints).toBeGreaterThanOrEqual(1);
  });

  it('refuses an event inserted anywhere but at the head (a writer forking the chain or filling a gap)', async () => {
    const head = await audit.service.runtime.trail.events.head();
    const insert = (sequence: number, previousHash: string) =>
      audit.service.database.rows(sql`
        insert into audit.audit_events (sequence, hash_version, id, occurred_at, kind, principal, document_hash, field_coordinates, entities, previous_hash, hash)
        values (${sequence}, 2, gen_random_uuid(), now(), 'DISCLOSURE', 'forger', repeat('a', 64), '{}', '[]', ${previousHash}, repeat('b', 64))`);
    // Forked off an older event, skipping ahead, or at the right place with the wrong link.
    await expect(insert(head!.sequence, GENESIS_HASH)).rejects.toThrow();
    await expectRefused(insert(head!.sequence + 5, head!.hash), /head of the chain/);
    await expectRefused(insert(head!.sequence + 1, GENESIS_HASH), /head of the chain/);
    expect(await audit.service.runtime.trail.events.head()).toEqual(head);
  });

  it('refuses a checkpoint that names a hash the chain does not have, or goes backwards', async () => {
    await appendDirect(audit);
    const head = await audit.service.runtime.trail.events.head();
    const insert = (number: number, sequence: number, headHash: string) =>
      audit.service.database.rows(
        sql`insert into audit.audit_checkpoints values (${number}, ${sequence}, ${headHash}, now(), 'forged', 'forged')`,
      );
    await expectRefused(insert(1000, head!.sequence, 'c'.repeat(64)), /does not have/);
    await expect(insert(0, head!.sequence, head!.hash)).rejects.toThrow();
  });

  it('verification names an edited event, and a deleted one', async () => {
    const victim = await appendDirect(audit, { principal: 'analyst-3' });
    await appendDirect(audit);
    await tamper(sql`update audit.audit_events set purpose = 'nothing to see' where sequence = ${victim.sequence}`);
    const edited = await audit.verify();
    expect(edited.findings).toEqual([expect.objectContaining({ kind: 'edit', sequence: victim.sequence, message: expect.stringContaining(victim.id) })]);
    // Put it back so the next cases start from a sound chain.
    await tamper(sql`update audit.audit_events set purpose = 'CASE-7: family tracing' where sequence = ${victim.sequence}`);
    expect((await audit.verify()).findings).toEqual([]);

    const deleted = await appendDirect(audit, { principal: 'analyst-4' });
    await appendDirect(audit);
    await tamper(sql`delete from audit.audit_events where sequence = ${deleted.sequence}`);
    const report = await audit.verify();
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'deletion', message: `event #${deleted.sequence} is missing from the table: deleted` }),
    ]);
  });
});

describe('a trail recorded before positions were hashed', () => {
  it('still verifies (hash version 1), and an event claiming the old formula after newer ones is named', async () => {
    const audit = await startAudit('pglite');
    try {
      // As the previous version of the service wrote them: no position in the hash, no
      // signature (so without migration 0004's constraint, which binds rows written after it).
      const withoutSignatureConstraint = async (work: () => Promise<unknown>) => {
        await audit.service.database.rows(sql`alter table audit.audit_events drop constraint audit_events_signed`);
        try {
          await work();
        } finally {
          await audit.service.database.rows(
            sql`alter table audit.audit_events add constraint audit_events_signed check (signature is not null and signature_key_id is not null) not valid`,
          );
        }
      };
      const insertV1 = (principal: string) => withoutSignatureConstraint(async () => {
        const head = await audit.service.runtime.trail.events.head();
        const sequence = (head?.sequence ?? 0) + 1;
        const previousHash = head?.hash ?? GENESIS_HASH;
        const id = randomUUID();
        const occurredAt = new Date().toISOString();
        const content = contentOfInput(sampleEvent({ principal })).content;
        const hash = eventHash(1, previousHash, { sequence, id, occurredAt, content });
        await audit.service.database.rows(sql`
          insert into audit.audit_events (sequence, hash_version, id, occurred_at, kind, principal, client_id, operation_name, document_hash, purpose,
            break_glass, break_glass_justification, field_coordinates, entities, request_id, previous_hash, hash)
          values (${sequence}, 1, ${id}, ${occurredAt}, ${content.kind}, ${content.principal}, ${content.clientId}, ${content.operationName}, ${content.documentHash},
            ${content.purpose}, false, null, array[${content.fieldCoordinates[0]!}]::text[], ${JSON.stringify(content.entities)}::jsonb, ${content.requestId}, ${previousHash}, ${hash})`);
      });
      await insertV1('old-1');
      await insertV1('old-2');
      await appendDirect(audit, { principal: 'new-1' });
      await audit.service.runtime.trail.checkpointer.checkpoint();
      expect(await audit.verify()).toMatchObject({ events: 3, findings: [], notes: [expect.stringContaining('2 event(s) recorded before event signing began')] });
      await insertV1('downgraded');
      const report = await audit.verify();
      expect(report.findings).toEqual([
        // Unsigned after a signed event: not written by this service (event signatures).
        expect.objectContaining({ kind: 'signature', sequence: 4, message: expect.stringContaining('is not signed, though every event since #3 is') }),
        expect.objectContaining({ kind: 'edit', sequence: 4, message: expect.stringContaining('claims an older hash formula') }),
      ]);
    } finally {
      await audit.stop();
    }
  });
});

describe('verification and the pnpm audit:verify command on an embedded database', () => {
  it('says intact, then names two swapped events, and exits 1', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'audit-verify-'));
    try {
      const auth = await createTestInternalAuth();
      const service = await createService({ dataDir, internalTokenKey: auth.keyPair.publicKey });
      const receipts = await service.runtime.trail.record(['first', 'second', 'third'].map((principal) => sampleEvent({ principal })));
      const [a, b] = receipts as { id: string; sequence: number }[];
      await service.http.stop(); // signs a last checkpoint into DATA_DIR/audit-checkpoints.jsonl
      expect(readFileSync(path.join(dataDir, 'audit-checkpoints.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);

      const cli = () =>
        spawnSync('pnpm', ['--silent', 'run', 'verify'], {
          cwd: packageDir,
          env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', AUDIT_VERIFY_KEYS: '', AUDIT_SIGNING_KEY: '', AUDIT_CHECKPOINT_FILE: '' },
          encoding: 'utf8',
        });
      const intact = cli();
      expect(intact.status, intact.stderr).toBe(0);
      expect(intact.stdout).toMatch(/3 events \(last #3\); 1 checkpoints in the table, 1 in the external sink/);
      expect(intact.stdout).toMatch(/^INTACT/m);

      // Swap events 1 and 2: each row keeps its content, links and hash, only their places change.
      const reopened = await createService({ dataDir, internalTokenKey: auth.keyPair.publicKey });
      const rows = reopened.database.rows.bind(reopened.database);
      await rows(sql`alter table audit.audit_events disable trigger user`);
      await rows(sql`update audit.audit_events set sequence = -sequence where sequence in (${a!.sequence}, ${b!.sequence})`);
      await rows(sql`update audit.audit_events set sequence = case sequence when ${-a!.sequence}::bigint then ${b!.sequence}::bigint else ${a!.sequence}::bigint end where sequence < 0`);
      await rows(sql`alter table audit.audit_events enable trigger user`);
      await reopened.http.stop();

      const broken = cli();
      expect(broken.status, broken.stdout + broken.stderr).toBe(1);
      expect(broken.stderr, broken.stderr).toMatch(/^TAMPERED: 3 finding/m);
      expect(broken.stderr).toContain(`[reorder] event #1 (${b!.id}) was sealed after the event now at #2, not as the first event (its place was #2): events were reordered`);
      expect(broken.stderr).toContain(`[reorder] event #2 (${a!.id}) was sealed as the first event, not after event #1 (its place was #1): events were reordered`);
      // Event 3 is in its place, but the event before it is not the one it was sealed after.
      expect(broken.stderr).toMatch(/\[reorder\] event #3 \(.*\) was sealed after the event now at #1, not after event #2/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('concurrent appends', () => {
  it('are written in batches, chained in order, none lost', async () => {
    const audit = await startAudit('pglite');
    try {
      const statementsBefore = audit.service.database.statementCount();
      const receipts = await Promise.all(Array.from({ length: 50 }, (_, i) => appendDirect(audit, { principal: `analyst-${i}` })));
      // Group commit: a lock, a head read and one insert per batch, not per event.
      const statements = audit.service.database.statementCount() - statementsBefore;
      expect(statements).toBeLessThanOrEqual(3 * 10);
      expect(new Set(receipts.map((r) => r.sequence))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => i + 1)));
      const principals = await audit.service.database.rows<{ principal: string }>(sql`select principal from audit.audit_events order by sequence`);
      expect(principals.map((r) => r.principal)).toEqual(Array.from({ length: 50 }, (_, i) => `analyst-${i}`));
      await audit.service.runtime.trail.checkpointer.checkpoint();
      expect(await audit.verify()).toMatchObject({ events: 50, findings: [], unanchoredEvents: 0 });
    } finally {
      await audit.stop();
    }
  });
});

/**
 * The fast path (one INSERT onto the head this process wrote last, no lock) is only safe
 * because the database decides who wins the head. These try to make it fork the chain.
 */
describe.each(databaseFlavours)('appends onto a remembered head, on %s', (flavour) => {
  it('an insider slipping a well-formed row in at the head: the next append loses to the database, re-reads the head, chains after it — no fork, nothing lost', async () => {
    const audit = await startAudit(flavour);
    try {
      const before = await appendDirect(audit, { principal: 'before-intruder' });
      // A row at exactly the right place, as someone with INSERT rights could write it (signed with no key of ours).
      await audit.service.database.rows(sql`
        insert into audit.audit_events (sequence, hash_version, id, occurred_at, kind, principal, document_hash, field_coordinates, entities, previous_hash, hash, signature_key_id, signature)
        values (${before.sequence + 1}, 2, gen_random_uuid(), now(), 'DISCLOSURE', 'intruder', repeat('a', 64), '{}', '[]', ${before.hash}, repeat('c', 64), 'forged', 'forged')`);
      // The service still remembers `before` as the head; its one-statement append must fail and be retried.
      const after = await appendDirect(audit, { principal: 'after-intruder' });
      expect(after.sequence).toBe(before.sequence + 2);
      const rows = await audit.service.database.rows<{ sequence: string; principal: string; previous_hash: string; hash: string }>(
        sql`select sequence, principal, previous_hash, hash from audit.audit_events where sequence >= ${before.sequence} order by sequence`,
      );
      expect(rows.map((row) => row.principal)).toEqual(['before-intruder', 'intruder', 'after-intruder']);
      expect(rows[2]!.previous_hash).toBe('c'.repeat(64));
      // The intruder's row is named (its signature is not ours); nothing else is.
      const { findings } = await audit.verify();
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.every((finding) => 'sequence' in finding && finding.sequence === before.sequence + 1)).toBe(true);
    } finally {
      await audit.stop();
    }
  });

  it('a database that refuses for another reason (it is gone) is reported, never retried into a second copy', async () => {
    const audit = await startAudit(flavour);
    try {
      await appendDirect(audit, { principal: 'first' });
      // Now the next one-statement append fails with no chain conflict: the table is missing under it.
      await audit.service.database.rows(sql`alter table audit.audit_events rename to audit_events_moved`);
      try {
        await expect(appendDirect(audit, { principal: 'while-gone' })).rejects.toThrow();
      } finally {
        await audit.service.database.rows(sql`alter table audit.audit_events_moved rename to audit_events`);
      }
      const second = await appendDirect(audit, { principal: 'second' });
      const principals = await audit.service.database.rows<{ principal: string }>(sql`select principal from audit.audit_events order by sequence`);
      expect(principals.map((row) => row.principal)).toEqual(['first', 'second']);
      expect(second.sequence).toBe(2);
      expect((await audit.verify()).findings).toEqual([]);
    } finally {
      await audit.stop();
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('two replicas appending to one database at once (PostgreSQL)', () => {
  it('each replica’s remembered head goes stale under the other: every lost race is retried under the lock; 200 events, one chain, none lost, none twice', async () => {
    const database = await createTestDatabase();
    const auth = await createTestInternalAuth();
    const { key } = newSigningKey();
    const replica = () =>
      createService({ databaseUrl: database.url, internalTokenKey: auth.keyPair.publicKey, signingKey: key, checkpointSink: memoryCheckpointSink(), checkpointEverySeconds: 0 });
    const a = await replica();
    const b = await replica();
    try {
      // Alternating one by one (every append finds the other's row at the head), then all at once.
      for (let round = 0; round < 20; round += 1) {
        await a.runtime.trail.record([sampleEvent({ principal: `a-${round}` })]);
        await b.runtime.trail.record([sampleEvent({ principal: `b-${round}` })]);
      }
      const receipts = (
        await Promise.all(
          Array.from({ length: 160 }, (_, i) => (i % 2 === 0 ? a : b).runtime.trail.record([sampleEvent({ principal: `burst-${i}` })])),
        )
      ).flat();
      expect(receipts.every((receipt) => receipt.status === 'RECORDED')).toBe(true);
      const rows = await a.database.rows<{ sequence: string; principal: string }>(sql`select sequence, principal from audit.audit_events order by sequence`);
      expect(rows.map((row) => Number(row.sequence))).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(new Set(rows.map((row) => row.principal)).size).toBe(200);
      const report = await verifyTrail({ trail: trailSource(a.database.db), sink: await memoryCheckpointSink().readAll(), sinkDescription: 'none', trusted: trustedKeys([key.verifyKey]) });
      expect(report.findings).toEqual([]);
    } finally {
      await a.http.stop();
      await b.http.stop();
      await database.drop();
    }
  });
});

