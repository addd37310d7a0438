import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { syntheticId, type SubgraphInstance, type SubgraphOptions } from '@mission-graph/service-kit';
import {
  createTestDatabase,
  createTestInternalAuth,
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
    sql`insert into operations.deployments (id, unit_id, incident_id, engagement_request_id, officers_committed, started_at, ended_at)
        values (${fresh}, ${unit}, ${incident(1)}, ${request(1)}, 106, '2026-05-01T00:00:00Z', '2026-05-02T00:00:00Z')`,
  ],
  [
    'a deployment that ends before it starts',
    'deployments_end_after_start',
    sql`insert into operations.deployments (id, unit_id, incident_id, engagement_request_id, officers_committed, started_at, ended_at)
        values (${fresh}, ${unit}, ${incident(1)}, ${request(1)}, 10, '2026-05-01T00:00:00Z', '2026-04-30T00:00:00Z')`,
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
        values (${fresh}, ${incident(10)}, 'KFOR', 'EULEX_FPU', '2026-05-01T00:00:00Z')`,
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
    'a request that skips a tier',
    'engagement_requests_one_tier_up',
    sql`insert into operations.engagement_requests (id, incident_id, from_responder, to_responder, requested_at)
        values (${fresh}, ${incident(1)}, 'KOSOVO_POLICE', 'KFOR', '2026-05-01T00:00:00Z')`,
  ],
  [
    'a second live request to one tier',
    'engagement_requests_one_live_per_tier_idx',
    sql`insert into operations.engagement_requests (id, incident_id, from_responder, to_responder, requested_at)
        values (${fresh}, ${incident(1)}, 'KOSOVO_POLICE', 'EULEX_FPU', '2026-05-01T00:00:00Z')`,
  ],
  [
    'a request before its incident',
    'engagement_requests_after_incident',
    sql`insert into operations.engagement_requests (id, incident_id, from_responder, to_responder, requested_at)
        values (${fresh}, ${incident(5)}, 'KOSOVO_POLICE', 'EULEX_FPU', '2000-01-01T00:00:00Z')`,
  ],
  [
    'a request by a responder that is not engaged',
    'engagement_requests_requester_engaged',
    sql`insert into operations.engagement_requests (id, incident_id, from_responder, to_responder, requested_at)
        values (${fresh}, ${incident(5)}, 'EULEX_FPU', 'KFOR', '2026-05-01T00:00:00Z')`,
  ],
  [
    'changing a decision already taken',
    'engagement_requests_decision_is_final',
    sql`update operations.engagement_requests set decision = 'DECLINED' where id = ${request(1)}`,
  ],
  [
    'a deployment on a declined request',
    'deployments_require_accepted_request',
    sql`insert into operations.deployments (id, unit_id, incident_id, engagement_request_id, officers_committed, started_at)
        values (${fresh}, ${unit}, ${incident(5)}, ${request(5)}, 10, '2026-05-01T00:00:00Z')`,
  ],
  [
    'a deployment before the request was accepted',
    'deployments_start_after_acceptance',
    sql`insert into operations.deployments (id, unit_id, incident_id, engagement_request_id, officers_committed, started_at)
        values (${fresh}, ${unit}, ${incident(1)}, ${request(1)}, 10, '2000-01-01T00:00:00Z')`,
  ],
  [
    'more officers than the unit has available (93 of 105 deployed)',
    'deployments_within_available_strength',
    sql`insert into operations.deployments (id, unit_id, incident_id, engagement_request_id, officers_committed, started_at)
        values (${fresh}, ${unit}, ${incident(1)}, ${request(1)}, 13, '2026-05-01T00:00:00Z')`,
  ],
  [
    'reopening an ended deployment',
    'deployments_end_is_final',
    sql`update operations.deployments set ended_at = null where id = ${syntheticId('deployment', 1)}`,
  ],
  [
    'an officer on two open deployments',
    'deployment_officers_one_open_deployment',
    sql`insert into operations.deployment_officers (deployment_id, officer_id)
        values (${syntheticId('deployment', 29)}, ${syntheticId('officer', 1)}), (${syntheticId('deployment', 30)}, ${syntheticId('officer', 1)})`,
  ],
  [
    'more named officers than a deployment commits (28)',
    'deployment_officers_within_committed',
    sql`insert into operations.deployment_officers (deployment_id, officer_id)
        select ${syntheticId('deployment', 29)}, id from operations.officers order by id limit 29`,
  ],
  [
    'an exercise without the FPU',
    'exercises_joint_with_fpu',
    sql`with e as (insert into operations.exercises (id, title, starts_on, ends_on, location, objectives)
          values (${fresh}, 'Synthetic', '2026-05-01', '2026-05-01', 'Pristina', 'Drill') returning id)
        insert into operations.exercise_participants (exercise_id, responder_code)
        select e.id, r.code from e, unnest(array['KOSOVO_POLICE', 'KFOR']::operations.security_responder_code[]) as r(code)`,
  ],
  [
    'an exercise of one responder',
    'exercises_joint_with_fpu',
    sql`with e as (insert into operations.exercises (id, title, starts_on, ends_on, location, objectives)
          values (${fresh}, 'Synthetic', '2026-05-01', '2026-05-01', 'Pristina', 'Drill') returning id)
        insert into operations.exercise_participants (exercise_id, responder_code) select e.id, 'EULEX_FPU' from e`,
  ],
  [
    'an exercise outcome recorded before its last day',
    'exercises_outcome_after_last_day',
    sql`update operations.exercises set outcome = 'Done', lessons_learned = 'Some', outcome_recorded_at = '2018-03-05T12:00:00Z'
        where id = ${syntheticId('exercise', 1)}`,
  ],
  [
    'an exercise outcome without lessons learned',
    'exercises_outcome_complete',
    sql`update operations.exercises set outcome = 'Done', outcome_recorded_at = '2026-01-01T00:00:00Z'
        where id = ${syntheticId('exercise', 1)}`,
  ],
  [
    'an incident without a description',
    'incidents_description_not_blank',
    sql`insert into operations.incidents (id, kind, occurred_at, municipality, description)
        values (${fresh}, 'RIOT', '2026-05-01T00:00:00Z', 'Pristina', '  ')`,
  ],
  [
    'a patrol shift longer than a day',
    'patrols_shift_at_most_a_day',
    sql`insert into operations.patrols (id, unit_id, shift_start, shift_end, area, route)
        values (${fresh}, ${unit}, '2027-01-01T00:00:00Z', '2027-01-03T00:00:00Z', 'Pristina', 'C2')`,
  ],
  [
    'a responder in the wrong tier',
    'security_responders_tier_matches_code',
    sql`update operations.security_responders set tier = 4 where code = 'KFOR'`,
  ],
];

describeOnEachDatabase('operations database', (flavour) => {
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

  it('keeps a recorded exercise outcome final (exercises_outcome_is_final)', async () => {
    const exercise = syntheticId('exercise', 2);
    await service.database.db.execute(
      sql`update operations.exercises set outcome = 'Done', lessons_learned = 'Some', outcome_recorded_at = '2026-01-01T00:00:00Z' where id = ${exercise}`,
    );
    const error = await service.database.db
      .execute(sql`update operations.exercises set outcome = 'Rewritten' where id = ${exercise}`)
      .then(
        () => undefined,
        (failure: unknown) => failure as { cause?: { constraint?: string; constraint_name?: string } },
      );
    expect(error?.cause?.constraint ?? error?.cause?.constraint_name).toBe('exercises_outcome_is_final');
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
