import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticId, type SubgraphInstance, type SubgraphOptions } from '@mission-graph/service-kit';
import {
  createTestDatabase,
  createTestInternalAuth,
  databaseFlavours,
  type TestDatabase,
} from '@mission-graph/service-kit/testing';
import { sql, type SQL } from 'drizzle-orm';
import { createService } from '../src/service.js';

/**
 * The invariants the database itself enforces, whoever writes: each statement breaks
 * one rule and must be refused by its constraint (seeded rows make the rest valid).
 * Then seeding once across restarts, on persistent storage of each flavour.
 */
const unit = syntheticId('formed-police-unit', 1);
const incident = (n: number) => syntheticId('incident', n);
const request = (n: number) => syntheticId('engagement-request', n);
const fresh = '00000000-0000-4000-8000-0000000000aa';

const violations: [rule: string, constraint: string, statement: SQL][] = [
  [
    'more officers than the unit has',
    'deployments_officers_committed_within_unit',
    sql`insert into operations.deployments (id, unit_id, incident_id, engagement_request_id, officers_committed, started_at)
        values (${fresh}, ${unit}, ${incident(39)}, ${request(39)}, 106, '2026-05-01T00:00:00Z')`,
  ],
  [
    'a deployment that ends before it starts',
    'deployments_end_after_start',
    sql`insert into operations.deployments (id, unit_id, incident_id, engagement_request_id, officers_committed, started_at, ended_at)
        values (${fresh}, ${unit}, ${incident(39)}, ${request(39)}, 10, '2026-05-01T00:00:00Z', '2026-04-30T00:00:00Z')`,
  ],
  [
    "a deployment on another incident's request",
    'deployments_engagement_request_of_incident_fk',
    sql`insert into operations.deployments (id, unit_id, incident_id, engagement_request_id, officers_committed, started_at)
        values (${fresh}, ${unit}, ${incident(40)}, ${request(39)}, 10, '2026-05-01T00:00:00Z')`,
  ],
  [
    'a second deployment on one request',
    'deployments_engagement_request_id_unique',
    sql`insert into operations.deployments (id, unit_id, incident_id, engagement_request_id, officers_committed, started_at)
        values (${fresh}, ${unit}, ${incident(1)}, ${request(1)}, 10, '2026-05-01T00:00:00Z')`,
  ],
  [
    'a request down the tiers',
    'engagement_requests_escalate_upwards',
    sql`insert into operations.engagement_requests (id, incident_id, from_responder, to_responder, requested_at)
        values (${fresh}, ${incident(1)}, 'KFOR', 'EULEX_FPU', '2026-05-01T00:00:00Z')`,
  ],
  [
    'a decided request without a decision time',
    'engagement_requests_decided_at_iff_decided',
    sql`insert into operations.engagement_requests (id, incident_id, from_responder, to_responder, requested_at, decision)
        values (${fresh}, ${incident(1)}, 'KOSOVO_POLICE', 'EULEX_FPU', '2026-05-01T00:00:00Z', 'ACCEPTED')`,
  ],
  [
    'an exercise that ends before it starts',
    'exercises_ends_on_or_after_start',
    sql`insert into operations.exercises (id, title, starts_on, ends_on, location, objectives)
        values (${fresh}, 'Synthetic', '2026-05-02', '2026-05-01', 'Pristina', 'None')`,
  ],
  [
    'a patrol shift that ends before it starts',
    'patrols_shift_end_after_start',
    sql`insert into operations.patrols (id, unit_id, shift_start, shift_end, area, route)
        values (${fresh}, ${unit}, '2027-01-01T08:00:00Z', '2027-01-01T00:00:00Z', 'Pristina', 'C2')`,
  ],
  [
    'a responder in the wrong tier',
    'security_responders_tier_matches_code',
    sql`update operations.security_responders set tier = 4 where code = 'KFOR'`,
  ],
];

describe.each(databaseFlavours)('operations database on %s', (flavour) => {
  let service: SubgraphInstance;
  let testDatabase: TestDatabase | undefined;
  let internalTokenKey: SubgraphOptions['internalTokenKey'];

  beforeAll(async () => {
    internalTokenKey = (await createTestInternalAuth()).keyPair.publicKey;
    if (flavour === 'postgres') testDatabase = await createTestDatabase();
    service = await createService({ seed: true, databaseUrl: testDatabase?.url, internalTokenKey });
  });

  afterAll(async () => {
    await service?.http.stop();
    await testDatabase?.drop();
  });

  it.each(violations)('refuses %s (%s)', async (_rule, constraint, statement) => {
    const error = await service.database.db.execute(statement).then(
      () => undefined,
      (failure: unknown) => failure as { cause?: { constraint?: string; constraint_name?: string } },
    );
    expect(error).toBeDefined();
    // PGlite reports `constraint`, postgres.js `constraint_name`.
    expect(error?.cause?.constraint ?? error?.cause?.constraint_name).toBe(constraint);
  });

  it('seeds once: a restart on the same storage keeps the data and adds nothing', async () => {
    const dataDir = testDatabase ? undefined : mkdtempSync(path.join(tmpdir(), 'operations-seed-'));
    try {
      for (const start of ['first', 'second']) {
        const restarted = await createService({ seed: true, databaseUrl: testDatabase?.url, dataDir, internalTokenKey });
        try {
          const [row] = await restarted.database.rows<{ patrols: number; officers: number }>(
            sql`select (select count(*)::int from operations.patrols) as patrols, (select count(*)::int from operations.officers) as officers`,
          );
          expect({ start, ...row }).toEqual({ start, patrols: 3099, officers: 105 });
        } finally {
          await restarted.http.stop();
        }
      }
    } finally {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
