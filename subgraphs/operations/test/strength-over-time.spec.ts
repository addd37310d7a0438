/**
 * FPU strength over time (issue 14): at no instant do overlapping deployments commit
 * more officers than the unit's 105, back-dated deployments included — in the service
 * and in the database, and when two back-dated deployments race.
 * Seed facts used: deployment 1 ran for hours in the past; deployments 29 (28) and 30
 * (65) are open, and are ended first so that only the past can be crowded.
 */
import { syntheticId } from '@mission-graph/service-kit';
import { errorCodes, onlyErrorOf, startSubgraph, type RunningSubgraph } from '@mission-graph/service-kit/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import { createService } from '../src/service.js';

const REPORT = `mutation ($input: ReportIncidentInput!) { reportIncident(input: $input) { incident { id } } }`;
const REQUEST = `mutation ($input: RequestEngagementInput!) { requestEngagement(input: $input) { engagementRequest { id } } }`;
const DECIDE = `mutation ($input: DecideEngagementRequestInput!) { decideEngagementRequest(input: $input) { engagementRequest { id } } }`;
const DEPLOY = `mutation ($input: DeployFormedPoliceUnitInput!) { deployFormedPoliceUnit(input: $input) { deployment { id officersCommitted startedAt } } }`;
const END = `mutation ($input: EndDeploymentInput!) { endDeployment(input: $input) { deployment { id endedAt } } }`;

const HOUR = 3_600_000;
const iso = (epoch: number) => new Date(epoch).toISOString();

