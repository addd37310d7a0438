import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of one service, served on `/metrics` of its metrics port. Each service instance
 * has its own registry (tests run several services in one process); the process
 * metrics (RSS, heap, event-loop lag, GC) are collected into every registry.
 *
 * Label values a caller controls are bounded, so no client can grow the registry
 * without limit: operation names must be GraphQL names and at most
 * `MAX_OPERATION_NAMES` distinct ones are kept (then `other`); error codes must look
 * like codes (`OTHER` otherwise); routes come from a fixed list.
 */
export const MAX_OPERATION_NAMES = 200;
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type OperationOutcome = 'success' | 'partial' | 'error';
export type HttpRoute = 'graphql' | 'health' | 'metrics' | 'explorer' | 'internal' | 'unknown';

export interface ServiceMetrics {
  registry: Registry;
  /**
   * True only when configured (`METRICS_ON_SERVICE_PORT=true`): the service's own port
   * then serves `/metrics` too. Off by default: operation names of other clients, error
   * codes, which subgraphs exist and how they fare are not for anonymous callers. The
   * monitoring system scrapes `METRICS_PORT`, a listener of its own (loopback unless
   * `METRICS_HOST` says otherwise), which a network policy opens to it alone.
   */
  onServicePort: boolean;
  /** Requests being handled now (probes and scrapes not counted): saturation, and drain progress at shutdown. */
  requestsInFlight: Gauge;
  /** One HTTP request answered (every path, health checks included). */
  recordHttpRequest(route: HttpRoute, method: string, status: number, seconds: number): void;
  /** One GraphQL operation executed: by operation name, type and outcome. */
  recordOperation(operation: OperationReport): void;
  /** Database client use (see `instrumentDatabaseClient`). */
  database: DatabaseGauges;
  /** Gateway → subgraph fetch: latency and outcome per subgraph. */
  recordSubgraphFetch(subgraph: string, outcome: 'success' | 'error', seconds: number): void;
  /** Audit append (gateway → audit service): latency and whether it was recorded. */
  recordAuditAppend(outcome: 'success' | 'failure', seconds: number): void;
  /** One append request sent to the audit service, with this many events (group commit at work). */
  recordAuditBatch(events: number): void;
  /** A field or operation refused by authorization, by reason (`scope`, `purpose`, `need-to-know`, …). */
  recordAuthorizationDenial(reason: string): void;
  /** A request refused by rate limiting, by limit name. */
  recordRateLimitRefusal(limit: string): void;
}

export interface OperationReport {
  /** The operation's name as sent; anonymous or unknown → `(anonymous)`. */
  name: string | undefined;
  /** `query`, `mutation`, `subscription`, or `unknown` when it never parsed. */
  type: string;
  outcome: OperationOutcome;
  /** `extensions.code` of each error in the response. */
  errorCodes: readonly string[];
  seconds: number;
}

export interface DatabaseGauges {
  /** Configured pool size (1 for embedded PGlite). */
  poolMax: Gauge;
  /** Statements running outside transactions, and open transactions (each holds a connection). */
  inFlight: Gauge<'kind'>;
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,47}$/;
const LABEL_WORD = /^[a-z][a-z0-9_-]{0,47}$/;

export interface ServiceMetricsOptions {
  /** Serve `/metrics` on the service's own port as well (tests, a trusted network); default false. */
  onServicePort?: boolean;
}

export function createServiceMetrics(service: string, options: ServiceMetricsOptions = {}): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });

  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to response end, by route',
    labelNames: ['route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const requestsInFlight = new Gauge({
    name: 'http_requests_in_flight',
    help: 'Requests being handled now (health checks and scrapes not counted)',
    registers: [registry],
  });
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations executed, by operation name, type and outcome (success, partial, error)',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation latency, by operation name and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors in GraphQL responses, by extensions.code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const subgraphFetches = new Histogram({
    name: 'subgraph_fetch_duration_seconds',
    help: 'Gateway → subgraph fetch latency, by subgraph and outcome',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const auditAppends = new Histogram({
    name: 'audit_append_duration_seconds',
    help: 'Audit event append latency, by outcome (failure: the response was withheld)',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const auditBatches = new Histogram({
    name: 'audit_append_batch_events',
    help: 'Events per append request the gateway sent to the audit service (group commit)',
    buckets: [1, 2, 5, 10, 20, 50, 100],
    registers: [registry],
  });
  const denials = new Counter({
    name: 'authorization_denials_total',
    help: 'Fields or operations refused by authorization, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'rate_limit_refusals_total',
    help: 'Requests refused by rate limiting, by limit',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  const database: DatabaseGauges = {
    poolMax: new Gauge({ name: 'db_pool_max_connections', help: 'Configured database pool size', registers: [registry] }),
    inFlight: new Gauge({
      name: 'db_client_in_flight',
      help: 'Database work holding a connection now: statements outside transactions (query) and open transactions (transaction)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };

  const knownOperations = new Set<string>();
  const operationLabel = (name: string | undefined): string => {
    if (!name) return '(anonymous)';
    if (!GRAPHQL_NAME.test(name)) return 'other';
    if (knownOperations.has(name)) return name;
    if (knownOperations.size >= MAX_OPERATION_NAMES) return 'other';
    knownOperations.add(name);
    return name;
  };
  const word = (value: string) => (LABEL_WORD.test(value) ? value : 'other');

  return {
    registry,
    onServicePort: options.onServicePort ?? false,
    database,
    requestsInFlight,
    recordHttpRequest(route, method, status, seconds) {
      const verb = ['GET', 'POST', 'HEAD', 'OPTIONS'].includes(method) ? method : 'OTHER';
      httpRequests.inc({ route, method: verb, status: String(status) });
      httpDuration.observe({ route }, seconds);
    },
    recordOperation(report) {
      const operation = operationLabel(report.name);
      const type = ['query', 'mutation', 'subscription'].includes(report.type) ? report.type : 'unknown';
      operations.inc({ operation, type, outcome: report.outcome });
      operationDuration.observe({ operation, outcome: report.outcome }, report.seconds);
      for (const code of report.errorCodes) errors.inc({ code: ERROR_CODE.test(code) ? code : 'OTHER' });
    },
    recordSubgraphFetch(subgraph, outcome, seconds) {
      subgraphFetches.observe({ subgraph: word(subgraph), outcome }, seconds);
    },
    recordAuditAppend(outcome, seconds) {
      auditAppends.observe({ outcome }, seconds);
    },
    recordAuditBatch(events) {
      auditBatches.observe(events);
    },
    recordAuthorizationDenial(reason) {
      denials.inc({ reason: word(reason) });
    },
    recordRateLimitRefusal(limit) {
      rateLimited.inc({ limit: word(limit) });
    },
  };
}

/**
 * A counter whose values live elsewhere — counts a module keeps on its own objects (cache
 * hits, merged fetches) — read at scrape time, so the hot path pays nothing for it.
 */
export function countedAtScrape(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly string[],
  read: () => Iterable<readonly [Record<string, string>, number]>,
): void {
  // A registry shared by two instances (tests) keeps the first one's: registering twice would throw.
  if (registry.getSingleMetric(name)) return;
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}
