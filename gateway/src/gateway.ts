import { readFileSync } from 'node:fs';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  createHttpService,
  createServiceMetrics,
  maskInternalErrors,
  operationReportPlugin,
  readAccessRules,
  scalarResolvers,
  type HttpService,
  type KeyPair,
  type Logger,
  type ServiceMetrics,
} from '@mission-graph/service-kit';
import { isScalarType, parse, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { CallerVerifier } from './authentication/caller-verifier.js';
import { withoutSecurityFeatures } from './authorization/gateway-supergraph.js';
import type { AuditSink } from './audit/audit-sink.js';
import { Auditor } from './audit/auditor.js';
import { MutationRecorder } from './audit/mutation-record.js';
import { createAdmission, type FrontDoorContext } from './clients/admission.js';
import { clientCostMaxima, type ClientRegistry } from './clients/registry.js';
import { corsRoute } from './cors.js';
import { loadTrustedDocuments, type TrustedDocuments } from './documents/manifest.js';
import { trustedDocumentsStep } from './documents/trusted-documents.js';
import { personaRoutes, type PersonaTokenSigner } from './explorer/personas.js';
import { explorerRoutes } from './explorer/routes.js';
import { asBadUserInput } from './input-errors.js';
import { lazyEndpoint } from './lazy-endpoint.js';
import { exportFastPathCounts, instrumentAuditSink, instrumentDataSource, refusalMetricsPlugin, subgraphReadiness } from './observability.js';
import { CostPolicy, readCostModel, type CostSettings } from './operation/cost.js';
import { DEFAULT_LIMITS, type OperationLimits } from './operation/limits.js';
import { PipelineGateway, type UnauthorizedMode } from './operation/pipeline-gateway.js';
import { operationLimitsStep, PreflightApolloServer } from './operation/preflight.js';
import type { RateLimiter } from './rate-limit/rate-limiter.js';
import { readOwnership } from './response-cache/eligibility.js';
import { ResponseCache } from './response-cache/response-cache.js';
import { SubgraphDataSource } from './subgraph-data-source.js';

export type { GatewayContext } from './context.js';
export type { UnauthorizedMode } from './operation/pipeline-gateway.js';
/** Headers carrying the declared purpose (case reference and reason) and a break-glass justification. */
export { BREAK_GLASS_HEADER, PURPOSE_HEADER } from './clients/admission.js';

export interface GatewayOptions {
  /** Path of the composed supergraph (schema/supergraph.graphql). */
  supergraphPath: string;
  /** Subgraph name → URL, overriding the URLs written in the supergraph. */
  subgraphUrls?: Record<string, string>;
  /** Development mode: stack traces kept, local explorer. */
  development: boolean;
  /** Establishes the caller from the request's bearer token. */
  verifyCaller: CallerVerifier;
  /** Signs the internal token of every subgraph request. */
  internalTokenKey: KeyPair;
  /** What happens to an operation selecting fields the caller may not see. */
  unauthorizedMode: UnauthorizedMode;
  /** Where disclosures of personal data and mutations are recorded before responses go out. */
  auditSink: AuditSink;
  /** Structured logs (default: none, as in tests). */
  logger?: Logger;
  /** The gateway's metrics registry (default: a fresh one, not served on the gateway's port). */
  metrics?: ServiceMetrics;
  /** Bound on draining in-flight requests at stop. */
  shutdownTimeoutMs?: number;
  /** Operation limits checked before parsing (default: DEFAULT_LIMITS). */
  limits?: OperationLimits;
  /** Demand control (default: enforce, max 5000, lists of 10); each registered client's `costMax` joins `maxByClient`. */
  cost?: CostSettings;
  /** Fetch timeout per subgraph name, in ms (default 10 s). */
  subgraphTimeoutMs?: (name: string) => number;
  /**
   * Merge identical concurrent query fetches of callers with identical rights into one
   * subgraph request (subgraph/inflight.ts; default true). Never for the audit service,
   * which records each read of the trail.
   */
  mergeInflightFetches?: boolean;
  /**
   * Response cache for answers without personal data or need-to-know (response-cache/):
   * lifetime in ms (0 or omitted: off) and, for several replicas, the Redis that carries
   * invalidations between them.
   */
  responseCache?: { ttlMs: number; redisUrl?: string | undefined; channel?: string } | undefined;

  // Front doors: the external contract, clients, rate limits, CORS, explorer personas.
  /** The contract supergraph served on `/external/graphql` (schema/external.supergraph.graphql); omitted: no such endpoint. */
  externalSupergraphPath?: string | undefined;
  /** The registered clients (config/clients.json): endpoint, rate limit, cost budget, trusted documents. */
  clients: ClientRegistry;
  /** Per-client and per-principal rate limits; omitted: none. Its owner closes it. */
  rateLimiter?: RateLimiter | undefined;
  /** Browser origins allowed to call the graph (CORS); none by default. */
  corsAllowedOrigins?: readonly string[] | undefined;
  /** Development only: signs the explorer's persona tokens (the development caller key). */
  personaTokens?: PersonaTokenSigner | undefined;
}

export const DEFAULT_COST: CostSettings = { max: 5000, mode: 'enforce', defaultListSize: 10 };

/**
 * Subgraphs whose reads are never merged: each read of the audit trail is itself an
 * AUDIT_READ event, per request — two reads merged would be recorded as one.
 */
const NEVER_MERGED = new Set(['audit']);

/** Where the external contract is served. */
export const EXTERNAL_PATH = '/external/graphql';

/**
 * The gateway: serves the committed supergraph (no live introspection), verifies the
 * caller and its client, cuts every operation down to what the caller may see, routes
 * each query plan fetch to its subgraph with an internal token, and answers on `/`
 * (explorer), `/graphql`, and `/external/graphql` — the same pipeline a second time,
 * over the external contract's supergraph, so that other systems can neither see nor
 * run anything outside the contract.
 */
export function createGateway(options: GatewayOptions): HttpService {
  const metrics = options.metrics ?? createServiceMetrics('gateway');
  const admission = createAdmission({
    verifyCaller: options.verifyCaller,
    registry: options.clients,
    rateLimiter: options.rateLimiter,
  });
  const documents = loadTrustedDocuments(options.clients);
  // One response cache for both endpoints (the endpoint is part of its key).
  const responseCache = new ResponseCache({ ttlMs: 0, ...options.responseCache });
  // One client (a keep-alive pool) per subgraph, shared by both pipelines.
  const endpoints = new Map<string, string>();
  const dataSources = new Map<string, SubgraphDataSource>();
  const instrumented = new Map<string, GraphQLDataSource>();
  const dataSourceFor = (name: string, url: string | undefined): GraphQLDataSource => {
    let dataSource = instrumented.get(name);
    if (!dataSource) {
      const endpoint = options.subgraphUrls?.[name] ?? url ?? '';
      endpoints.set(name, endpoint);
      const client = new SubgraphDataSource(name, endpoint, options.internalTokenKey, {
        timeoutMs: options.subgraphTimeoutMs?.(name) ?? 10_000,
        development: options.development,
        mergeInflight: (options.mergeInflightFetches ?? true) && !NEVER_MERGED.has(name),
        ...(responseCache.enabled ? { onMutation: (subgraph: string) => responseCache.invalidate(subgraph) } : {}),
      });
      dataSources.set(name, client);
      dataSource = instrumentDataSource(name, client, metrics);
      instrumented.set(name, dataSource);
    }
    return dataSource;
  };
  exportFastPathCounts(metrics, responseCache, () => [...dataSources].map(([name, source]) => [name, source.inflightCounts] as const));
  // One cost policy for both endpoints: a client's budget is its registry `costMax` (or COST_MAX_BY_CLIENT).
  const settings = options.cost ?? DEFAULT_COST;
  const cost: CostSettings = { ...settings, maxByClient: clientCostMaxima(settings.maxByClient ?? new Map(), options.clients) };
  const pipeline = (supergraphPath: string) =>
    createPipeline(supergraphPath, options, { documents, metrics, dataSourceFor, cost, responseCache });
  const internal = pipeline(options.supergraphPath);
  // The external contract's pipeline is checked in full at start but built for serving on
  // its first request (lazy-endpoint.ts): a gateway whose callers never use the contract
  // does not hold a second planner and schema set (docs/benchmarks.md, "Memory").
  const externalPath = options.externalSupergraphPath;
  const external = externalPath ? lazyEndpoint(() => pipeline(externalPath).apollo) : undefined;

  const cors = corsRoute(options.corsAllowedOrigins ?? []);
  const personas = options.personaTokens ? personaRoutes(options.personaTokens) : undefined;
  return createHttpService({
    apollo: internal.apollo,
    service: 'gateway',
    metrics,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: options.shutdownTimeoutMs } : {}),
    graphqlPaths: ['/', '/graphql'],
    context: (request, signal) => admission(request, 'internal', signal),
    ...(external
      ? { endpoints: { [EXTERNAL_PATH]: { apollo: external, context: (request, signal) => admission(request, 'external', signal) } } }
      : {}),
    // Before GraphQL: CORS (preflights answered, allowed origins' fields added), the explorer, its personas.
    routes: async (request, response) =>
      cors(request, response) || explorerRoutes(request, response) || ((await personas?.(request, response)) ?? false),
    // The external contract was checked at start (the service does not listen before).
    isReady: subgraphReadiness(() => endpoints, () => internal.loaded()),
    onStop: async () =>
      void (await Promise.all([...[...dataSources.values()].map((dataSource) => dataSource.close()), responseCache.close()])),
  });
}

