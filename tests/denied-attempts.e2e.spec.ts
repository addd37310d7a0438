/**
 * Refused attempts in the audit trail (issue 10 items 3, 4, 6), through the gateway:
 * what is recorded as DENIED and why, what the client sees of it (no more than before),
 * that a flood of refusals neither fills the trail nor slows the gateway, that a token
 * without `sub` reads no personal data, and that break-glass flags every read done
 * under it. Each `it` names the attack it defends against.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditServiceInstance } from '@mission-graph/audit';
import { syntheticId } from '@mission-graph/service-kit';
import { postGraphQL, startGraph, type RunningGraph } from './testkit/graph.js';
import {
  auditMark,
  auditSince,
  callAs,
  IDENTITY_SCOPES,
  namedIds,
  officerOf,
  PURPOSE,
  RELOCATED_WITNESS,
  tokenWithoutSubject,
  UNASSIGNED_OFFICER,
  witness,
} from './redteam/helpers.js';

const PERSONAL = ['forensics:read', 'forensics:personal'];
const MISSING_PERSON = syntheticId('missing-person', 1);

describe('denied attempts', () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph();
  });
  afterAll(async () => {
    await graph?.stop();
  });

  const deniedOf = async (mark: number, principal: string) =>
    (await auditSince(graph, mark)).filter((event) => event.kind === 'DENIED' && event.principal === principal);

  it('a token without `sub` asking for personal data gets the fields refused (subjectRequired), leaves DENIED SUBJECT_REQUIRED and never an "anonymous" disclosure', async () => {
    const mark = await auditMark(graph);
    const token = await tokenWithoutSubject(graph, PERSONAL);
    const response = await postGraphQL<{ missingPerson: { caseNumber: string; fullName: string | null } }>(
      graph.gatewayUrl,
      { query: `query Kiosk { missingPerson(id: "${MISSING_PERSON}") { caseNumber fullName } }` },
      { authorization: `Bearer ${token}`, 'x-access-purpose': PURPOSE },
    );
    // Not personal: still answered. Personal: refused, saying what is missing.
    expect(response.data?.missingPerson).toMatchObject({ fullName: null });
    expect(response.data?.missingPerson.caseNumber).toMatch(/^MP-/);
    expect(response.errors?.map((error) => [error.path, error.extensions])).toEqual([
      [['missingPerson', 'fullName'], { code: 'UNAUTHORIZED_FIELD_OR_TYPE', subjectRequired: true }],
    ]);
    const events = await auditSince(graph, mark);
    expect(events.filter((event) => event.kind === 'DISCLOSURE')).toEqual([]);
    expect(events.map((event) => [event.kind, event.principal, event.denial_reason, event.operation_name, event.field_coordinates])).toEqual([
      ['DENIED', 'anonymous', 'SUBJECT_REQUIRED', 'Kiosk', ['MissingPerson.fullName']],
    ]);
    expect(namedIds(events)).toEqual([MISSING_PERSON]);
  });

  it('a token without `sub` and one with it, same scopes, do not share a cut operation (the kiosk cannot ride on an officer’s plan)', async () => {
    const query = `{ missingPerson(id: "${MISSING_PERSON}") { fullName } }`;
    const named = await callAs<{ missingPerson: { fullName: string | null } }>(graph, { subject: 'analyst-da-1', scopes: PERSONAL }, query);
    expect(named.data?.missingPerson.fullName).toMatch(/Synthetic Person/);
    const token = await tokenWithoutSubject(graph, PERSONAL);
    const kiosk = await postGraphQL(graph.gatewayUrl, { query }, { authorization: `Bearer ${token}`, 'x-access-purpose': PURPOSE });
    expect(JSON.stringify(kiosk)).not.toMatch(/Synthetic Person/);
  });

  it('a field refused by scope is recorded (SCOPE) with the record it was refused on; one event per reason', async () => {
    const mark = await auditMark(graph);
    await callAs(
      graph,
      { subject: 'analyst-da-2', scopes: ['forensics:read', 'police-cooperation:read'], purpose: null },
      `{ missingPerson(id: "${MISSING_PERSON}") { fullName dateOfBirth } informationExchangeRequests(first: 1) { edges { node { subject } } } }`,
    );
    const denied = await deniedOf(mark, 'analyst-da-2');
    expect(denied.map((event) => [event.denial_reason, event.field_coordinates])).toEqual([
      ['SCOPE', ['InformationExchangeRequest.subject', 'MissingPerson.dateOfBirth', 'MissingPerson.fullName']],
    ]);
    expect(namedIds(denied)).toContain(MISSING_PERSON);
  });

  it('a need-to-know refusal reaches the client exactly as before: the subgraph’s report of the witness stays inside', async () => {
    const mark = await auditMark(graph);
    const response = await callAs(
      graph,
      { subject: 'officer-da-curious', scopes: IDENTITY_SCOPES },
      'query($id: ID!) { protectedWitness(id: $id) { codename identity { fullName } } }',
      { id: witness(7) },
    );
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN' });
    expect(JSON.stringify(response)).not.toMatch(/missionGraphDenial|NEED_TO_KNOW/);
    expect(JSON.stringify(response)).not.toContain(witness(7));
    const denied = await deniedOf(mark, 'officer-da-curious');
    expect(denied.map((event) => [event.denial_reason, event.field_coordinates, event.entities])).toEqual([
      ['NEED_TO_KNOW', ['ProtectedWitness.identity'], [{ type: 'ProtectedWitness', id: witness(7) }]],
    ]);
  });

  it('a break-glass read that shows no identity (only relocations) is still flagged for review, and filed under the witness', async () => {
    const mark = await auditMark(graph);
    const response = await callAs<{ protectedWitness: { history: { toLocation?: string }[] } }>(
      graph,
      {
        subject: UNASSIGNED_OFFICER,
        scopes: [...IDENTITY_SCOPES, 'witness-protection:break-glass'],
        headers: { 'x-break-glass': 'EMERGENCY-DA: where is the witness now' },
      },
      'query Moves($id: ID!) { protectedWitness(id: $id) { history { ... on Relocation { id toLocation } } } }',
      { id: witness(RELOCATED_WITNESS) },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.protectedWitness.history.some((event) => event.toLocation)).toBe(true);
    const [event, ...more] = await auditSince(graph, mark);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      kind: 'DISCLOSURE',
      principal: UNASSIGNED_OFFICER,
      break_glass: true,
      break_glass_justification: 'EMERGENCY-DA: where is the witness now',
      // The relocation's own id names it (in entities); it is not a disclosed field.
      field_coordinates: ['Relocation.toLocation'],
    });
    expect(event!.entities.length).toBeGreaterThan(0);
    expect(event!.entities.every((entity) => entity.type === 'Relocation' && entity.owner?.id === witness(RELOCATED_WITNESS))).toBe(true);
  });

  it('reading only the ids of a witness’s relocations (how often it moved) is recorded too, under the witness', async () => {
    const mark = await auditMark(graph);
    const response = await callAs(
      graph,
      { subject: officerOf(RELOCATED_WITNESS), scopes: IDENTITY_SCOPES },
      'query($id: ID!) { protectedWitness(id: $id) { history { ... on Relocation { id } } } }',
      { id: witness(RELOCATED_WITNESS) },
    );
    expect(response.errors).toBeUndefined();
    const events = await auditSince(graph, mark);
    expect(events.map((event) => [event.kind, event.field_coordinates])).toEqual([['DISCLOSURE', []]]);
    expect(events[0]!.entities.map((entity) => entity.owner)).toContainEqual({ type: 'ProtectedWitness', id: witness(RELOCATED_WITNESS) });
  });

  it('auditEvents lists refused attempts with their own filter (kind DENIED, denialReason)', async () => {
    await callAs(graph, { subject: 'analyst-da-filter', scopes: PERSONAL, purpose: null }, `{ missingPerson(id: "${MISSING_PERSON}") { fullName } }`);
    const response = await callAs<{ auditEvents: { edges: { node: { kind: string; principal: string; denialReason: string; fieldCoordinates: string[] } }[] } }>(
      graph,
      { subject: 'auditor-da', scopes: ['audit:read'] },
      '{ auditEvents(first: 20, filter: { kind: DENIED, denialReason: PURPOSE, principal: "analyst-da-filter" }) { edges { node { kind principal denialReason fieldCoordinates } } } }',
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.auditEvents.edges.map((edge) => edge.node)).toEqual([
      { kind: 'DENIED', principal: 'analyst-da-filter', denialReason: 'PURPOSE', fieldCoordinates: ['MissingPerson.fullName'] },
    ]);
  });

  it('flooding a refused field 200 times neither fills the trail nor stalls the gateway: collapsed, counted, and others are served meanwhile', async () => {
    const mark = await auditMark(graph);
    const flooder = 'analyst-da-flood';
    const token = await graph.token(['forensics:read'], { subject: flooder });
    const attempt = () =>
      postGraphQL(graph.gatewayUrl, { query: `{ missingPerson(id: "${MISSING_PERSON}") { caseNumber fullName } }` }, { authorization: `Bearer ${token}`, 'x-access-purpose': PURPOSE });
    const started = Date.now();
    const answers: Awaited<ReturnType<typeof attempt>>[] = [];
    let bystander: Awaited<ReturnType<typeof callAs>> | undefined;
    for (let batch = 0; batch < 20; batch += 1) {
      answers.push(...(await Promise.all(Array.from({ length: 10 }, attempt))));
      // Someone else's ordinary read in the middle of the flood.
      if (batch === 10) bystander = await callAs(graph, { subject: 'analyst-da-bystander', scopes: PERSONAL }, `{ missingPerson(id: "${MISSING_PERSON}") { fullName } }`);
    }
    const seconds = (Date.now() - started) / 1000;
    expect(answers.map((answer) => [answer.status, answer.errors?.map((error) => error.extensions?.code)])).toEqual(
      Array.from({ length: 200 }, () => [200, ['UNAUTHORIZED_FIELD_OR_TYPE']]),
    );
    expect(answers.every((answer) => /^MP-/.test((answer.data as { missingPerson: { caseNumber: string } }).missingPerson.caseNumber))).toBe(true);
    expect(bystander?.errors).toBeUndefined();
    expect(JSON.stringify(bystander?.data)).toMatch(/Synthetic Person/);
    // Generous for a shared CI machine; each refused request costs one small append.
    expect(seconds).toBeLessThan(60);

    // The audit service recorded the first 20 of the window one by one and counted the rest.
    expect((await deniedOf(mark, flooder)).map((event) => event.denial_reason)).toEqual(Array.from({ length: 20 }, () => 'SCOPE'));
    // Its summary is written when the window ends (or at a clean stop); end it now.
    await (graph.subgraphs.audit as unknown as AuditServiceInstance).runtime.trail.flushDenials(true);
    const rows = await graph.subgraphs.audit!.database.rows<{ repeat_count: number }>(
      sql`select repeat_count from audit.audit_events where kind = 'DENIED' and principal = ${flooder} and repeat_count > 1`,
    );
    expect(rows.map((row) => row.repeat_count)).toEqual([180]);
  });
});
