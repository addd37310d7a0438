/**
 * Signed checkpoints: when they are cut, what they sign, where they go, and what happens
 * when the external sink fails, loses lines, or is handed a forgery.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSignature, signCheckpoint, trustedKeys, type SignedCheckpoint } from '../src/checkpoints/checkpoint.js';
import { devSigningKey, newSigningKey } from '../src/checkpoints/signing-key.js';
import { fileCheckpointSink, memoryCheckpointSink, type CheckpointSink } from '../src/checkpoints/sink.js';
import { createTestDatabase, createTestInternalAuth } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';
import { trailSource, verifyTrail } from '../src/verification/verify-trail.js';
import { appendDirect, sampleEvent, startAudit, type RunningAudit } from './harness.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('checkpoints', () => {
  let audit: RunningAudit;
  let lines: SignedCheckpoint[];

  beforeAll(async () => {
    const sink = memoryCheckpointSink();
    lines = sink.lines;
    audit = await startAudit('pglite', { checkpointEveryEvents: 5, checkpointSink: sink });
  });
  afterAll(async () => {
    await audit?.stop();
  });

  const tableCheckpoints = () => audit.service.runtime.trail.checkpoints.all();

  it('are signed every N events, into the table and the external sink alike', async () => {
    for (let n = 0; n < 12; n += 1) {
      await appendDirect(audit, { principal: `analyst-${n}` });
      await audit.service.runtime.trail.checkpointer.settled();
    }
    expect(lines.map((c) => [c.number, c.sequence])).toEqual([
      [1, 5],
      [2, 10],
    ]);
    expect(await tableCheckpoints()).toEqual(lines);
    const [fifth] = await audit.service.runtime.trail.events.eventsAfter(4, 1);
    expect(lines[0]!.headHash).toBe(fifth!.hash);
  });

  it('verify with the public key only; an altered one, or one signed by another key, does not', () => {
    const trusted = trustedKeys([audit.signingKey.verifyKey]);
    const [first] = lines;
    expect(checkSignature(first!, trusted)).toBe('valid');
    expect(checkSignature({ ...first!, sequence: first!.sequence + 1 }, trusted)).toBe('invalid');
    expect(checkSignature({ ...first!, headHash: 'f'.repeat(64) }, trusted)).toBe('invalid');
    expect(checkSignature({ ...first!, signature: first!.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, trusted)).toBe('invalid');
    const other = newSigningKey().key;
    expect(checkSignature(signCheckpoint(first!, other), trusted)).toBe('unknown key');
    // A key id is the key's thumbprint: another key cannot borrow it.
    expect(checkSignature({ ...signCheckpoint(first!, other), keyId: first!.keyId }, trusted)).toBe('invalid');
  });

  it('are cut on demand (every T seconds, and at stop) only when the head moved', async () => {
    const made = await audit.service.runtime.trail.checkpointer.checkpoint();
    expect(made).toMatchObject({ number: 3, sequence: 12 });
    expect(await audit.service.runtime.trail.checkpointer.checkpoint()).toBeUndefined();
    expect(lines).toHaveLength(3);
  });

  it('reach the sink once it is back when it could not take them; readiness says so meanwhile', async () => {
    const failing = failingSink();
    const broken = await startAudit('pglite', { checkpointSink: failing });
    try {
      await appendDirect(broken);
      await expect(broken.service.runtime.trail.checkpointer.checkpoint()).rejects.toThrow(/WORM volume offline/);
      // Signed and in the table, but not anchored: the verifier says so, and does not count it as an anchor.
      expect(await broken.service.runtime.trail.checkpoints.all()).toMatchObject([{ number: 1, sequence: 1 }]);
      const meanwhile = await broken.verify();
      expect(meanwhile).toMatchObject({ findings: [], unanchoredEvents: 1, checkpoints: { table: 1, sink: 0, lastAnchored: undefined } });
      expect(meanwhile.notes).toEqual(['checkpoint #1 (event #1) is in the table but was not in the external sink when it was read']);
      expect((await fetch(new URL('/health/ready', broken.url))).status).toBe(503);

      failing.failing = false;
      expect(await broken.service.runtime.trail.checkpointer.checkpoint()).toBeUndefined(); // nothing new to sign…
      expect((await failing.readAll()).checkpoints.map((c) => c.number)).toEqual([1]); // …but #1 was copied
      expect((await fetch(new URL('/health/ready', broken.url))).status).toBe(200);
      expect(await broken.verify()).toMatchObject({ findings: [], notes: [], unanchoredEvents: 0 });
    } finally {
      await broken.stop();
    }
  });

  it('are copied again to a sink that lost its tail — only those this service signed', async () => {
    const sink = memoryCheckpointSink();
    const replaced = await startAudit('pglite', { checkpointSink: sink, checkpointEveryEvents: 2 });
    try {
      for (let n = 0; n < 4; n += 1) {
        await appendDirect(replaced);
        await replaced.service.runtime.trail.checkpointer.settled();
      }
      expect(sink.lines.map((c) => c.number)).toEqual([1, 2]);
      sink.lines.splice(1); // the sink lost checkpoint #2
      // An insider slips a checkpoint signed with their own key into the table.
      await appendDirect(replaced);
      const head = (await replaced.service.runtime.trail.events.head())!;
      const forged = signCheckpoint({ number: 3, sequence: head.sequence, headHash: head.hash, signedAt: new Date().toISOString() }, newSigningKey().key);
      await replaced.service.database.rows(
        sql`insert into audit.audit_checkpoints values (${forged.number}, ${forged.sequence}, ${forged.headHash}, ${forged.signedAt}, ${forged.keyId}, ${forged.signature})`,
      );
      await appendDirect(replaced);
      await replaced.service.runtime.trail.checkpointer.checkpoint();
      expect(sink.lines.map((c) => c.number)).toEqual([1, 2, 4]);
      const report = await replaced.verify();
      expect(report.findings).toEqual([
        expect.objectContaining({ kind: 'missing checkpoint', checkpoint: 3, message: expect.stringContaining('checkpoint #3 is missing from the external sink') }),
        expect.objectContaining({ kind: 'signature', checkpoint: 3, message: expect.stringContaining('in the table is signed by an untrusted key') }),
      ]);
    } finally {
      await replaced.stop();
    }
  });
});

describe('the file sink', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'audit-sink-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends one JSON line per checkpoint and survives a line cut short by a crash', async () => {
    const file = path.join(dir, 'nested', 'checkpoints.jsonl');
    const sink = fileCheckpointSink(file);
    const key = newSigningKey().key;
    const checkpoint = (number: number) => signCheckpoint({ number, sequence: number * 10, headHash: 'a'.repeat(64), signedAt: '2026-01-01T00:00:00.000Z' }, key);
    expect(await sink.last()).toBeUndefined();
    await sink.append(checkpoint(1));
    appendFileSync(file, '{"number":2,"seq'); // the process died mid-write
    await sink.append(checkpoint(3));
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(4);
    expect(await sink.readAll()).toEqual({ checkpoints: [checkpoint(1), checkpoint(3)], unreadableLines: [2] });
    expect(await sink.last()).toEqual(checkpoint(3));
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('reports a checkpoint removed from the middle of the file', async () => {
    const file = path.join(dir, 'gap.jsonl');
    const sink = fileCheckpointSink(file);
    const audit = await startAudit('pglite', { checkpointSink: sink, checkpointEveryEvents: 1 });
    try {
      for (let n = 0; n < 3; n += 1) {
        await appendDirect(audit);
        await audit.service.runtime.trail.checkpointer.settled();
      }
      const kept = readFileSync(file, 'utf8').trim().split('\n');
      writeFileSync(file, `${kept[0]}\n${kept[2]}\n`);
      expect((await audit.verify()).findings).toEqual([
        expect.objectContaining({ kind: 'missing checkpoint', message: expect.stringMatching(/^checkpoint #2 is missing from the external sink/) }),
        expect.objectContaining({ kind: 'missing checkpoint', message: expect.stringMatching(/^checkpoint #2 \(event #2\) is in the table but missing from the external sink/) }),
      ]);
    } finally {
      await audit.stop();
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('two replicas sharing one sink (PostgreSQL)', () => {
  it('write each checkpoint to the sink once, in order, however their runs interleave', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-shared-sink-'));
    const file = path.join(dir, 'checkpoints.jsonl');
    const database = await createTestDatabase();
    const auth = await createTestInternalAuth();
    const { key } = newSigningKey();
    // As the Kubernetes manifests run them: one key, one file (a ReadWriteMany volume), one database.
    const replica = () =>
      createService({
        databaseUrl: database.url,
        internalTokenKey: auth.keyPair.publicKey,
        signingKey: key,
        checkpointSink: fileCheckpointSink(file),
        checkpointEverySeconds: 0,
      });
    const a = await replica();
    const b = await replica();
    try {
      for (let round = 0; round < 15; round += 1) {
        await a.runtime.trail.record([sampleEvent({ principal: `a-${round}` })]);
        await b.runtime.trail.record([sampleEvent({ principal: `b-${round}` })]);
        // Both sign at once: one signs the head, the other finds it covered — and neither
        // may write a line the other already wrote, or write after a later one.
        await Promise.all([a.runtime.trail.checkpointer.checkpoint(), b.runtime.trail.checkpointer.checkpoint()]);
      }
      const numbers = readFileSync(file, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as SignedCheckpoint).number);
      expect(numbers).toEqual(Array.from({ length: 15 }, (_, n) => n + 1));
      const report = await verifyTrail({
        trail: trailSource(a.database.db),
        sink: await fileCheckpointSink(file).readAll(),
        sinkDescription: file,
        trusted: trustedKeys([key.verifyKey]),
      });
      expect(report.findings).toEqual([]);
    } finally {
      await a.http.stop();
      await b.http.stop();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the signing key', () => {
  it('is created once per DATA_DIR in development, readable by its owner only, and reused', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-key-'));
    try {
      const first = devSigningKey(dir);
      const again = devSigningKey(dir);
      expect(again.verifyKey.keyId).toBe(first.verifyKey.keyId);
      expect(statSync(path.join(dir, 'keys', 'audit-signing.jwk.json')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is required in production, with the migration URL and the external sink, and a malformed one stops the service naming the variable', () => {
    const start = (env: Record<string, string>) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'subgraphs/audit/src/main.ts'], {
        cwd: root,
        env: { ...process.env, PORT: '0', ...env },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const publicKey = JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' });
    const production = start({ NODE_ENV: 'production', INTERNAL_TOKEN_PUBLIC_KEY: publicKey, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', AUDIT_SIGNING_KEY: '', DATABASE_MIGRATION_URL: '', AUDIT_CHECKPOINT_FILE: '' });
    expect(production.status).toBe(1);
    expect(production.stderr).toMatch(/AUDIT_CHECKPOINT_FILE: required in production/);
    expect(production.stderr).toMatch(/AUDIT_SIGNING_KEY: required in production/);
    expect(production.stderr).toMatch(/DATABASE_MIGRATION_URL: required in production/);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'audit-config-'));
    try {
      const malformed = start({ NODE_ENV: 'development', AUDIT_SIGNING_KEY: publicKey, DATA_DIR: dataDir, DATABASE_URL: '' });
      expect(malformed.status).toBe(1);
      expect(malformed.stderr).toMatch(/AUDIT_SIGNING_KEY: must be an Ed25519 JWK/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function failingSink(): CheckpointSink & { failing: boolean } {
  const inner = memoryCheckpointSink();
  const sink = {
    failing: true,
    description: 'failing',
    append: async (checkpoint: SignedCheckpoint) => {
      if (sink.failing) throw new Error('WORM volume offline');
      await inner.append(checkpoint);
    },
    readAll: () => inner.readAll(),
    last: () => inner.last(),
  };
  return sink;
}
