import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  createHttpService,
  maskInternalErrors,
  readAccessRules,
  scalarResolvers,
  type HttpRoutes,
  type HttpService,
  type KeyPair,
} from '@mission-graph/service-kit';
import { isScalarType, parse, type GraphQLSchema } from 'graphql';
import type { CallerVerifier } from './authentication/caller-verifier.js';
import { AuthorizingGateway, type UnauthorizedMode } from './authorization/authorizing-gateway.js';
import { withoutSecurityFeatures } from './authorization/gateway-supergraph.js';
import type { AuditSink } from './audit/audit-sink.js';
import { Auditor } from './audit/auditor.js';
import { createAdmission } from './clients/admission.js';
import type { ClientRegistry } from './clients/registry.js';
import { corsRoute } from './cors.js';
import { loadTrustedDocuments, type TrustedDocuments } from './documents/manifest.js';
import { TrustedDocumentsServer } from './documents/trusted-documents.js';
import { personaRoutes, type PersonaTokenSigner } from './explorer/personas.js';
import { explorerRoutes } from './explorer/routes.js';
import { rateLimitHeadersPlugin } from './rate-limit/headers-plugin.js';
import type { RateLimiter } from './rate-limit/rate-limiter.js';
import { asBadUserInput } from './input-errors.js';
import { SubgraphDataSource } from './subgraph-data-source.js';

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

  // Front doors (issue 11): the external contract, clients, rate limits, CORS, explorer personas.
  /** The contract supergraph served on `/external/graphql` (schema/external.supergraph.graphql); omitted: no such endpoint. */
  externalSupergraphPath?: string | undefined;
  /** The registered clients (config/clients.json): endpoint, rate limit, cost budget, trusted documents. */
  clients: ClientRegistry;
  /** Per-client and per-principal rate limits; omitted: none. */
  rateLimiter?: RateLimiter | undefined;
  /** Browser origins allowed to call the graph (CORS); none by default. */
  corsAllowedOrigins?: readonly string[] | undefined;
  /** Development only: signs the explorer's persona tokens (the development caller key). */
  personaTokens?: PersonaTokenSigner | undefined;
}

/**
 * The gateway: serves the committed supergraph (no live introspection), verifies the
 * caller, cuts every operation down to what the caller may see, routes each query
 * plan fetch to its subgraph with an internal token, and answers on `/` (explorer),
 * `/graphql`, and `/external/graphql` — the same pipeline a second time, over the
 * external contract's supergraph, so that other systems can neither see nor run
 * anything outside the contract.
 */
export function createGateway(options: GatewayOptions): HttpService {
  const admission = createAdmission({
    verifyCaller: options.verifyCaller,
    registry: options.clients,
    rateLimiter: options.rateLimiter,
  });
  const documents = loadTrustedDocuments(options.clients);
  const internal = createPipeline(options.supergraphPath, options, documents);
  const external = options.externalSupergraphPath
    ? createPipeline(options.externalSupergraphPath, options, documents)
    : undefined;
  return createHttpService({
    apollo: internal.apollo,
    graphqlPaths: ['/', '/graphql'],
    context: (request) => admission(request, 'internal'),
    ...(external
      ? { endpoints: { '/external/graphql': { apollo: external.apollo, context: (request) => admission(request, 'external') } } }
      : {}),
    routes: gatewayRoutes(options),
    isReady: async () => internal.loaded() && (external?.loaded() ?? true),
  });
}

/**
 * One operation pipeline over one supergraph: authorization, audit and execution,
 * behind Apollo Server. The internal API and the external contract are two instances.
 */
function createPipeline(supergraphPath: string, options: GatewayOptions, documents: TrustedDocuments) {
  const supergraphSdl = readFileSync(supergraphPath, 'utf8');
  const rules = readAccessRules(parse(supergraphSdl));
  const gateway = new ApolloGateway({
    supergraphSdl: withoutSecurityFeatures(supergraphSdl),
    buildService: ({ name, url }) =>
      new SubgraphDataSource(name, options.subgraphUrls?.[name] ?? url ?? '', options.internalTokenKey),
  });
  // The supergraph only names the custom scalars; give them the subgraphs' own
  // parsing, so a malformed date is refused at the gateway, naming its argument.
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => useScalarSemantics(apiSchema));
  const maskInternal = maskInternalErrors(options.development);
  let loaded = false;
  // Apollo Server with trusted documents resolved at the door, automatic persisted queries off.
  const apollo = new TrustedDocumentsServer({
    gateway: new AuthorizingGateway(gateway, rules, options.unauthorizedMode, new Auditor(rules, options.auditSink)),
    includeStacktraceInErrorResponses: options.development,
    // main.ts stops the service itself (and closes its database) on SIGINT/SIGTERM.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => maskInternal(asBadUserInput(formatted, error), error),
    plugins: [
      // The explorer is our own, self-hosted (explorer/routes.ts), not Apollo's CDN-loaded page.
      ApolloServerPluginLandingPageDisabled(),
      { serverWillStart: async () => void (loaded = true) },
      rateLimitHeadersPlugin(),
    ],
  }, documents);
  return { apollo, loaded: () => loaded };
}

/** Routes answered before GraphQL: CORS, the explorer, and (development only) its personas. */
function gatewayRoutes(options: GatewayOptions): HttpRoutes {
  const cors = corsRoute(options.corsAllowedOrigins ?? []);
  const personas = options.personaTokens ? personaRoutes(options.personaTokens) : undefined;
  return async (request, response) =>
    cors(request, response) || explorerRoutes(request, response) || ((await personas?.(request, response)) ?? false);
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
