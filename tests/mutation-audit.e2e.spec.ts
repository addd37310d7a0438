/**
 * No change without a record first (issue 10 item 2): every mutation is announced to the
 * audit trail (INTENT) before the gateway forwards it, and closed (OUTCOME) with every
 * record the subgraph itself reported changed — whatever the client selected. The
 * report travels in the subgraph's response, MACed with the request's internal token;
 * a forged one does not count.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGES_EXTENSION, type AuditEventInput } from '@mission-graph/service-kit';
import { postGraphQL, startGraph, type RunningGraph } from './testkit/graph.js';
import { auditMark, callAs, officerOf, RELOCATED_WITNESS, witness } from './redteam/helpers.js';

const ASSIGN = ['witness-protection:assign', 'witness-protection:read'];
const MOVE = ['witness-protection:read', 'witness-protection:write'];
const PROPOSE = 'mutation Propose($i: ProposeProtectionOfficerInput!) { proposeProtectionOfficer(input: $i) { __typename } }';

interface TrailRow {
  id: string;
  kind: string;
  principal: string;
  operation_name: string | null;
  break_glass_justification: string | null;
  field_coordinates: string[];
  entities: { type: string; id: string; owner?: { type: string; id: string } }[];
  intent_id: string | null;
  outcome: string | null;
}

/**
 * A proxy between the gateway and one subgraph that rewrites what a mutation's answer
 * reports changed (keeping its MAC): what an attacker on that hop would try.
 */
interface ForgingProxy {
  url: string;
  target: string;
  forge: boolean;
  /** Forward the request (the change is made) but never answer: the answer is lost. */
  hang: boolean;
  stop(): Promise<void>;
}

