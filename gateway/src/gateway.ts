import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
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
import type { GatewayContext } from './context.js';
import { explorerRoutes } from './explorer.js';
import { asBadUserInput } from './input-errors.js';
import { instrumentAuditSink, instrumentDataSource, refusalMetricsPlugin, subgraphReadiness } from './observability.js';
import { CostPolicy, readCostModel, type CostSettings } from './operation/cost.js';
import { DEFAULT_LIMITS, type OperationLimits } from './operation/limits.js';
import { PipelineGateway, type UnauthorizedMode } from './operation/pipeline-gateway.js';
import { PreflightApolloServer } from './operation/preflight.js';
import { SubgraphDataSource } from './subgraph-data-source.js';

export type { GatewayContext } from './context.js';
export type { UnauthorizedMode } from './operation/pipeline-gateway.js';

/** Header carrying the declared purpose of access to personal data (case reference and reason). */
export const PURPOSE_HEADER = 'x-access-purpose';
/** Header carrying an emergency justification for reading an unassigned witness's identity. */
export const BREAK_GLASS_HEADER = 'x-break-glass';

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
  /** The gateway's metrics registry, served on /metrics (default: a fresh one). */
  metrics?: ServiceMetrics;
  /** Bound on draining in-flight requests at stop. */
  shutdownTimeoutMs?: number;
  /** Operation limits checked before parsing (default: DEFAULT_LIMITS). */
  limits?: OperationLimits;
  /** Demand control (default: enforce, max 5000, lists of 10). */
  cost?: CostSettings;
  /** Fetch timeout per subgraph name, in ms (default 10 s). */
  subgraphTimeoutMs?: (name: string) => number;
}

export const DEFAULT_COST: CostSettings = { max: 5000, mode: 'enforce', defaultListSize: 10 };

/**
 * The gateway: serves the committed supergraph (no live introspection), verifies the
 * caller, cuts every operation down to what the caller may see, routes each query
 * plan fetch to its subgraph with an internal token, and answers on `/` (explorer)
 * and `/graphql`.
 */
export function createGateway(options: GatewayOptions): HttpService {
  const supergraphSdl = readFileSync(options.supergraphPath, 'utf8');
  const supergraph = parse(supergraphSdl);
  const rules = readAccessRules(supergraph);
  const metrics = options.metrics ?? createServiceMetrics('gateway');
  const endpoints = new Map<string, string>();
  const dataSources: SubgraphDataSource[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl: withoutSecurityFeatures(supergraphSdl),
    buildService: ({ name, url }) => {
      const endpoint = options.subgraphUrls?.[name] ?? url ?? '';
      endpoints.set(name, endpoint);
      const dataSource = new SubgraphDataSource(name, endpoint, options.internalTokenKey, {
        timeoutMs: options.subgraphTimeoutMs?.(name) ?? 10_000,
        development: options.development,
      });
      dataSources.push(dataSource);
      return instrumentDataSource(name, dataSource, metrics);
    },
  });
  // The supergraph only names the custom scalars; give them the subgraphs' own
  // parsing, so a malformed date is refused at the gateway, naming its argument.
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => useScalarSemantics(apiSchema));
  const maskInternal = maskInternalErrors(options.development);
  let loaded = false;
  const pipeline = new PipelineGateway(gateway, {
    rules,
    mode: options.unauthorizedMode,
    auditor: new Auditor(rules, instrumentAuditSink(options.auditSink, metrics)),
    cost: new CostPolicy(readCostModel(supergraph), options.cost ?? DEFAULT_COST),
  });
  const apollo = new PreflightApolloServer<GatewayContext>(
    {
    gateway: pipeline,
    includeStacktraceInErrorResponses: options.development,
    // No "Did you mean …?": suggestions would map the schema for whoever probes it.
    hideSchemaDetailsFromClientErrors: !options.development,
    // main.ts stops the service itself (and closes its database) on SIGINT/SIGTERM.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) =>
      withoutServiceInternals(maskInternal(asBadUserInput(formatted, error), error), options.development),
    plugins: [
      // The explorer is our own, self-hosted (explorer.ts), not Apollo's CDN-loaded page.
      ApolloServerPluginLandingPageDisabled(),
      operationReportPlugin(),
      refusalMetricsPlugin(metrics),
      { serverWillStart: async () => void (loaded = true) },
    ],
    },
    options.limits ?? DEFAULT_LIMITS,
  );
  return createHttpService({
    apollo,
    service: 'gateway',
    metrics,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: options.shutdownTimeoutMs } : {}),
    graphqlPaths: ['/', '/graphql'],
    routes: explorerRoutes,
    context: async (request, signal) => ({
      caller: await options.verifyCaller({
        authorization: request.headers.authorization,
        purpose: headerValue(request.headers[PURPOSE_HEADER]),
        breakGlass: headerValue(request.headers[BREAK_GLASS_HEADER]),
      }),
      signal,
    }),
    isReady: subgraphReadiness(() => endpoints, () => loaded),
    onStop: async () => void (await Promise.all(dataSources.map((dataSource) => dataSource.close()))),
  });
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

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