describeOnEachDatabase('FPU strength over time', (flavour) => {
  let operations: RunningSubgraph;
  /** The seed's deployment 1: when it ran and how many officers it committed. */
  let first: { started: number; ended: number; officers: number };

  beforeAll(async () => {
    operations = await startSubgraph(createService, flavour);
    const [row] = await operations.instance.database.rows<{ started: string; ended: string; officers: number }>(sql`
      select started_at::text as started, ended_at::text as ended, officers_committed as officers
      from operations.deployments where id = ${syntheticId('deployment', 1)}`);
    const epoch = (text: string) => Date.parse(text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
    first = { started: epoch(row!.started), ended: epoch(row!.ended), officers: row!.officers };
    // Nothing is deployed now: only the past can be crowded.
    for (const n of [29, 30]) {
      const ended = await operations.query(END, { input: { deploymentId: syntheticId('deployment', n), endedAt: '2026-11-20T00:00:00Z' } });
      expect(ended.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await operations?.stop();
  });

  /**
   * The oracle, independent of the database's own function: the most officers deployed
   * at once over [from, until), from every deployment's row (a step function that rises
   * only where a deployment starts).
   */
  async function peakOver(from: number, until = Infinity): Promise<{ peak: number; at: number }> {
    const rows = await operations.instance.database.rows<{ started: string; ended: string | null; officers: number }>(sql`
      select to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as started,
             to_char(ended_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ended, officers_committed as officers
      from operations.deployments`);
    const spans = rows.map((row) => ({ start: Date.parse(row.started), end: row.ended ? Date.parse(row.ended) : Infinity, officers: row.officers }));
    const instants = [from, ...spans.map((span) => span.start).filter((start) => start > from && start < until)];
    let best = { peak: -1, at: from };
    for (const at of instants.sort((a, b) => a - b)) {
      const load = spans.filter((span) => span.start <= at && span.end > at).reduce((sum, span) => sum + span.officers, 0);
      if (load > best.peak) best = { peak: load, at };
    }
    return best;
  }
  const end = async (deploymentId: string, at: number) =>
    expect((await operations.query(END, { input: { deploymentId, endedAt: iso(at) } })).errors).toBeUndefined();

  const deployments = async () => (await operations.instance.database.rows<{ n: number }>(sql`select count(*)::int as n from operations.deployments`))[0]!.n;

  /** A new incident at `at`, with Kosovo Police's request accepted at once; its id. */
  async function acceptedIncident(at: number): Promise<string> {
    const reported = await operations.query<{ reportIncident: { incident: { id: string } } }>(REPORT, {
      input: { kind: 'RIOT', occurredAt: iso(at), municipality: 'Zvečan', description: 'Synthetic back-dated incident' },
    });
    const incidentId = reported.data!.reportIncident.incident.id;
    const requested = await operations.query<{ requestEngagement: { engagementRequest: { id: string } } }>(REQUEST, {
      input: { incidentId, fromResponder: 'KOSOVO_POLICE', requestedAt: iso(at + 60_000) },
    });
    const decided = await operations.query(DECIDE, {
      input: { engagementRequestId: requested.data!.requestEngagement.engagementRequest.id, decision: 'ACCEPTED', decidedAt: iso(at + 120_000) },
    });
    expect(decided.errors).toBeUndefined();
    return incidentId;
  }

  it('refuses a back-dated deployment that would crowd the past, though nothing is deployed now', async () => {
    expect((await operations.query<{ formedPoliceUnit: { deployedStrength: number } }>('{ formedPoliceUnit { deployedStrength } }')).data?.formedPoliceUnit.deployedStrength).toBe(0);
    const startedAt = first.started + HOUR; // while deployment 1 ran
    const incidentId = await acceptedIncident(first.started - 2 * HOUR);
    // Open-ended from its start, it overlaps every later deployment too.
    const { peak, at } = await peakOver(startedAt);
    expect(peak).toBeGreaterThanOrEqual(first.officers);
    const before = await deployments();
    const refused = await operations.query(DEPLOY, { input: { incidentId, officersCommitted: 105 - peak + 1, startedAt: iso(startedAt) } });
    expect(onlyErrorOf(refused)).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'input.officersCommitted',
      availableStrength: 105 - peak,
      requested: 105 - peak + 1,
      busiestAt: iso(at),
    });
    expect(await deployments()).toBe(before);
    // What fits is deployed (and ended again, not to crowd the other tests).
    const fits = await operations.query<{ deployFormedPoliceUnit: { deployment: { id: string } } }>(DEPLOY, {
      input: { incidentId, officersCommitted: 105 - peak, startedAt: iso(startedAt) },
    });
    expect(fits.errors).toBeUndefined();
    expect(await deployments()).toBe(before + 1);
    await end(fits.data!.deployFormedPoliceUnit.deployment.id, startedAt + HOUR);
  });

  it('refuses two concurrent back-dated deployments that fit alone but not together: one is deployed', async () => {
    // A stretch well before the seed's first deployment.
    const quiet = first.started - 30 * 24 * HOUR;
    const incidents = [await acceptedIncident(quiet), await acceptedIncident(quiet + HOUR)];
    const available = 105 - (await peakOver(quiet + 2 * HOUR)).peak;
    const each = Math.floor(available / 2) + 1; // one fits, two do not
    const before = await deployments();
    const answers = await Promise.all(
      incidents.map((incidentId, k) =>
        operations.query<{ deployFormedPoliceUnit: { deployment: { id: string } } | null }>(DEPLOY, {
          input: { incidentId, officersCommitted: each, startedAt: iso(quiet + (2 + k) * HOUR) },
        }),
      ),
    );
    const deployed = answers.filter((answer) => answer.errors === undefined);
    expect(deployed).toHaveLength(1);
    expect(answers.flatMap((answer) => errorCodes(answer))).toEqual([{ code: 'BAD_USER_INPUT', argument: 'input.officersCommitted' }]);
    expect(await deployments()).toBe(before + 1);
    expect((await peakOver(quiet)).peak).toBeLessThanOrEqual(105);
    await end(deployed[0]!.data!.deployFormedPoliceUnit!.deployment.id, quiet + 5 * HOUR);
  });

  describe('in the database, whoever writes', () => {
    const refusal = async (statement: ReturnType<typeof sql>) => {
      const error = await operations.instance.database.db.execute(statement).then(() => undefined, (thrown: unknown) => thrown);
      const { databaseViolation } = await import('@mission-graph/service-kit');
      return databaseViolation(error)?.constraint;
    };
    const unit = syntheticId('formed-police-unit', 1);

    it('refuses an ended deployment written straight into a crowded past (the old rule counted open ones only)', async () => {
      const incidentId = await acceptedIncident(first.started - 3 * HOUR);
      const [request] = await operations.instance.database.rows<{ id: string }>(
        sql`select id from operations.engagement_requests where incident_id = ${incidentId}`,
      );
      expect(
        await refusal(sql`insert into operations.deployments (id, unit_id, incident_id, engagement_request_id, officers_committed, started_at, ended_at)
          values (gen_random_uuid(), ${unit}, ${incidentId}, ${request!.id}, ${105 - first.officers + 1}, ${iso(first.started + HOUR)}, ${iso(first.started + 2 * HOUR)})`),
      ).toBe('deployments_within_available_strength');
      // The same, clear of deployment 1, is accepted.
      await operations.instance.database.db.execute(sql`insert into operations.deployments (id, unit_id, incident_id, engagement_request_id, officers_committed, started_at, ended_at)
        values (gen_random_uuid(), ${unit}, ${incidentId}, ${request!.id}, ${105 - first.officers + 1}, ${iso(first.started - 2 * HOUR)}, ${iso(first.started)})`);
    });

    it('refuses moving a deployment’s start back into a crowded period', async () => {
      // A later, ended deployment that could not have run beside deployment 1.
      const [row] = await operations.instance.database.rows<{ id: string }>(sql`
        select d.id from operations.deployments d
        where d.ended_at is not null and d.officers_committed + ${first.officers} > 105
          and d.started_at > ${iso(first.ended)} order by d.started_at limit 1`);
      expect(row).toBeDefined();
      expect(await refusal(sql`update operations.deployments set started_at = ${iso(first.started + 60_000)} where id = ${row!.id}`)).toBe(
        'deployments_within_available_strength',
      );
    });
  });
});