interface PipelineParts {
  documents: TrustedDocuments;
  cost: CostSettings;
  metrics: ServiceMetrics;
  dataSourceFor: (name: string, url: string | undefined) => GraphQLDataSource;
  responseCache: ResponseCache;
}

/**
 * One operation pipeline over one supergraph, behind Apollo Server: before parsing, the
 * client's trusted documents and the operation limits; then authorization, cost, audit
 * and execution (operation/pipeline-gateway.ts). The internal API and the external
 * contract are two instances, each with the rules and cost model of its own supergraph.
 */
function createPipeline(supergraphPath: string, options: GatewayOptions, parts: PipelineParts) {
  const supergraphSdl = readFileSync(supergraphPath, 'utf8');
  const supergraph = parse(supergraphSdl);
  const rules = readAccessRules(supergraph);
  const gateway = new ApolloGateway({
    supergraphSdl: withoutSecurityFeatures(supergraphSdl),
    buildService: ({ name, url }) => parts.dataSourceFor(name, url),
  });
  // The supergraph only names the custom scalars; give them the subgraphs' own
  // parsing, so a malformed date is refused at the gateway, naming its argument.
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => useScalarSemantics(apiSchema));
  const maskInternal = maskInternalErrors(options.development);
  let loaded = false;
  const auditSink = instrumentAuditSink(options.auditSink, parts.metrics);
  const pipeline = new PipelineGateway(gateway, {
    rules,
    mode: options.unauthorizedMode,
    auditor: new Auditor(rules, auditSink),
    mutations: new MutationRecorder(auditSink),
    // Each supergraph's own @cost/@listSize (the contract keeps them: schema-files.spec.ts).
    cost: new CostPolicy(readCostModel(supergraph), parts.cost),
    responseCache: parts.responseCache.enabled ? { cache: parts.responseCache, ownership: readOwnership(supergraph) } : undefined,
  });
  const apollo = new PreflightApolloServer<FrontDoorContext>(
    {
      gateway: pipeline,
      // Trusted documents are the clients' manifests, resolved before parsing; automatic
      // persisted queries would let any client register any text under its hash.
      persistedQueries: false,
      includeStacktraceInErrorResponses: options.development,
      // No "Did you mean …?": suggestions would map the schema for whoever probes it.
      hideSchemaDetailsFromClientErrors: !options.development,
      // main.ts stops the service itself (and closes its database) on SIGINT/SIGTERM.
      stopOnTerminationSignals: false,
      formatError: (formatted, error) =>
        withoutServiceInternals(maskInternal(asBadUserInput(formatted, error), error), options.development),
      plugins: [
        // The explorer is our own, self-hosted (explorer/routes.ts), not Apollo's CDN-loaded page.
        ApolloServerPluginLandingPageDisabled(),
        operationReportPlugin(),
        refusalMetricsPlugin(parts.metrics),
        { serverWillStart: async () => void (loaded = true) },
      ],
    },
    {
      steps: [trustedDocumentsStep(parts.documents), operationLimitsStep(options.limits ?? DEFAULT_LIMITS)],
      responseHeaders: (context) => context.rateLimitHeaders,
    },
  );
  return { apollo, loaded: () => loaded };
}

function useScalarSemantics(schema: GraphQLSchema): void {
  for (const [name, implementation] of Object.entries(scalarResolvers)) {
    const type = schema.getType(name);
    if (!isScalarType(type)) continue;
    type.parseValue = implementation.parseValue;
    type.parseLiteral = implementation.parseLiteral;
    type.serialize = implementation.serialize;
  }
}

/**
 * Outside development, which subgraph an error came from stays inside: @apollo/gateway
 * names it in `extensions.serviceName`. (Stack traces of typed errors are dropped in
 * every mode by `maskInternalErrors`; a subgraph's own stack traces are dropped by
 * the subgraph client.)
 */
function withoutServiceInternals(formatted: GraphQLFormattedError, development: boolean): GraphQLFormattedError {
  if (development || !formatted.extensions || !('serviceName' in formatted.extensions)) return formatted;
  const { serviceName: _serviceName, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
