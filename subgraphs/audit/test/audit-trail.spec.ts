/**
 * The audit trail's own guarantees, on a real database: appends chain, the database
 * refuses to change or remove events, and verification names the first event that
 * was edited, deleted or reordered behind the triggers' back.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestInternalAuth, databaseFlavours, type TestDatabase } from '@mission-graph/service-kit/testing';
import type { SubgraphInstance } from '@mission-graph/service-kit';
import type { AuditEventInput } from '../src/domain/audit-event.js';
import { createService } from '../src/service.js';
import { createAuditEventStore, type AuditEventStore } from '../src/stores/audit-event-store.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

export const sampleEvent = (overrides: Partial<AuditEventInput> = {}): AuditEventInput => ({
  kind: 'DISCLOSURE',
  principal: 'analyst-1',
  clientId: null,
  operationName: 'Cards',
  documentHash: 'a'.repeat(64),
  purpose: 'CASE-7: family tracing',
  breakGlassJustification: null,
  fieldCoordinates: ['MissingPerson.fullName'],
  entities: [{ type: 'MissingPerson', id: '5dc999bd-b32b-58ca-adb5-e74215256f4a' }],
  requestId: 'req-1',
  ...overrides,
});

describe.each(databaseFlavours)('the audit trail on %s', (flavour) => {
  let database: TestDatabase;
  let service: SubgraphInstance;
  let store: AuditEventStore;

  beforeAll(async () => {
    database = await createTestDatabase(flavour === 'postgres' ? process.env.TEST_DATABASE_URL : '');
    const auth = await createTestInternalAuth();
    service = await createService({ databaseUrl: database.url, internalTokenKey: auth.keyPair.publicKey });
    store = createAuditEventStore(service.database.db);
  });
  afterAll(async () => {
    await service?.http.stop();
    await database?.drop();
  });

  /** Runs SQL with the append-only triggers switched off, as an intruder with full rights would. */
  const tamper = async (statement: ReturnType<typeof sql>) => {
    await service.database.rows(sql`alter table audit.audit_events disable trigger user`);
    try {
      await service.database.rows(statement);
    } finally {
      await service.database.rows(sql`alter table audit.audit_events enable trigger user`);
    }
  };

  it('chains each event to the one before it', async () => {
    const first = await store.append(sampleEvent());
    const second = await store.append(sampleEvent({ principal: 'analyst-2' }));
    expect(second.previousHash).toBe(first.hash);
    expect(second.sequence).toBe(first.sequence + 1);
    expect(await store.verify()).toEqual({ checked: 2 });
  });

  it.each([
    ['UPDATE', sql`update audit.audit_events set principal = 'someone-else'`],
    ['DELETE', sql`delete from audit.audit_events`],
    ['TRUNCATE', sql`truncate audit.audit_events`],
  ])('the database itself refuses %s', async (operation, statement) => {
    await expect(service.database.rows(statement)).rejects.toThrow();
    const [row] = await service.database.rows<{ n: number }>(sql`select count(*)::int as n from audit.audit_events`);
    expect(row?.n).toBeGreaterThanOrEqual(2);
    void operation;
  });

  it('verification names an edited event', async () => {
    const victim = await store.append(sampleEvent({ principal: 'analyst-3' }));
    await store.append(sampleEvent());
    await tamper(sql`update audit.audit_events set purpose = 'nothing to see' where sequence = ${victim.sequence}`);
    const { broken } = await store.verify();
    expect(broken).toMatchObject({ sequence: victim.sequence, id: victim.id });
    expect(broken?.reason).toMatch(/edited/);
    // Put it back so the next cases start from a sound chain.
    await tamper(sql`update audit.audit_events set purpose = 'CASE-7: family tracing' where sequence = ${victim.sequence}`);
    expect((await store.verify()).broken).toBeUndefined();
  });

  it('verification names the event after a deleted one', async () => {
    const victim = await store.append(sampleEvent({ principal: 'analyst-4' }));
    const next = await store.append(sampleEvent());
    await tamper(sql`delete from audit.audit_events where sequence = ${victim.sequence}`);
    const { broken } = await store.verify();
    expect(broken).toMatchObject({ sequence: next.sequence });
    expect(broken?.reason).toMatch(/deleted|reordered/);
  });
});

describe('verification reorders and the pnpm audit:verify command', () => {
  it('detects two events swapped, and the CLI exits 1 naming the first broken event', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'audit-verify-'));
    try {
      const auth = await createTestInternalAuth();
      const service = await createService({ dataDir, internalTokenKey: auth.keyPair.publicKey });
      const store = createAuditEventStore(service.database.db);
      const a = await store.append(sampleEvent({ principal: 'first' }));
      const b = await store.append(sampleEvent({ principal: 'second' }));
      await store.append(sampleEvent({ principal: 'third' }));
      await service.http.stop();

      const cli = () =>
        spawnSync('pnpm', ['--silent', 'run', 'verify'], { cwd: packageDir, env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' }, encoding: 'utf8' });
      const intact = cli();
      expect(intact.status, intact.stderr).toBe(0);
      expect(intact.stdout).toMatch(/intact: 3 events/);

      // Swap the contents of events 1 and 2 (everything but their place in the chain).
      const reopened = await createService({ dataDir, internalTokenKey: auth.keyPair.publicKey, seed: false });
      const columns = sql.raw('id, occurred_at, kind, principal, client_id, operation_name, document_hash, purpose, break_glass, break_glass_justification, field_coordinates, entities, request_id, previous_hash, hash');
      await reopened.database.rows(sql`alter table audit.audit_events disable trigger user`);
      await reopened.database.rows(sql`create temporary table swap as select * from audit.audit_events where sequence in (${a.sequence}, ${b.sequence})`);
      // Unique ids and hashes: park both rows on placeholders before writing the swap.
      await reopened.database.rows(sql`update audit.audit_events set id = gen_random_uuid(), hash = md5(random()::text) || md5(random()::text) where sequence in (${a.sequence}, ${b.sequence})`);
      await reopened.database.rows(sql`update audit.audit_events t set (${columns}) = (select ${columns} from swap s where s.sequence = ${b.sequence}) where t.sequence = ${a.sequence}`);
      await reopened.database.rows(sql`update audit.audit_events t set (${columns}) = (select ${columns} from swap s where s.sequence = ${a.sequence}) where t.sequence = ${b.sequence}`);
      await reopened.database.rows(sql`alter table audit.audit_events enable trigger user`);
      await reopened.http.stop();

      const broken = cli();
      expect(broken.status).toBe(1);
      expect(broken.stderr).toMatch(new RegExp(`BROKEN at event #${a.sequence} \\(${b.id}\\)`));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});


describe('concurrent appends', () => {
  it('are written in batches, chained in order, none lost', async () => {
    const auth = await createTestInternalAuth();
    const service = await createService({ internalTokenKey: auth.keyPair.publicKey });
    try {
      const store = createAuditEventStore(service.database.db);
      const statementsBefore = service.database.statementCount();
      const rows = await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(sampleEvent({ principal: `analyst-${i}` }))));
      // Group commit: one lock and one read per batch, not per event (one at a time would be 150).
      const statements = service.database.statementCount() - statementsBefore;
      expect(statements).toBeLessThanOrEqual(50 + 2 * 10);
      expect(new Set(rows.map((r) => r.sequence)).size).toBe(50);
      expect(rows.map((r) => r.principal)).toEqual(Array.from({ length: 50 }, (_, i) => `analyst-${i}`));
      expect(await store.verify()).toEqual({ checked: 50 });
    } finally {
      await service.http.stop();
    }
  });
});
