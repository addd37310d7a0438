/**
 * Red team, part 4: an insider against the audit trail on real PostgreSQL. The audit
 * service runs as the least-privileged role the docs prescribe (INSERT and SELECT on
 * the trail only); the insider holds that role's credentials — the service's own
 * DATABASE_URL, which sits on the audit host — and the published hash formula
 * (docs/audit.md), re-implemented in helpers.ts from the documentation alone. The
 * auditor runs `pnpm audit:verify` with only the public key and the external
 * checkpoint file. Runs only with TEST_DATABASE_URL (the role is cluster-wide: it gets a
 * random name and is dropped).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, type AuditServiceInstance } from '@mission-graph/audit';
import { AUDIT_APPEND_AUDIENCE, AUDIT_APPEND_PATH, signInternalToken } from '@mission-graph/service-kit';
import { createTestDatabase, createTestInternalAuth, type TestDatabase, type TestInternalAuth } from '@mission-graph/service-kit/testing';
import { newSigningKey } from '../../subgraphs/audit/src/checkpoints/signing-key.js';
import { fileCheckpointSink } from '../../subgraphs/audit/src/checkpoints/sink.js';
import { documentedEventHash, sha256, witness } from './helpers.js';

const serverUrl = process.env.TEST_DATABASE_URL;
const auditPackage = fileURLToPath(new URL('../../subgraphs/audit/', import.meta.url));

describe.skipIf(!serverUrl)(`red team: an insider holding the audit service’s own database role${serverUrl ? '' : ' (skipped: TEST_DATABASE_URL is not set; CI sets it)'}`, () => {
  const role = `rt_audit_runtime_${randomBytes(5).toString('hex')}`;
  const { key: signingKey } = newSigningKey();
  let database: TestDatabase;
  let runtimeUrl: string;
  let runtime: postgres.Sql;
  let dir: string;
  let checkpointFile: string;
  let auth: TestInternalAuth;
  let service: AuditServiceInstance;
  let url: string;
  let breakGlassEventId: string;

  const append = async (event: Record<string, unknown>) => {
    const token = await signInternalToken(auth.keyPair, AUDIT_APPEND_AUDIENCE, { authenticated: true, subject: 'mission-graph-gateway', scopes: new Set() });
    const response = await fetch(new URL(AUDIT_APPEND_PATH, url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        kind: 'DISCLOSURE',
        clientId: null,
        operationName: 'Witness',
        documentHash: sha256('query Witness { … }'),
        purpose: 'CASE-KSC-2025-003: protection review',
        breakGlassJustification: null,
        fieldCoordinates: ['ProtectedWitness.identity', 'WitnessIdentity.currentLocation'],
        entities: [{ type: 'ProtectedWitness', id: witness(7) }],
        requestId: randomUUID(),
        ...event,
      }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; sequence: number; hash: string };
  };

  const verify = () => {
    const run = spawnSync('pnpm', ['--silent', 'run', 'verify'], {
      cwd: auditPackage,
      encoding: 'utf8',
      env: {
        ...process.env,
        DATABASE_URL: runtimeUrl,
        DATA_DIR: dir,
        AUDIT_CHECKPOINT_FILE: checkpointFile,
        AUDIT_VERIFY_KEYS: JSON.stringify([signingKey.verifyKey.publicJwk]),
        AUDIT_SIGNING_KEY: '',
      },
    });
    return { status: run.status, out: `${run.stdout}${run.stderr}` };
  };

  /** A REVIEW event as the audit service would write it, chained at the head — by hand. */
  const forgeReview = async (reviewer: string, reviewedEventId: string) => {
    const [head] = await runtime<{ sequence: string; hash: string }[]>`select sequence::text, hash from audit.audit_events order by sequence desc limit 1`;
    const [reviewed] = await runtime<{ entities: unknown }[]>`select entities from audit.audit_events where id = ${reviewedEventId}`;
    const sequence = Number(head!.sequence) + 1;
    const id = randomUUID();
    const occurredAt = new Date().toISOString();
    const content = {
      kind: 'REVIEW',
      principal: reviewer,
      clientId: null,
      operationName: 'Review',
      documentHash: sha256('mutation Review { reviewBreakGlass }'),
      purpose: null,
      breakGlassJustification: null,
      fieldCoordinates: ['Mutation.reviewBreakGlass'],
      entities: reviewed!.entities,
      requestId: null,
      intentId: null,
      outcome: null,
      denialReason: null,
      repeatCount: 1,
      reviewedEventId,
      reviewOutcome: 'JUSTIFIED',
      reviewNote: 'Checked with the duty officer: threat to life confirmed.',
    };
    const hash = documentedEventHash(head!.hash, { sequence, id, occurredAt, ...content });
    await runtime`insert into audit.audit_events
      (sequence, hash_version, id, occurred_at, kind, principal, client_id, operation_name, document_hash, purpose, break_glass,
       break_glass_justification, field_coordinates, entities, request_id, intent_id, outcome, denial_reason, repeat_count,
       reviewed_event_id, review_outcome, review_note, previous_hash, hash)
      values (${sequence}, 2, ${id}, ${occurredAt}, 'REVIEW', ${reviewer}, null, ${content.operationName}, ${content.documentHash}, null, false,
       null, ${content.fieldCoordinates}, ${runtime.json(content.entities as postgres.JSONValue)}, null, null, null, null, 1,
       ${reviewedEventId}, 'JUSTIFIED', ${content.reviewNote}, ${head!.hash}, ${hash})`;
    return { id, sequence };
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'redteam-audit-'));
    checkpointFile = path.join(dir, 'checkpoints.jsonl');
    database = await createTestDatabase(serverUrl);
    const superuser = postgres(database.url!, { max: 1, onnotice: () => {} });
    await superuser.unsafe(`create role "${role}" login nosuperuser nocreatedb nocreaterole`);
    await superuser.end();
    const runtimeAddress = new URL(database.url!);
    runtimeAddress.username = role;
    runtimeUrl = runtimeAddress.toString();
    runtime = postgres(runtimeUrl, { max: 1, onnotice: () => {} });
    auth = await createTestInternalAuth();
    service = await createService({
      databaseUrl: runtimeUrl,
      migrationDatabaseUrl: database.url,
      requireLeastPrivilege: true,
      internalTokenKey: auth.keyPair.publicKey,
      signingKey,
      checkpointSink: fileCheckpointSink(checkpointFile),
      checkpointEveryEvents: 1000,
      checkpointEverySeconds: 0,
    });
    ({ url } = await service.http.listen(0));
    // Ordinary traffic, then officer-12 breaks the glass on witness 7; a checkpoint anchors it all.
    await append({ principal: 'officer-07' });
    breakGlassEventId = (await append({ principal: 'officer-12', breakGlassJustification: 'EMERGENCY-4: threat to life' })).id;
    await append({ principal: 'officer-07' });
    await service.runtime.trail.checkpointer.checkpoint();
    expect(verify().status).toBe(0);
  });

  afterAll(async () => {
    await service?.http.stop();
    await runtime?.end();
    await database?.drop();
    const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop role if exists "${role}"`);
    await admin.end();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the break-glass principal’s own forged review is refused by the database (four eyes in a trigger)', async () => {
    await expect(forgeReview('officer-12', breakGlassEventId)).rejects.toThrow(/four eyes/);
  });

  // Was a finding: the triggers checked the chain's shape, not who wrote the row, and the
  // hash is public and unkeyed, so the service's own INSERT-only role could append a
  // REVIEW under a colleague's name that the next checkpoint then signed. Now every event
  // is signed by the service (Ed25519, the checkpoints' key, not in the database): an
  // unsigned row is refused by the database, and audit:verify names a row whose
  // signature is missing or does not verify (subgraphs/audit/test/insider.spec.ts (e)).
  it('a review forged with the service’s own INSERT-only role is named by audit:verify (or refused)', async () => {
    let forged: { id: string; sequence: number };
    try {
      forged = await forgeReview('reviewer-duty-02', breakGlassEventId);
    } catch {
      return; // refused by the database: the attack is over
    }
    // The genuine reviewer comes too late: one review per event.
    const reviewBody = JSON.stringify({
      query: 'mutation($i: ReviewBreakGlassInput!) { reviewBreakGlass(input: $i) { review { id } } }',
      variables: { i: { eventId: breakGlassEventId, outcome: 'UNJUSTIFIED', note: 'No threat on record for that night.' } },
    });
    const review = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await auth.headers('audit', { subject: 'reviewer-duty-01', scopes: new Set(['audit:read', 'audit:review']) }, reviewBody)) },
      body: reviewBody,
    });
    await review.arrayBuffer();
    // The service anchors whatever the table holds.
    await service.runtime.trail.checkpointer.checkpoint();
    const run = verify();
    expect(run.status, run.out).toBe(1);
    expect(run.out).toContain(`#${forged.sequence}`);
  });
});
