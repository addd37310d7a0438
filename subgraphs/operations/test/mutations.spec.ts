import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { syntheticId, type Caller } from '@mission-graph/service-kit';
import { startSubgraph, type GraphQLResponse, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { sql } from 'drizzle-orm';
import { createService } from '../src/service.js';

/**
 * The operations mutations over HTTP, on every database flavour: each rule refused
 * with its typed error, refusals leaving no row behind, and the strength rule under
 * concurrent deployments. Seed facts used: 93 of the unit's 105 officers are on the open
 * deployments 29 (28) and 30 (65); patrols cover 2024-01-01 to 2026-10-31 in 8-hour
 * shifts but for the deliberate gaps.
 */

describeOnEachDatabase('operations mutations', (flavour) => {
  let operations: RunningSubgraph;

  const query = (text: string, variables: Record<string, unknown> = {}, caller?: Partial<Caller>): Promise<GraphQLResponse> =>
    operations.query(text, variables, caller);

  async function data<Shape = Record<string, unknown>>(text: string, variables: Record<string, unknown> = {}) {
    const result = await query(text, variables);
    expect(result.errors).toBeUndefined();
    return result.data as Shape;
  }

  async function failure(text: string, variables: Record<string, unknown> = {}) {
    const result = await query(text, variables);
    expect(result.errors, 'expected the operation to fail').toBeDefined();
    const error = result.errors?.[0];
    return { code: error?.extensions?.code, argument: error?.extensions?.argument, extensions: error?.extensions, message: error?.message };
  }

  async function count(table: string): Promise<number> {
    const [row] = await operations.instance.database.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(`operations.${table}`)}`);
    return row?.n ?? -1;
  }

  const REPORT = `mutation ($input: ReportIncidentInput!) { reportIncident(input: $input) { incident { id occurredAt municipality } } }`;
  const REQUEST = `mutation ($input: RequestEngagementInput!) { requestEngagement(input: $input) {
    engagementRequest { id decision fromResponder { code } toResponder { code } requestedAt } } }`;
  const DECIDE = `mutation ($input: DecideEngagementRequestInput!) { decideEngagementRequest(input: $input) { engagementRequest { id decision decidedAt } } }`;
  const WITHDRAW = `mutation ($input: WithdrawEngagementRequestInput!) { withdrawEngagementRequest(input: $input) { engagementRequest { id decision } } }`;
  const DEPLOY = `mutation ($input: DeployFormedPoliceUnitInput!) { deployFormedPoliceUnit(input: $input) {
    deployment { id officersCommitted startedAt endedAt engagementRequest { id } officers { id rank } } } }`;
  const END = `mutation ($input: EndDeploymentInput!) { endDeployment(input: $input) { deployment { id endedAt } } }`;
  const STRENGTH = '{ formedPoliceUnit { deployedStrength availableStrength } }';

  /** A fresh incident reported at `occurredAt`; its id. */
  async function report(occurredAt: string, municipality = 'Zvečan'): Promise<string> {
    const result = await data<{ reportIncident: { incident: { id: string } } }>(REPORT, {
      input: { kind: 'RIOT', occurredAt, municipality, description: 'Synthetic riot near the bridge' },
    });
    return result.reportIncident.incident.id;
  }

  /** A fresh incident with Kosovo Police's request to the FPU accepted; incident and request ids. */
  async function acceptedIncident(occurredAt: string): Promise<{ incidentId: string; requestId: string }> {
    const incidentId = await report(occurredAt);
    const at = new Date(Date.parse(occurredAt) + 30 * 60_000).toISOString();
    const requested = await data<{ requestEngagement: { engagementRequest: { id: string } } }>(REQUEST, {
      input: { incidentId, fromResponder: 'KOSOVO_POLICE', requestedAt: at },
    });
    const requestId = requested.requestEngagement.engagementRequest.id;
    await data(DECIDE, { input: { engagementRequestId: requestId, decision: 'ACCEPTED', decidedAt: at } });
    return { incidentId, requestId };
  }

  beforeAll(async () => {
    operations = await startSubgraph(createService, flavour);
  });

  afterAll(async () => {
    await operations?.stop();
  });

  describe('incidents and engagement', () => {
    it('reports an incident; a blank municipality is refused and leaves no row', async () => {
      const before = await count('incidents');
      const id = await report('2026-11-01T10:00:00Z');
      expect(await count('incidents')).toBe(before + 1);
      expect(
        await failure(REPORT, { input: { kind: 'RIOT', occurredAt: '2026-11-01T10:00:00Z', municipality: ' ', description: 'x' } }),
      ).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.municipality' });
      expect(await count('incidents')).toBe(before + 1);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      // What changed is reported whatever the client selected (the gateway's OUTCOME audit event names it).
      const reported = await query('mutation ($input: ReportIncidentInput!) { reportIncident(input: $input) { __typename } }', {
        input: { kind: 'RIOT', occurredAt: '2026-11-01T11:00:00Z', municipality: 'Zvečan', description: 'Synthetic riot near the bridge' },
      });
      const [row] = await operations.instance.database.rows<{ id: string }>(sql`select id from operations.incidents where occurred_at = '2026-11-01T11:00:00Z'`);
      expect(reported.changed).toEqual([{ type: 'Incident', id: row!.id }]);
    });

    it('moves one tier at a time: police ask the FPU, the FPU asks KFOR only once engaged', async () => {
      const incidentId = await report('2026-11-02T10:00:00Z');
      const toKfor = { input: { incidentId, fromResponder: 'EULEX_FPU', requestedAt: '2026-11-02T10:10:00Z' } };
      expect(await failure(REQUEST, toKfor)).toMatchObject({
        code: 'CONFLICT',
        extensions: expect.objectContaining({ currentState: 'NOT_ENGAGED', requestedState: 'ENGAGEMENT_REQUESTED' }),
      });
      expect(await failure(REQUEST, { input: { incidentId, fromResponder: 'KFOR' } })).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'input.fromResponder',
      });
      const { requestEngagement } = await data<{ requestEngagement: { engagementRequest: Record<string, unknown> } }>(REQUEST, {
        input: { incidentId, fromResponder: 'KOSOVO_POLICE', requestedAt: '2026-11-02T10:20:00Z' },
      });
      expect(requestEngagement.engagementRequest).toMatchObject({
        decision: 'PENDING',
        fromResponder: { code: 'KOSOVO_POLICE' },
        toResponder: { code: 'EULEX_FPU' },
      });
      const before = await count('engagement_requests');
      expect(await failure(REQUEST, { input: { incidentId, fromResponder: 'KOSOVO_POLICE' } })).toMatchObject({
        code: 'CONFLICT',
        extensions: expect.objectContaining({ currentState: 'PENDING' }),
      });
      await data(DECIDE, {
        input: { engagementRequestId: requestEngagement.engagementRequest.id, decision: 'ACCEPTED', decidedAt: '2026-11-02T10:30:00Z' },
      });
      const escalated = await data<{ requestEngagement: { engagementRequest: Record<string, unknown> } }>(REQUEST, {
        input: { ...toKfor.input, requestedAt: '2026-11-02T11:00:00Z' },
      });
      expect(escalated.requestEngagement.engagementRequest).toMatchObject({ toResponder: { code: 'KFOR' } });
      expect(await count('engagement_requests')).toBe(before + 1);
    });

    it('refuses a request before its incident, on an unknown incident, or with a malformed id', async () => {
      const incidentId = await report('2026-11-03T10:00:00Z');
      expect(
        await failure(REQUEST, { input: { incidentId, fromResponder: 'KOSOVO_POLICE', requestedAt: '2026-11-03T09:00:00Z' } }),
      ).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.requestedAt' });
      expect(
        await failure(REQUEST, { input: { incidentId: '00000000-0000-4000-8000-000000000000', fromResponder: 'KOSOVO_POLICE' } }),
      ).toMatchObject({ code: 'NOT_FOUND' });
      expect(await failure(REQUEST, { input: { incidentId: 'nope', fromResponder: 'KOSOVO_POLICE' } })).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'input.incidentId',
      });
    });

    it('withdraws only a pending request, and decides only a pending one (CONFLICT naming both states)', async () => {
      const incidentId = await report('2026-11-04T10:00:00Z');
      const { requestEngagement } = await data<{ requestEngagement: { engagementRequest: { id: string } } }>(REQUEST, {
        input: { incidentId, fromResponder: 'KOSOVO_POLICE', requestedAt: '2026-11-04T10:05:00Z' },
      });
      const id = requestEngagement.engagementRequest.id;
      expect(
        await failure(DECIDE, { input: { engagementRequestId: id, decision: 'ACCEPTED', decidedAt: '2026-11-04T10:00:00Z' } }),
      ).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.decidedAt' });
      await data(WITHDRAW, { input: { engagementRequestId: id, withdrawnAt: '2026-11-04T10:06:00Z' } });
      expect(await failure(DECIDE, { input: { engagementRequestId: id, decision: 'ACCEPTED' } })).toMatchObject({
        code: 'CONFLICT',
        extensions: expect.objectContaining({ currentState: 'WITHDRAWN', requestedState: 'ACCEPTED' }),
      });
      expect(await failure(WITHDRAW, { input: { engagementRequestId: syntheticId('engagement-request', 1) } })).toMatchObject({
        code: 'CONFLICT',
        extensions: expect.objectContaining({ currentState: 'ACCEPTED', requestedState: 'WITHDRAWN' }),
      });
      const [row] = await operations.instance.database.rows<{ decision: string }>(
        sql`select decision from operations.engagement_requests where id = ${syntheticId('engagement-request', 1)}`,
      );
      expect(row?.decision).toBe('ACCEPTED');
    });
  });

  describe('deployments', () => {
    it('refuses ENGAGEMENT_NOT_REQUESTED without an accepted request, leaving no row behind', async () => {
      const incidentId = await report('2026-11-05T10:00:00Z');
      const before = await count('deployments');
      const namedBefore = await count('deployment_officers');
      const deploy = { input: { incidentId, officersCommitted: 1, officerIds: [syntheticId('officer', 9)], startedAt: '2026-11-05T12:00:00Z' } };
      expect(await failure(DEPLOY, deploy)).toMatchObject({ code: 'ENGAGEMENT_NOT_REQUESTED', argument: 'input.incidentId' });

      const { requestEngagement } = await data<{ requestEngagement: { engagementRequest: { id: string } } }>(REQUEST, {
        input: { incidentId, fromResponder: 'KOSOVO_POLICE', requestedAt: '2026-11-05T10:30:00Z' },
      });
      const id = requestEngagement.engagementRequest.id;
      expect(await failure(DEPLOY, deploy)).toMatchObject({ code: 'ENGAGEMENT_NOT_REQUESTED' }); // pending
      await data(WITHDRAW, { input: { engagementRequestId: id, withdrawnAt: '2026-11-05T10:40:00Z' } });
      expect(await failure(DEPLOY, deploy)).toMatchObject({
        code: 'ENGAGEMENT_NOT_REQUESTED',
        extensions: expect.objectContaining({ requestDecision: 'WITHDRAWN' }),
      });
      // Declined seed request (incident 5).
      expect(await failure(DEPLOY, { input: { incidentId: syntheticId('incident', 5), officersCommitted: 1 } })).toMatchObject({
        code: 'ENGAGEMENT_NOT_REQUESTED',
      });
      expect(await count('deployments')).toBe(before);
      expect(await count('deployment_officers')).toBe(namedBefore);
    });

    it('deploys on an accepted request within the available strength, ends after the start, and frees the officers', async () => {
      const { incidentId, requestId } = await acceptedIncident('2026-11-06T10:00:00Z');
      const before = await count('deployments');
      expect(
        await failure(DEPLOY, { input: { incidentId, officersCommitted: 13, startedAt: '2026-11-06T11:00:00Z' } }),
      ).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'input.officersCommitted',
        extensions: expect.objectContaining({ availableStrength: 12, requested: 13 }),
      });
      expect(
        await failure(DEPLOY, { input: { incidentId, officersCommitted: 2, startedAt: '2026-11-06T10:00:00Z' } }),
      ).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.startedAt' });
      expect(await count('deployments')).toBe(before);

      const { deployFormedPoliceUnit } = await data<{ deployFormedPoliceUnit: { deployment: Record<string, unknown> } }>(DEPLOY, {
        input: { incidentId, officersCommitted: 12, startedAt: '2026-11-06T11:00:00Z' },
      });
      const deployment = deployFormedPoliceUnit.deployment;
      expect(deployment).toMatchObject({ officersCommitted: 12, endedAt: null, engagementRequest: { id: requestId } });
      expect(await data(STRENGTH)).toEqual({ formedPoliceUnit: { deployedStrength: 105, availableStrength: 0 } });
      expect(await failure(DEPLOY, { input: { incidentId, officersCommitted: 1 } })).toMatchObject({ code: 'CONFLICT' });

      const end = (endedAt: string) => ({ input: { deploymentId: deployment.id, endedAt } });
      expect(await failure(END, end('2026-11-06T11:00:00Z'))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.endedAt' });
      await data(END, end('2026-11-06T19:00:00Z'));
      expect(await failure(END, end('2026-11-06T20:00:00Z'))).toMatchObject({
        code: 'CONFLICT',
        extensions: expect.objectContaining({ currentState: 'ENDED' }),
      });
      expect(await data(STRENGTH)).toEqual({ formedPoliceUnit: { deployedStrength: 93, availableStrength: 12 } });
    });

    it('never commits more than the available strength when deployments race', async () => {
      // Free deployment 30 (65 officers): 77 available; each racer asks 40, so only one fits.
      await data(END, { input: { deploymentId: syntheticId('deployment', 30), endedAt: '2026-11-07T00:00:00Z' } });
      const incidents = await Promise.all(
        ['2026-11-07T10:00:00Z', '2026-11-07T11:00:00Z', '2026-11-07T12:00:00Z', '2026-11-07T13:00:00Z'].map(acceptedIncident),
      );
      const before = await count('deployments');
      const results = await Promise.all(
        incidents.map(({ incidentId }) =>
          query(DEPLOY, { input: { incidentId, officersCommitted: 40, startedAt: '2026-11-07T14:00:00Z' } }),
        ),
      );
      const refused = results.filter((result) => result.errors);
      expect(results.length - refused.length).toBe(1);
      expect(refused.map((result) => result.errors?.[0]?.extensions?.argument)).toEqual([
        'input.officersCommitted',
        'input.officersCommitted',
        'input.officersCommitted',
      ]);
      expect(await count('deployments')).toBe(before + 1);
      expect(await data(STRENGTH)).toEqual({ formedPoliceUnit: { deployedStrength: 68, availableStrength: 37 } });
    });

    it('assigns named officers, keeps their personal fields protected, and refuses double assignment', async () => {
      const first = await acceptedIncident('2026-11-08T10:00:00Z');
      const second = await acceptedIncident('2026-11-08T11:00:00Z');
      const officers = [syntheticId('officer', 1), syntheticId('officer', 2)];
      expect(
        await failure(DEPLOY, { input: { incidentId: first.incidentId, officersCommitted: 3, officerIds: officers } }),
      ).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.officerIds' });
      expect(
        await failure(DEPLOY, {
          input: { incidentId: first.incidentId, officersCommitted: 1, officerIds: ['00000000-0000-4000-8000-000000000001'] },
        }),
      ).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.officerIds' });
      const { deployFormedPoliceUnit } = await data<{ deployFormedPoliceUnit: { deployment: { id: string; officers: unknown[] } } }>(
        DEPLOY,
        { input: { incidentId: first.incidentId, officersCommitted: 2, officerIds: officers } },
      );
      expect(deployFormedPoliceUnit.deployment.officers).toEqual([
        { id: syntheticId('officer', 1), rank: 'SUB_INSPECTOR' },
        { id: syntheticId('officer', 2), rank: 'CHIEF_COMMISSIONER' },
      ]);
      const before = await count('deployments');
      expect(
        await failure(DEPLOY, { input: { incidentId: second.incidentId, officersCommitted: 1, officerIds: [officers[0]] } }),
      ).toMatchObject({ code: 'CONFLICT', argument: 'input.officerIds' });
      expect(await count('deployments')).toBe(before);

      // Seeded ended deployments name all the officers they committed (deployment 1: 57).
      const seeded = await data<{ incident: { deployments: { officersCommitted: number; officers: unknown[] }[] } }>(
        'query ($id: ID!) { incident(id: $id) { deployments { officersCommitted officers { id } } } }',
        { id: syntheticId('incident', 1) },
      );
      expect(seeded.incident.deployments.map((d) => [d.officersCommitted, d.officers.length])).toEqual([[57, 57]]);

      const withoutPersonnel = await query(
        'query ($id: ID!) { incident(id: $id) { deployments { officers { rank fullName } } } }',
        { id: first.incidentId },
        { scopes: new Set(['operations:read']) },
      );
      expect(withoutPersonnel.errors?.map((error) => error.extensions?.code)).toContain('UNAUTHORIZED_FIELD_OR_TYPE');
    });

    it("shows an incident's whole timeline in order", async () => {
      const { incidentId } = await acceptedIncident('2026-11-09T10:00:00Z');
      const { deployFormedPoliceUnit } = await data<{ deployFormedPoliceUnit: { deployment: { id: string } } }>(DEPLOY, {
        input: { incidentId, officersCommitted: 5, startedAt: '2026-11-09T11:00:00Z' },
      });
      await data(REQUEST, { input: { incidentId, fromResponder: 'EULEX_FPU', requestedAt: '2026-11-09T12:00:00Z' } });
      await data(END, { input: { deploymentId: deployFormedPoliceUnit.deployment.id, endedAt: '2026-11-09T18:00:00Z' } });
      const { incident } = await data<{ incident: { timeline: { at: string; kind: string; deployment: unknown }[] } }>(
        'query ($id: ID!) { incident(id: $id) { timeline { at kind engagementRequest { toResponder { code } } deployment { officersCommitted } } } }',
        { id: incidentId },
      );
      expect(incident.timeline).toEqual([
        { at: '2026-11-09T10:00:00.000Z', kind: 'REPORTED', engagementRequest: null, deployment: null },
        { at: '2026-11-09T10:30:00.000Z', kind: 'ENGAGEMENT_REQUESTED', engagementRequest: { toResponder: { code: 'EULEX_FPU' } }, deployment: null },
        { at: '2026-11-09T10:30:00.000Z', kind: 'ENGAGEMENT_ACCEPTED', engagementRequest: { toResponder: { code: 'EULEX_FPU' } }, deployment: null },
        { at: '2026-11-09T11:00:00.000Z', kind: 'DEPLOYMENT_STARTED', engagementRequest: null, deployment: { officersCommitted: 5 } },
        { at: '2026-11-09T12:00:00.000Z', kind: 'ENGAGEMENT_REQUESTED', engagementRequest: { toResponder: { code: 'KFOR' } }, deployment: null },
        { at: '2026-11-09T18:00:00.000Z', kind: 'DEPLOYMENT_ENDED', engagementRequest: null, deployment: { officersCommitted: 5 } },
      ]);
    });

    it('refuses a mutation to a caller without operations:write, changing nothing', async () => {
      const before = await count('incidents');
      const result = await query(
        REPORT,
        { input: { kind: 'RIOT', occurredAt: '2026-11-01T10:00:00Z', municipality: 'Peja', description: 'x' } },
        { scopes: new Set(['operations:read']) },
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
      expect(await count('incidents')).toBe(before);
    });
  });

  describe('patrols and coverage', () => {
    const COVERAGE = `query ($from: Date!, $to: Date!) { patrolCoverage(from: $from, to: $to) {
      totalHours coveredHours uncoveredHours gaps { start end hours } } }`;
    const LOG = `mutation ($input: LogPatrolInput!) { logPatrol(input: $input) { patrol { shiftStart shiftEnd area kind } } }`;

    it('finds every gap, merging adjacent uncovered shifts', async () => {
      const { patrolCoverage } = await data<{ patrolCoverage: unknown }>(COVERAGE, { from: '2024-11-01', to: '2024-11-03' });
      expect(patrolCoverage).toEqual({
        totalHours: 72,
        coveredHours: 48,
        uncoveredHours: 24,
        gaps: [{ start: '2024-11-02T00:00:00.000Z', end: '2024-11-03T00:00:00.000Z', hours: 24 }],
      });
      const year = await data<{ patrolCoverage: { gaps: { start: string }[]; uncoveredHours: number } }>(COVERAGE, {
        from: '2025-01-01',
        to: '2025-12-31',
      });
      expect(year.patrolCoverage.gaps.map((gap) => gap.start)).toEqual(['2025-06-10T16:00:00.000Z']);
      expect(year.patrolCoverage.uncoveredHours).toBe(8);
      const none = await data<{ patrolCoverage: unknown }>(COVERAGE, { from: '2023-06-01', to: '2023-06-01' });
      expect(none.patrolCoverage).toEqual({
        totalHours: 24,
        coveredHours: 0,
        uncoveredHours: 24,
        gaps: [{ start: '2023-06-01T00:00:00.000Z', end: '2023-06-02T00:00:00.000Z', hours: 24 }],
      });
      const decades = await data<{ patrolCoverage: { gaps: { start: string; end: string }[] } }>(COVERAGE, {
        from: '2000-01-01',
        to: '2030-12-31',
      });
      expect(decades.patrolCoverage.gaps).toHaveLength(6); // before 2024, the 4 stretches inside, after 2026-10-31
      expect(decades.patrolCoverage.gaps[0]).toEqual({ start: '2000-01-01T00:00:00.000Z', end: '2024-01-01T00:00:00.000Z', hours: 210384 });
      expect(await failure(COVERAGE, { from: '2024-01-02', to: '2024-01-01' })).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'to' });
    });

    it('logs a shift of the pattern, closing its gap; refuses a misaligned or duplicate shift', async () => {
      const before = await count('patrols');
      const input = { shiftStart: '2024-03-15T00:00:00Z', area: 'Pristina', route: 'C2: Pristina ring road' };
      expect(await failure(LOG, { input: { ...input, shiftStart: '2024-03-15T02:00:00Z' } })).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'input.shiftStart',
      });
      expect(await failure(LOG, { input: { ...input, area: '  ' } })).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.area' });
      const { logPatrol } = await data<{ logPatrol: unknown }>(LOG, { input });
      expect(logPatrol).toEqual({
        patrol: { shiftStart: '2024-03-15T00:00:00.000Z', shiftEnd: '2024-03-15T08:00:00.000Z', area: 'Pristina', kind: 'MOBILE_RECONNAISSANCE' },
      });
      expect(await failure(LOG, { input })).toMatchObject({ code: 'CONFLICT' });
      expect(await count('patrols')).toBe(before + 1);
      const { patrolCoverage } = await data<{ patrolCoverage: { gaps: unknown[]; coveredHours: number } }>(COVERAGE, {
        from: '2024-03-15',
        to: '2024-03-15',
      });
      expect(patrolCoverage).toMatchObject({ gaps: [], coveredHours: 24 });
    });
  });

  describe('exercises', () => {
    const SCHEDULE = `mutation ($input: ScheduleExerciseInput!) { scheduleExercise(input: $input) {
      exercise { id startsOn endsOn participants { code } outcome } } }`;
    const OUTCOME = `mutation ($input: RecordExerciseOutcomeInput!) { recordExerciseOutcome(input: $input) {
      exercise { outcome lessonsLearned outcomeRecordedAt } } }`;
    const exercise = {
      title: 'Synthetic Shield 99',
      startsOn: '2026-09-01',
      endsOn: '2026-09-02',
      location: 'Pristina',
      objectives: 'Hand-over drill',
      participants: ['KFOR', 'EULEX_FPU'],
    };

    it('refuses an exercise of one participant, without the FPU, or ending before it starts; none is left behind', async () => {
      const before = await count('exercises');
      expect(await failure(SCHEDULE, { input: { ...exercise, participants: ['EULEX_FPU', 'EULEX_FPU'] } })).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'input.participants',
      });
      expect(await failure(SCHEDULE, { input: { ...exercise, participants: ['KOSOVO_POLICE', 'KFOR'] } })).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'input.participants',
      });
      expect(await failure(SCHEDULE, { input: { ...exercise, endsOn: '2026-08-31' } })).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'input.endsOn',
      });
      expect(await count('exercises')).toBe(before);
      expect(await count('exercise_participants')).toBe(58);
    });

    it('schedules an exercise and records its outcome once, not before its last day', async () => {
      const { scheduleExercise } = await data<{ scheduleExercise: { exercise: { id: string; participants: unknown } } }>(SCHEDULE, {
        input: exercise,
      });
      expect(scheduleExercise.exercise.participants).toEqual([{ code: 'EULEX_FPU' }, { code: 'KFOR' }]);
      const outcome = { exerciseId: scheduleExercise.exercise.id, outcome: 'Line held', lessonsLearned: 'Radio hand-over late' };
      const recorded = await data<{ recordExerciseOutcome: { exercise: Record<string, unknown> } }>(OUTCOME, { input: outcome });
      expect(recorded.recordExerciseOutcome.exercise).toMatchObject({ outcome: 'Line held', lessonsLearned: 'Radio hand-over late' });
      expect(await failure(OUTCOME, { input: outcome })).toMatchObject({
        code: 'CONFLICT',
        extensions: expect.objectContaining({ currentState: 'OUTCOME_RECORDED' }),
      });

      const future = await data<{ scheduleExercise: { exercise: { id: string } } }>(SCHEDULE, {
        input: { ...exercise, startsOn: '2999-01-01', endsOn: '2999-01-02' },
      });
      expect(await failure(OUTCOME, { input: { ...outcome, exerciseId: future.scheduleExercise.exercise.id } })).toMatchObject({
        code: 'CONFLICT',
        extensions: expect.objectContaining({ currentState: 'SCHEDULED', requestedState: 'OUTCOME_RECORDED' }),
      });
      expect(await failure(OUTCOME, { input: { ...outcome, lessonsLearned: ' ' } })).toMatchObject({
        code: 'BAD_USER_INPUT',
        argument: 'input.lessonsLearned',
      });
    });
  });
});