async function startForgingProxy(): Promise<ForgingProxy> {
  const proxy: ForgingProxy = { url: '', target: '', forge: false, hang: false, stop: async () => {} };
  const server: Server = createServer((incoming, outgoing) => {
    const target = new URL(proxy.target);
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          if (proxy.hang) return;
          let body = Buffer.concat(chunks).toString('utf8');
          if (proxy.forge && body.includes(CHANGES_EXTENSION)) {
            const json = JSON.parse(body) as { extensions: Record<string, { records: unknown[]; mac: string }> };
            json.extensions[CHANGES_EXTENSION]!.records = [{ type: 'ProtectedWitness', id: 'someone-else' }];
            body = JSON.stringify(json);
          }
          const { 'content-length': _length, ...headers } = answer.headers;
          outgoing.writeHead(answer.statusCode ?? 502, { ...headers, 'content-length': Buffer.byteLength(body) });
          outgoing.end(body);
        });
      },
    );
    forwarded.on('error', () => {
      outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  proxy.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

describe('mutations on the audit trail: intent before, outcome after', () => {
  let graph: RunningGraph;
  let proxy: ForgingProxy;
  /** Kinds of event the sink refuses (to play a trail that fails between intent and outcome). */
  const failing = new Set<string>();
  /** Per INTENT appended: how many operations specialist-chambers had received by then. */
  const receivedAtIntent: number[] = [];

  beforeAll(async () => {
    proxy = await startForgingProxy();
    graph = await startGraph({
      subgraphUrls: { 'specialist-chambers': proxy.url },
      // Long enough for a loaded test machine, short enough to wait out once.
      gateway: { subgraphTimeoutMs: (name) => (name === 'specialist-chambers' ? 5000 : 10_000) },
      auditSink: (real) => ({
        record: async (event: AuditEventInput) => {
          if (failing.has(event.kind)) throw new Error(`audit store refuses ${event.kind} (test)`);
          if (event.kind === 'INTENT') receivedAtIntent.push(graph.subgraphs['specialist-chambers']!.received.length);
          return real.record(event);
        },
      }),
    });
    proxy.target = graph.subgraphs['specialist-chambers']!.url;
  });
  afterAll(async () => {
    await graph?.stop();
    await proxy?.stop();
  });

  const trailSince = (mark: number) =>
    graph.subgraphs.audit!.database.rows<TrailRow>(sql`
      select id, kind, principal, operation_name, break_glass_justification, field_coordinates, entities, intent_id, outcome
      from audit.audit_events where sequence > ${mark} and kind <> 'AUDIT_READ' order by sequence`);
  const assignmentsOf = async (officer: string) =>
    (await graph.subgraphs['specialist-chambers']!.database.rows<{ id: string }>(
      sql`select id from specialist_chambers.protection_officer_assignments where officer_subject = ${officer}`,
    )).map((row) => row.id);

  it('announces a mutation before the subgraph receives it, naming the records its arguments name, and closes it with what changed', async () => {
    const mark = await auditMark(graph);
    const before = graph.subgraphs['specialist-chambers']!.received.length;
    const response = await callAs(graph, { subject: 'manager-ma-1', scopes: ASSIGN }, PROPOSE, { i: { witnessId: witness(7), officer: 'officer-ma-1' } });
    expect(response.errors).toBeUndefined();
    // The INTENT was appended while the subgraph had received nothing of this request.
    expect(receivedAtIntent.at(-1)).toBe(before);
    const [assignment] = await assignmentsOf('officer-ma-1');
    const [intent, outcome, ...rest] = await trailSince(mark);
    expect(rest).toEqual([]);
    expect(intent).toMatchObject({
      kind: 'INTENT',
      principal: 'manager-ma-1',
      operation_name: 'Propose',
      field_coordinates: ['Mutation.proposeProtectionOfficer'],
      entities: [{ type: 'ProtectedWitness', id: witness(7) }],
    });
    expect(outcome).toMatchObject({
      kind: 'OUTCOME',
      intent_id: intent!.id,
      outcome: 'COMMITTED',
      field_coordinates: ['Mutation.proposeProtectionOfficer'],
      entities: [{ type: 'ProtectionOfficerAssignment', id: assignment, owner: { type: 'ProtectedWitness', id: witness(7) } }],
    });
  });

  it('a relocation selecting only `__typename` is closed with the relocation, filed under its witness', async () => {
    // Places are encrypted at rest: the new relocation is the witness's one row that was not there before.
    const relocationIds = async () =>
      (
        await graph.subgraphs['specialist-chambers']!.database.rows<{ id: string }>(
          sql`select id from specialist_chambers.relocations where witness_id = ${witness(RELOCATED_WITNESS)}`,
        )
      ).map((row) => row.id);
    const before = await relocationIds();
    const mark = await auditMark(graph);
    const response = await callAs(graph, { subject: officerOf(RELOCATED_WITNESS), scopes: MOVE }, 'mutation($i: RecordRelocationInput!) { recordRelocation(input: $i) { __typename } }', {
      i: { witnessId: witness(RELOCATED_WITNESS), occurredOn: '2025-06-02', toLocation: 'Synthetic Safehouse MA' },
    });
    expect(response.errors).toBeUndefined();
    const [relocation] = (await relocationIds()).filter((id) => !before.includes(id)).map((id) => ({ id }));
    const outcome = (await trailSince(mark)).find((event) => event.kind === 'OUTCOME');
    expect(outcome?.entities).toEqual([
      { type: 'Relocation', id: relocation!.id, owner: { type: 'ProtectedWitness', id: witness(RELOCATED_WITNESS) } },
      { type: 'ProtectedWitness', id: witness(RELOCATED_WITNESS) },
    ]);
  });

  it('never shows the client the subgraph’s change report', async () => {
    const token = await graph.token(ASSIGN, { subject: 'manager-ma-2' });
    const response = await postGraphQL(
      graph.gatewayUrl,
      { query: PROPOSE, variables: { i: { witnessId: witness(8), officer: 'officer-ma-2' } } },
      { authorization: `Bearer ${token}` },
    );
    expect(response.errors).toBeUndefined();
    expect(JSON.stringify(response)).not.toContain(CHANGES_EXTENSION);
  });

  it('a mutation that fails is closed as FAILED, naming nothing changed', async () => {
    const mark = await auditMark(graph);
    const response = await callAs(graph, { subject: 'manager-ma-3', scopes: ASSIGN }, 'mutation($i: ApproveProtectionOfficerInput!) { approveProtectionOfficer(input: $i) { __typename } }', {
      i: { assignmentId: '00000000-0000-4000-8000-00000000dead' },
    });
    expect(response.errors?.length).toBeGreaterThan(0);
    const [intent, outcome] = await trailSince(mark);
    expect(intent).toMatchObject({ kind: 'INTENT', entities: [{ type: 'ProtectionOfficerAssignment', id: '00000000-0000-4000-8000-00000000dead' }] });
    expect(outcome).toMatchObject({ kind: 'OUTCOME', intent_id: intent!.id, outcome: 'FAILED', entities: [] });
  });

  it('a forged change report (rewritten between subgraph and gateway) is not believed: the outcome is UNKNOWN', async () => {
    const mark = await auditMark(graph);
    proxy.forge = true;
    try {
      const response = await callAs(graph, { subject: 'manager-ma-4', scopes: ASSIGN }, PROPOSE, { i: { witnessId: witness(7), officer: 'officer-ma-4' } });
      expect(response.errors).toBeUndefined();
    } finally {
      proxy.forge = false;
    }
    const outcome = (await trailSince(mark)).find((event) => event.kind === 'OUTCOME');
    expect(outcome).toMatchObject({ outcome: 'UNKNOWN', entities: [] });
    expect(JSON.stringify(outcome)).not.toContain('someone-else');
  });

  it('a mutation whose answer is lost (timeout) is closed as UNKNOWN: it may have happened', async () => {
    const mark = await auditMark(graph);
    proxy.hang = true;
    let response;
    try {
      response = await callAs(graph, { subject: 'manager-ma-8', scopes: ASSIGN }, PROPOSE, { i: { witnessId: witness(8), officer: 'officer-ma-8' } });
    } finally {
      proxy.hang = false;
    }
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_TIMEOUT']);
    const [intent, outcome] = await trailSince(mark);
    expect(outcome).toMatchObject({ kind: 'OUTCOME', intent_id: intent!.id, outcome: 'UNKNOWN', entities: [] });
    // It did happen here: exactly why UNKNOWN sends a reviewer to the record.
    expect(await assignmentsOf('officer-ma-8')).toHaveLength(1);
  });

  it('when the outcome cannot be recorded the client is told the change may have happened, and the trail shows the intent open', async () => {
    const mark = await auditMark(graph);
    failing.add('OUTCOME');
    let response;
    try {
      response = await callAs(graph, { subject: 'manager-ma-5', scopes: ASSIGN }, PROPOSE, { i: { witnessId: witness(10), officer: 'officer-ma-5' } });
    } finally {
      failing.delete('OUTCOME');
    }
    expect(response.status).toBe(503);
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
    expect(response.errors?.[0]?.message).toMatch(/may have happened/);
    expect(await assignmentsOf('officer-ma-5')).toHaveLength(1);
    const [intent] = await trailSince(mark);
    const open = await graph.queryAs<{ auditEvents: { edges: { node: { id: string; intentStatus: string } }[] } }>(
      ['audit:read'],
      '{ auditEvents(first: 20, filter: { openIntent: true }) { edges { node { id intentStatus } } } }',
    );
    expect(open.data!.auditEvents.edges.map((e) => e.node)).toContainEqual({ id: intent!.id, intentStatus: 'OPEN' });
  });

  it('an X-Break-Glass justification too long for the trail is refused before the mutation runs, naming the header', async () => {
    const before = graph.subgraphs['specialist-chambers']!.received.length;
    const response = await callAs(
      graph,
      { subject: 'manager-ma-6', scopes: [...ASSIGN, 'witness-protection:break-glass'], headers: { 'x-break-glass': `EMERGENCY: ${'x'.repeat(2000)}` } },
      PROPOSE,
      { i: { witnessId: witness(11), officer: 'officer-ma-6' } },
    );
    expect(response.status).toBe(400);
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toMatch(/X-Break-Glass.*too long.*2000/);
    expect(graph.subgraphs['specialist-chambers']!.received.length).toBe(before);
    expect(await assignmentsOf('officer-ma-6')).toEqual([]);
  });

  it('an operation name too long for the trail is refused before the mutation runs, naming it', async () => {
    const response = await callAs(graph, { subject: 'manager-ma-7', scopes: ASSIGN }, PROPOSE.replace('Propose', 'P'.repeat(257)), {
      i: { witnessId: witness(11), officer: 'officer-ma-7' },
    });
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toMatch(/operation name.*too long.*256/);
    expect(await assignmentsOf('officer-ma-7')).toEqual([]);
  });
});
