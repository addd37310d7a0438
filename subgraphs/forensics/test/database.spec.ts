import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { seedOnce, type SubgraphInstance, type SubgraphOptions } from '@mission-graph/service-kit';
import {
  createTestDatabase,
  createTestInternalAuth,
  type TestDatabase,
} from '@mission-graph/service-kit/testing';
import { seedForensics } from '../src/seed.js';
import { createService } from '../src/service.js';

const ROW_COUNTS = sql`
  select (select count(*)::int from forensics.missing_persons) as "missingPersons",
    (select count(*)::int from forensics.grave_sites) as "graveSites",
    (select count(*)::int from forensics.field_operations) as "fieldOperations",
    (select count(*)::int from forensics.mortal_remains) as "mortalRemains",
    (select count(*)::int from forensics.identifications) as "identifications",
    (select count(*)::int from forensics.morgue_reviews) as "morgueReviews"`;

const SEEDED = { missingPersons: 1200, graveSites: 300, fieldOperations: 888, mortalRemains: 815, identifications: 555, morgueReviews: 72 };

/** The message of the database error behind a failed statement (drizzle wraps it). */
async function rejectionOf(instance: SubgraphInstance, statement: SQL): Promise<string> {
  try {
    await instance.database.rows(statement);
  } catch (error) {
    return String((error as { cause?: { message?: string } }).cause?.message ?? error);
  }
  throw new Error('statement was accepted');
}

describeOnEachDatabase('forensics database', (flavour) => {
  // A persistent database (data directory or PostgreSQL database) the service restarts on.
  let location: Pick<SubgraphOptions, 'databaseUrl' | 'dataDir' | 'internalTokenKey'>;
  let testDatabase: TestDatabase | undefined;
  let dataDir: string | undefined;
  let running: SubgraphInstance | undefined;

  beforeAll(async () => {
    const { publicKey: internalTokenKey } = (await createTestInternalAuth()).keyPair;
    if (flavour === 'postgres') {
      testDatabase = await createTestDatabase();
      location = { databaseUrl: testDatabase.url, internalTokenKey };
    } else {
      dataDir = mkdtempSync(path.join(tmpdir(), 'forensics-test-'));
      location = { dataDir, internalTokenKey };
    }
  });
  afterAll(async () => {
    await running?.http.stop();
    await testDatabase?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds the whole read model in well under five seconds', async () => {
    const instance = await createService({ ...location, seed: false });
    try {
      const started = performance.now();
      expect(await seedOnce(instance.database, 'forensics', seedForensics)).toBe(true);
      expect(performance.now() - started).toBeLessThan(5000);
      expect((await instance.database.rows(ROW_COUNTS))[0]).toEqual(SEEDED);
    } finally {
      await instance.http.stop();
    }
  });

  it('keeps its data across a restart without seeding twice', async () => {
    running = await createService({ ...location, seed: true });
    expect((await running.database.rows(ROW_COUNTS))[0]).toEqual(SEEDED);
    expect(await seedOnce(running.database, 'forensics', seedForensics)).toBe(false);
  });

  describe('constraints', () => {
    it('requires a grave site for digging', async () => {
      const message = await rejectionOf(running!, sql`
        insert into forensics.field_operations (id, reference, kind, started_on)
        values (gen_random_uuid(), 'FO-2024-9001', 'EXHUMATION', '2024-05-01')`);
      expect(message).toContain('field_operations_digging_needs_site');
    });

    it('keeps operations inside the mandate and ending after they start', async () => {
      const early = await rejectionOf(running!, sql`
        insert into forensics.field_operations (id, reference, kind, started_on)
        values (gen_random_uuid(), 'FO-2008-9002', 'SURVEY', '2008-12-08')`);
      expect(early).toContain('field_operations_within_mandate');
      const backwards = await rejectionOf(running!, sql`
        insert into forensics.field_operations (id, reference, kind, started_on, ended_on)
        values (gen_random_uuid(), 'FO-2024-9003', 'SURVEY', '2024-05-02', '2024-05-01')`);
      expect(backwards).toContain('field_operations_ends_after_start');
    });

    it('accepts only disappearances of 1998-2000 and unique case numbers', async () => {
      const late = await rejectionOf(running!, sql`
        insert into forensics.missing_persons (id, case_number, disappearance_date, municipality, full_name)
        values (gen_random_uuid(), 'MP-2001-99999', '2001-01-01', 'Prizren', 'Synthetic Person 9999')`);
      expect(late).toContain('missing_persons_disappearance_in_period');
      const duplicate = await rejectionOf(running!, sql`
        insert into forensics.missing_persons (id, case_number, disappearance_date, municipality, full_name)
        select gen_random_uuid(), case_number, disappearance_date, municipality, 'Synthetic Person 9999'
        from forensics.missing_persons limit 1`);
      expect(duplicate).toContain('missing_persons_case_number_unique');
    });

    it('identifies a set of remains and a missing person at most once', async () => {
      const identify = (remains: SQL, person: SQL) => sql`
        insert into forensics.identifications (id, remains_id, missing_person_id, method, identified_on, confirming_institution)
        values (gen_random_uuid(), (${remains}), (${person}), 'DNA', '2024-05-01', 'Institute of Forensic Medicine')`;
      const identifiedRemains = sql`select remains_id from forensics.identifications limit 1`;
      const unidentifiedRemains = sql`select id from forensics.mortal_remains where status = 'UNIDENTIFIED' limit 1`;
      const identifiedPerson = sql`select missing_person_id from forensics.identifications where missing_person_id is not null limit 1`;
      expect(await rejectionOf(running!, identify(identifiedRemains, sql`null`))).toContain('identifications_remains_id_unique');
      expect(await rejectionOf(running!, identify(unidentifiedRemains, identifiedPerson))).toContain(
        'identifications_missing_person_id_unique',
      );
    });

    it('holds remains somewhere until they are returned', async () => {
      const message = await rejectionOf(running!, sql`
        update forensics.mortal_remains set held_at = 'Pristina morgue' where status = 'RETURNED'`);
      expect(message).toContain('mortal_remains_held_unless_returned');
    });

    it('left the seeded figures untouched', async () => {
      expect((await running!.database.rows(ROW_COUNTS))[0]).toEqual(SEEDED);
    });
  });
});
