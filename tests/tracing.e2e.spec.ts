/**
 * Traces across the graph: a client's W3C `traceparent` is continued by the
 * gateway, passed to every subgraph it calls (with the request id), and each SQL
 * statement is a span of the same trace — without parameter values, which may be
 * personal data. Spans are collected in memory by a provider this test registers
 * (the services' own tracing is the OpenTelemetry API, whatever provider is global).
 */
import { api, node, tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraph, type RunningGraph } from './testkit/graph.js';

const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });

let graph: RunningGraph;
beforeAll(async () => {
  provider.register();
  graph = await startGraph();
});
afterAll(async () => {
  await graph?.stop();
  await provider.shutdown();
  api.trace.disable();
  api.context.disable();
  api.propagation.disable();
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

describe('tracing', () => {
  it('continues the client trace through the gateway into each subgraph and its SQL, passing the request id on', async () => {
    exporter.reset();
    const response = await graph.queryAs(
      ['statistics:read', 'forensics:read', 'forensics:personal'],
      `query Traced($municipality: String) { missionReport(from: "2018-06-01", to: "2025-06-14") { forensics { exhumations } }
         missingPersons(first: 1, filter: { municipality: $municipality }) { totalCount } }`,
      { municipality: 'SECRET-PLACE-0001' },
      { headers: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01`, 'x-request-id': 'traced-request-7' } },
    );
    expect(response.errors).toBeUndefined();
    await expect.poll(() => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === TRACE_ID).length).toBeGreaterThan(3);
    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === TRACE_ID);
    const servers = spans.filter((span) => span.attributes['mission_graph.service'] !== undefined);
    const gatewaySpan = servers.find((span) => span.attributes['mission_graph.service'] === 'gateway');
    expect(gatewaySpan?.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
    const subgraphServices = new Set(servers.map((span) => span.attributes['mission_graph.service']));
    expect(subgraphServices).toEqual(new Set(['gateway', 'operations', 'forensics']));
    for (const span of servers) expect(span.attributes['mission_graph.request_id']).toBe('traced-request-7');
    // Inside the gateway: the authorization cut, query planning, one fetch per subgraph.
    const names = new Set(spans.map((span) => span.name));
    for (const step of ['gateway.authorize', 'gateway.plan', 'gateway.fetch']) expect(names, step).toContain(step);
    const statements = spans.filter((span) => span.name === 'db.query');
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(String(statement.attributes['db.statement'])).toMatch(/select/i);
      expect(JSON.stringify(statement.attributes)).not.toContain('SECRET-PLACE-0001');
    }
  });

  it('a disclosing answer shows the wait for its audit event as an audit.append span, naming no record or value', async () => {
    exporter.reset();
    const response = await graph.queryAs(
      ['forensics:read', 'forensics:personal'],
      'query TracedDisclosure { missingPersons(first: 1) { edges { node { fullName } } } }',
      {},
      { headers: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01`, 'x-access-purpose': 'CASE-2024-017 tracing test' } },
    );
    expect(response.errors).toBeUndefined();
    const fullName = (response.data as { missingPersons: { edges: { node: { fullName: string } }[] } }).missingPersons.edges[0]!.node.fullName;
    await expect.poll(() => exporter.getFinishedSpans().some((span) => span.spanContext().traceId === TRACE_ID && span.name === 'audit.append')).toBe(true);
    const appends = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === TRACE_ID && span.name === 'audit.append');
    expect(appends.map((span) => span.attributes['mission_graph.audit_kind'])).toContain('DISCLOSURE');
    const everything = JSON.stringify(exporter.getFinishedSpans().map((span) => span.attributes));
    expect(everything).not.toContain(fullName);
  });

  it('without a traceparent, a request starts its own trace', async () => {
    exporter.reset();
    await graph.queryAs(['forensics:read'], '{ missingPersons(first: 1) { totalCount } }');
    await expect.poll(() => exporter.getFinishedSpans().length).toBeGreaterThan(1);
    const traces = new Set(exporter.getFinishedSpans().map((span) => span.spanContext().traceId));
    expect(traces.size).toBe(1);
    expect([...traces][0]).not.toBe(TRACE_ID);
  });
});
