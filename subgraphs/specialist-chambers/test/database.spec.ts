/**
 * What the database itself guarantees, whichever writer comes along, and that a
 * restart on the same storage keeps the data without seeding it twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { syntheticId, type SubgraphInstance, type SubgraphOptions } from '@mission-graph/service-kit';
import { sql } from 'drizzle-orm';
import {
  createTestDatabase,
  createTestInternalAuth,
  databaseFlavours,
  type TestDatabase,
} from '@mission-graph/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectedWitnesses, relocations, supportRequests, threatAssessments, witnessIdentities } from '../src/db/schema.js';
import { createService } from '../src/service.js';

describe.each(databaseFlavours)('specialist-chambers storage on %s', (flavour) => {
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
    [
      'a relocation to where the witness already lives',
      () =>
        service.database.db.insert(relocations).values({
          id: syntheticId('relocation', 1000),
          witnessId: syntheticId('protected-witness', 3),
          occurredOn: '2025-01-02',
          fromLocation: 'Synthetic Safe Location 39',
          toLocation: 'Synthetic Safe Location 39',
        }),
    ],
  ])('refuses %s', async (_label, insert) => {
    await expect(insert()).rejects.toThrow();
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
});
