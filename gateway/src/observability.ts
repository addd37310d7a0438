import type { GraphQLDataSource } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  currentRequest,
  HEALTH_READY_PATH,
  inSpan,
  injectTraceContext,
  REQUEST_ID_HEADER,
  countedAtScrape,
  type Readiness,
  type ServiceMetrics,
} from '@mission-graph/service-kit';
import type { AuditSink } from './audit/audit-sink.js';

/**
 * The gateway's observability at its edges, around parts other modules own: every
 * subgraph fetch carries the request id and the trace context and is measured;
 * audit appends are measured; authorization refusals and rate-limit refusals are
 * counted from the response's error codes. Each audit append is a span of the request's
 * trace (`audit.append`); the authorization cut is `gateway.authorize` (pipeline-gateway.ts);
 * planning and fetches are @apollo/gateway's own spans (`gateway.plan`, `gateway.fetch`).
 */
export function instrumentDataSource(name: string, source: GraphQLDataSource, metrics: ServiceMetrics): GraphQLDataSource {
  return {
    async process(options) {
      const headers = new Headers();
      for (const [header, value] of options.request.http?.headers ?? []) headers.append(header, value);
      const scope = currentRequest();
      if (scope) headers.set(REQUEST_ID_HEADER, scope.requestId);
      injectTraceContext((header, value) => headers.set(header, value));
      // RemoteGraphQLDataSource copies these headers into the request it sends.
      options.request.http = { method: 'POST', url: options.request.http?.url ?? '', headers: headers as never };
      const started = process.hrtime.bigint();
      let outcome: 'success' | 'error' = 'error';
      try {
        const response = await source.process(options);
        if (!response.errors?.length) outcome = 'success';
        return response;
      } finally {
        metrics.recordSubgraphFetch(name, outcome, Number(process.hrtime.bigint() - started) / 1e9);
      }
    },
  };
}

/**
 * The fast paths' own counts, exported at scrape time (README "Fast paths"): answers served
 * from the response cache, stored in it, and invalidations; subgraph fetches sent and
 * fetches answered from an identical one already running (merged), per subgraph.
 */
export function exportFastPathCounts(
  metrics: ServiceMetrics,
  cache: { counts: { hits: number; stored: number; invalidations: number } },
  fetchCounts: () => Iterable<readonly [string, { started: number; merged: number } | undefined]>,
): void {
  countedAtScrape(metrics.registry, 'gateway_response_cache_events_total', 'Response cache: answers served from it (hit), stored in it, invalidations', ['event'], () => [
    [{ event: 'hit' }, cache.counts.hits],
    [{ event: 'stored' }, cache.counts.stored],
    [{ event: 'invalidation' }, cache.counts.invalidations],
  ]);
  countedAtScrape(metrics.registry, 'gateway_subgraph_fetches_total', 'Subgraph fetches sent, and fetches answered from an identical one already running (merged)', ['subgraph', 'fetch'], function* () {
    for (const [subgraph, counts] of fetchCounts()) {
      if (!counts) continue;
      yield [{ subgraph, fetch: 'sent' }, counts.started] as const;
      yield [{ subgraph, fetch: 'merged' }, counts.merged] as const;
    }
  });
}

export function instrumentAuditSink(sink: AuditSink, metrics: ServiceMetrics): AuditSink {
  return {
    record(event) {
      // A span of the request's trace: how long the answer waited for its audit event.
      return inSpan('audit.append', { 'mission_graph.audit_kind': event.kind }, async () => {
        const started = process.hrtime.bigint();
        let outcome: 'success' | 'failure' = 'failure';
        try {
          const receipt = await sink.record(event);
          outcome = 'success';
          return receipt;
        } finally {
          metrics.recordAuditAppend(outcome, Number(process.hrtime.bigint() - started) / 1e9);
        }
      });
    },
  };
}

/**
 * Counts refusals by reason from the codes the authorization, rate-limit and limit layers
 * answer with: in answers, and in refusals before parsing (a failed context or a pre-parse
 * step: a bad token, a rate limit, an untrusted document), which Apollo Server reports to
 * `contextCreationDidFail` and never runs a request pipeline for.
 */
export function refusalMetricsPlugin(metrics: ServiceMetrics): ApolloServerPlugin {
  const count = (extensions: Record<string, unknown>, beforeParsing: boolean) => {
    switch (extensions.code) {
      case 'UNAUTHORIZED_FIELD_OR_TYPE':
        metrics.recordAuthorizationDenial(extensions.purposeRequired ? 'purpose' : 'scope');
        break;
      case 'FORBIDDEN':
        // Before parsing, only the client registry refuses (a client unknown, or at the wrong endpoint).
        metrics.recordAuthorizationDenial(beforeParsing ? 'client' : 'need-to-know');
        break;
      case 'UNAUTHENTICATED':
        metrics.recordAuthorizationDenial('authentication');
        break;
      case 'RATE_LIMITED':
        metrics.recordRateLimitRefusal(typeof extensions.policy === 'string' ? extensions.policy : 'request');
        break;
    }
  };
  return {
    async contextCreationDidFail({ error }) {
      count((error as { extensions?: Record<string, unknown> }).extensions ?? {}, true);
    },
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) count(error.extensions ?? {}, false);
        },
      };
    },
  };
}

export type SubgraphState = 'ready' | 'not ready' | 'unreachable';

/**
 * The gateway is ready when it loaded the supergraph and every subgraph answers its
 * own `/health/ready` with 200 (migrated and seeded). The answer names each
 * subgraph's state. Results are cached for a second, so a flood of readiness probes
 * does not become a flood of subgraph requests.
 */
export function subgraphReadiness(endpoints: () => Map<string, string>, loaded: () => boolean, timeoutMs = 2_000) {
  let cached: { at: number; answer: Promise<Readiness> } | undefined;
  const probe = async (): Promise<Readiness> => {
    const entries = [...endpoints()];
    const states = await Promise.all(
      entries.map(async ([name, url]): Promise<[string, SubgraphState]> => {
        try {
          const response = await fetch(new URL(HEALTH_READY_PATH, url), { signal: AbortSignal.timeout(timeoutMs) });
          await response.arrayBuffer();
          return [name, response.status === 200 ? 'ready' : 'not ready'];
        } catch {
          return [name, 'unreachable'];
        }
      }),
    );
    const subgraphs = Object.fromEntries(states);
    const ready = loaded() && entries.length > 0 && states.every(([, state]) => state === 'ready');
    return { ready, supergraph: loaded() ? 'loaded' : 'loading', subgraphs };
  };
  return (): Promise<Readiness> => {
    const now = Date.now();
    if (!cached || now - cached.at > 1_000) cached = { at: now, answer: probe() };
    return cached.answer;
  };
}
