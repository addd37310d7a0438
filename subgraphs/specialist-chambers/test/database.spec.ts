/**
 * What the database itself guarantees, whichever writer comes along, and that a
 * restart on the same storage keeps the data without seeding it twice.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, databaseViolation, syntheticId, type SubgraphInstance, type SubgraphOptions } from '@mission-graph/service-kit';
import { sql } from 'drizzle-orm';
import {
  createTestDatabase,
  createTestInternalAuth,
  type TestDatabase,
} from '@mission-graph/service-kit/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import {
  protectedWitnesses,
  relocations,
  supportRequests,
  supportRequestTransitions,
  threatAssessments,
  witnessIdentities,
} from '../src/db/schema.js';
import { createService } from '../src/service.js';
import { fieldCipher, UnreadableFieldError } from '../src/crypto/field-cipher.js';
import { createWitnessIdentityStore } from '../src/stores/witness-identity-store.js';

describeOnEachDatabase('specialist-chambers storage', (flavour) => {
  // PGlite on disk (not in memory) so that a second start sees the first one's data.
  let dataDir: string | undefined;
  let testDatabase: TestDatabase | undefined;
  let service: SubgraphInstance;
  let internalTokenKey: SubgraphOptions['internalTokenKey'];
  const start = () => createService({ seed: true, dataDir, databaseUrl: testDatabase?.url, internalTokenKey });

  beforeAll(async () => {
    internalTokenKey = (await createTestInternalAuth()).keyPair.publicKey;
    if (flavour === 'postgres') testDatabase = await createTestDatabase();
    else dataDir = mkdtempSync(path.join(tmpdir(), 'specialist-chambers-'));
    service = await start();
  });
  afterAll(async () => {
    await service?.http.stop();
    await testDatabase?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const witness = {
    id: syntheticId('protected-witness', 1000),
    codename: 'PETREL-99',
    riskLevel: 'LOW' as const,
    referredOn: '2025-01-01',
  };
  const request = {
    id: syntheticId('support-request', 1000),
    reference: 'KSC-2025-9999',
    institution: 'KOSOVO_SPECIALIST_CHAMBERS' as const,
    kind: 'LOGISTIC' as const,
    title: 'Synthetic title',
    description: 'Synthetic description.',
    requestedOn: '2025-01-01',
  };

  it.each([
    ['a duplicate support request reference', () => service.database.db.insert(supportRequests).values({ ...request, reference: 'KSC-2020-0001' })],
    ['a reference in another format', () => service.database.db.insert(supportRequests).values({ ...request, reference: 'case 12' })],
    ['a blank title', () => service.database.db.insert(supportRequests).values({ ...request, title: '  ' })],
    ['a duplicate codename', () => service.database.db.insert(protectedWitnesses).values({ ...witness, codename: 'KESTREL-01' })],
    ['a codename that is not a word and a number', () => service.database.db.insert(protectedWitnesses).values({ ...witness, codename: 'Synthetic Witness 1' })],
    [
      'an identity without a witness',
      () =>
        service.database.db.insert(witnessIdentities).values({
          witnessId: witness.id,
          fullName: 'Synthetic Witness 99',
          dateOfBirth: '1980-01-01',
          currentLocation: 'Synthetic Safe Location 01',
        }),
    ],
    [
      'a second identity for one witness',
      () =>
        service.database.db.insert(witnessIdentities).values({
          witnessId: syntheticId('protected-witness', 1),
          fullName: 'Synthetic Witness 99',
          dateOfBirth: '1980-01-01',
          currentLocation: 'Synthetic Safe Location 01',
        }),
    ],
    [
      'a threat assessment of no witness',
      () =>
        service.database.db.insert(threatAssessments).values({
          id: syntheticId('threat-assessment', 1000),
          witnessId: witness.id,
          occurredOn: '2025-01-02',
          riskLevel: 'LOW',
          summary: 'Synthetic summary.',
        }),
    ],
    [
      'a blank threat assessment summary',
      () =>
        service.database.db.insert(threatAssessments).values({
          id: syntheticId('threat-assessment', 1000),
          witnessId: syntheticId('protected-witness', 1),
          occurredOn: '2025-01-02',
          riskLevel: 'LOW',
          summary: ' ',
        }),
    ],
    [
      'a relocation of no witness',
      () =>
        service.database.db.insert(relocations).values({
          id: syntheticId('relocation', 1000),
          witnessId: witness.id,
          occurredOn: '2025-01-02',
          fromLocation: 'Synthetic Home Town 99',
          toLocation: 'Synthetic Safe Location 99',
        }),
    ],
    // "A relocation to where the witness already lives" is the domain's to refuse now
    // (`checkRelocationTarget`, domain.spec.ts): places are stored encrypted with a random
    // IV, so the database cannot compare two of them.
  ])('refuses %s', async (_label, insert) => {
    await expect(insert()).rejects.toThrow();
  });

  // Seeded witnesses by n: n % 5 → REFERRED (5), ASSESSED (1), ADMITTED (2), RELOCATED (3), EXITED (4).
  const seededWitness = (n: number) => syntheticId('protected-witness', n);
  const db = () => service.database.db;
  const rawSql = (statement: ReturnType<typeof sql>) => () => service.database.db.execute(statement);

  it.each([
    ['a deployment on a logistic request', 'support_requests_deployment_only_operational',
      () => db().insert(supportRequests).values({ ...request, deploymentId: syntheticId('deployment', 1) })],
    ['a KSC reference for the Prosecutor\'s Office', 'support_requests_reference_matches_institution',
      () => db().insert(supportRequests).values({ ...request, institution: 'SPECIALIST_PROSECUTORS_OFFICE' })],
    ['a completed request moved back to APPROVED', 'support_requests_status_transition',
      rawSql(sql`update ${supportRequests} set status = 'APPROVED' where id = ${syntheticId('support-request', 1)}`)],
    ['a history step that skips the workflow', 'support_request_transitions_legal',
      () => db().insert(supportRequestTransitions).values({
        id: syntheticId('support-request-transition', 99999), supportRequestId: syntheticId('support-request', 1),
        fromStatus: 'REQUESTED', toStatus: 'COMPLETED', occurredAt: '2025-01-01T00:00:00Z',
      })],
    ['rewriting a history step', 'support_request_transitions_never_erased',
      rawSql(sql`update ${supportRequestTransitions} set note = 'rewritten' where support_request_id = ${syntheticId('support-request', 1)}`)],
    ['a witness admitted without a threat assessment', 'protected_witnesses_assessment_required',
      () => db().insert(protectedWitnesses).values({ ...witness, status: 'ADMITTED' })],
    ['a witness relocated without a relocation', 'protected_witnesses_relocation_required',
      rawSql(sql`update ${protectedWitnesses} set status = 'RELOCATED' where id = ${seededWitness(2)}`)],
    ['a referred witness moved straight to ADMITTED', 'protected_witnesses_status_transition',
      rawSql(sql`update ${protectedWitnesses} set status = 'ADMITTED' where id = ${seededWitness(5)}`)],
    ['an exited witness moved back', 'protected_witnesses_status_transition',
      rawSql(sql`update ${protectedWitnesses} set status = 'RELOCATED' where id = ${seededWitness(4)}`)],
    ['a threat assessment of an exited witness', 'threat_assessments_witness_open',
      () => db().insert(threatAssessments).values({ id: syntheticId('threat-assessment', 1001), witnessId: seededWitness(4), occurredOn: '2026-01-02', riskLevel: 'LOW', summary: 'Synthetic summary.' })],
    ['a threat assessment before the referral', 'threat_assessments_after_referral',
      () => db().insert(threatAssessments).values({ id: syntheticId('threat-assessment', 1002), witnessId: seededWitness(5), occurredOn: '2020-01-01', riskLevel: 'LOW', summary: 'Synthetic summary.' })],
    ['a relocation of a witness not admitted', 'relocations_witness_admitted',
      () => db().insert(relocations).values({ id: syntheticId('relocation', 1001), witnessId: seededWitness(5), occurredOn: '2026-01-02', fromLocation: 'Synthetic A', toLocation: 'Synthetic B' })],
    ['erasing a witness', 'protected_witnesses_never_erased', rawSql(sql`delete from ${protectedWitnesses} where id = ${seededWitness(4)}`)],
    ['erasing an identity', 'witness_identities_never_erased', rawSql(sql`delete from ${witnessIdentities} where witness_id = ${seededWitness(4)}`)],
    ['erasing a threat assessment', 'threat_assessments_never_erased', rawSql(sql`delete from ${threatAssessments} where witness_id = ${seededWitness(4)}`)],
    ['rewriting a relocation', 'relocations_never_erased', rawSql(sql`update ${relocations} set to_location = 'Synthetic Elsewhere' where witness_id = ${seededWitness(4)}`)],
    ['erasing a relocation', 'relocations_never_erased', rawSql(sql`delete from ${relocations} where witness_id = ${seededWitness(4)}`)],
    ['emptying the witness table', 'protected_witnesses_never_erased', rawSql(sql`truncate ${protectedWitnesses} cascade`)],
  ])('refuses %s (%s)', async (_label, constraint, write) => {
    const error = await write().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(databaseViolation(error)?.constraint).toBe(constraint);
  });

  it('keeps its data over a restart and seeds only once', async () => {
    await service.http.stop();
    service = await start();
    const [counts] = await service.database.rows<{ requests: number; witnesses: number; identities: number }>(
      sql`
        select
          (select count(*)::int from ${supportRequests}) as requests,
          (select count(*)::int from ${protectedWitnesses}) as witnesses,
          (select count(*)::int from ${witnessIdentities}) as identities`,
    );
    expect(counts).toEqual({ requests: 300, witnesses: 40, identities: 40 });
    const [history] = await service.database.rows<{ assessments: number; relocations: number }>(
      sql`
        select
          (select count(*)::int from ${threatAssessments}) as assessments,
          (select count(*)::int from ${relocations}) as relocations`,
    );
    expect(history).toEqual({ assessments: 100, relocations: 24 });
  });

  it('restarted with other witness keys, says at start that it cannot open the identities, and opens none of them', async () => {
    await service.http.stop();
    const lines: string[] = [];
    const logger = createLogger({ service: 'specialist-chambers', level: 'warn', destination: { write: (line: string) => lines.push(line) } });
    const otherKeys = { data: randomBytes(32), assignment: randomBytes(32) };
    service = await createService({ seed: true, dataDir, databaseUrl: testDatabase?.url, internalTokenKey, witnessKeys: otherKeys, logger });
    const warning = lines.map((line) => JSON.parse(line) as { msg: string; identities: number; steps: number }).find((line) => /cannot open/.test(line.msg));
    expect(warning).toMatchObject({ identities: 40, steps: 0 });
    const identities = createWitnessIdentityStore(service.database.db as never, fieldCipher(otherKeys.data));
    await expect(identities.byWitnessIds([syntheticId('protected-witness', 7)])).rejects.toThrow(UnreadableFieldError);
  });
});
