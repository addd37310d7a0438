/**
 * Starts the real graph in-process for end-to-end tests: the four subgraphs on free
 * loopback ports (PGlite in memory, or one fresh PostgreSQL database with a schema
 * per subgraph), and the gateway serving the committed supergraph, pointed at them.
 * A test identity provider signs callers' tokens; every subgraph records the
 * operations it received. `stop()` closes every server and drops the database.
 */
import { SignJWT } from 'jose';
import { createService as createAudit } from '@mission-graph/audit';
import { createService as createForensics } from '@mission-graph/forensics';
import { createGateway, type GatewayOptions } from '@mission-graph/gateway';
import { httpAuditSink, type AuditSink } from '@mission-graph/gateway/audit';
import { createCallerVerifier } from '@mission-graph/gateway/authentication';
import {
  loadClientRegistry,
  personaTokenSigner,
  type ClientRegistry,
  type RateLimiter,
} from '@mission-graph/gateway/front-doors';
import { createService as createOperations } from '@mission-graph/operations';
import { createService as createPoliceCooperation } from '@mission-graph/police-cooperation';
import {
  AUDIT_APPEND_PATH,
  newKeyPair,
  type HttpService,
  type KeyPair,
  type SubgraphFactory,
  type SubgraphInstance,
} from '@mission-graph/service-kit';
import { createTestDatabase, type GraphQLResponse, type TestDatabase } from '@mission-graph/service-kit/testing';
import { createService as createSpecialistChambers } from '@mission-graph/specialist-chambers';
import { EXTERNAL_SUPERGRAPH_PATH } from '../../scripts/contract.js';
import { SUPERGRAPH_PATH } from '../../scripts/supergraph.js';

/** The repo's client registry (config/clients.json), which the tests' gateways use unless told otherwise. */
export const CLIENTS_PATH = new URL('../../config/clients.json', import.meta.url).pathname;

export type Flavour = 'pglite' | 'postgres';

const factories: Record<string, SubgraphFactory> = {
  operations: createOperations,
  'police-cooperation': createPoliceCooperation,
  forensics: createForensics,
  'specialist-chambers': createSpecialistChambers,
  audit: createAudit,
};

export const TEST_ISSUER = 'https://idp.test.invalid/';
export const TEST_AUDIENCE = 'mission-graph';

export type { GraphQLResponse } from '@mission-graph/service-kit/testing';

export interface RunningSubgraph extends SubgraphInstance {
  url: string;
  /** Text of every operation this subgraph received, oldest first. */
  received: string[];
}

export interface TokenOptions {
  subject?: string;
  issuer?: string;
  audience?: string;
  /** Seconds until expiry; negative for an expired token. */
  ttl?: number;
  claims?: Record<string, unknown>;
}

export interface RunningGraph {
  gatewayUrl: string;
  /** `/external/graphql`: the external contract. */
  externalUrl: string;
  subgraphs: Record<string, RunningSubgraph>;
  /** The test identity provider's key (sign your own odd tokens with it). */
  callerKey: KeyPair;
  /** The key the gateway signs internal tokens with. */
  internalKey: KeyPair;
  /** A caller token from the test identity provider. */
  token(scopes: readonly string[], options?: TokenOptions): Promise<string>;
  /** POSTs an operation to the gateway. */
  query<Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<Data>>;
  /** POSTs an operation as a caller holding `scopes` (and a declared purpose, unless null). */
  queryAs<Data = Record<string, unknown>>(
    scopes: readonly string[],
    query: string,
    variables?: Record<string, unknown>,
    options?: { purpose?: string | null; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<Data>>;
  stop(): Promise<void>;
}

export interface GraphOptions {
  flavour?: Flavour;
  unauthorizedMode?: 'filter' | 'reject';
  /**
   * Replaces the audit service as the gateway's audit sink (to test failures); `append`
   * says where the real one appends and with which key (to build another sink there).
   */
  auditSink?: (real: AuditSink, append: { url: string; key: KeyPair }) => AuditSink;
  /** Runs on this database (e.g. one prepared with scale data) instead of a fresh one. */
  database?: TestDatabase;
  /** Gateway settings beyond the defaults (limits, cost, timeouts, development mode). */
  gateway?: Partial<Pick<GatewayOptions, 'limits' | 'cost' | 'subgraphTimeoutMs' | 'development' | 'mergeInflightFetches' | 'responseCache' | 'metrics'>>;
  /** Where the gateway finds a subgraph, instead of where the testkit started it. */
  subgraphUrls?: Record<string, string>;
  /** Subgraphs in development mode (their errors carry stack traces). */
  subgraphDevelopment?: boolean;
  /** Client registry; default: the repo's config/clients.json. */
  clients?: ClientRegistry;
  /** Rate limits over the registry; default: none. */
  rateLimiter?: (clients: ClientRegistry) => RateLimiter;
  /** Browser origins allowed by CORS; default: none. */
  corsAllowedOrigins?: string[];
  /** Serve the explorer's development personas, signed by the test identity provider. */
  personas?: boolean;
}

export async function postGraphQL<Data>(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Omit<GraphQLResponse<Data>, 'status'>;
  return { status: response.status, ...json };
}

export async function signCallerToken(
  key: KeyPair,
  scopes: readonly string[],
  options: TokenOptions = {},
): Promise<string> {
  return new SignJWT({ scope: scopes.join(' '), ...options.claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(options.issuer ?? TEST_ISSUER)
    .setAudience(options.audience ?? TEST_AUDIENCE)
    .setSubject(options.subject ?? 'test-analyst')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (options.ttl ?? 300))
    .sign(key.privateKey);
}

export async function startGraph(options: GraphOptions | Flavour = {}): Promise<RunningGraph> {
  const settings: GraphOptions = typeof options === 'string' ? { flavour: options } : options;
  const { flavour = 'pglite', unauthorizedMode = 'filter', auditSink, database: given } = settings;
  const clients = settings.clients ?? loadClientRegistry(CLIENTS_PATH);
  const rateLimiter = settings.rateLimiter?.(clients);
  const database = given ?? (await createTestDatabase(flavour === 'postgres' ? process.env.TEST_DATABASE_URL : ''));
  const callerKey = (await newKeyPair('test-idp')).pair;
  const internalKey = (await newKeyPair('test-internal')).pair;
  const subgraphs: RunningGraph['subgraphs'] = {};
  let gateway: HttpService | undefined;
  const stop = async () => {
    await gateway?.stop();
    await rateLimiter?.close();
    await Promise.all(Object.values(subgraphs).map((subgraph) => subgraph.http.stop()));
    await database.drop();
  };
  try {
    for (const [name, create] of Object.entries(factories)) {
      const received: string[] = [];
      const instance = await create({
        databaseUrl: database.url,
        seed: true,
        development: settings.subgraphDevelopment ?? false,
        internalTokenKey: internalKey.publicKey,
        onOperation: (query) => received.push(query),
      });
      const { url } = await instance.http.listen(0);
      subgraphs[name] = { ...instance, url, received };
    }
    gateway = createGateway({
      supergraphPath: SUPERGRAPH_PATH,
      subgraphUrls: {
        ...Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])),
        ...settings.subgraphUrls,
      },
      development: false,
      ...settings.gateway,
      verifyCaller: createCallerVerifier({
        publicJwks: [callerKey.publicJwk],
        issuer: TEST_ISSUER,
        audience: TEST_AUDIENCE,
      }),
      internalTokenKey: internalKey,
      unauthorizedMode,
      auditSink: (() => {
        const appendUrl = new URL(AUDIT_APPEND_PATH, subgraphs.audit!.url).toString();
        const real = httpAuditSink(appendUrl, internalKey);
        return auditSink ? auditSink(real, { url: appendUrl, key: internalKey }) : real;
      })(),
      externalSupergraphPath: EXTERNAL_SUPERGRAPH_PATH,
      clients,
      rateLimiter,
      corsAllowedOrigins: settings.corsAllowedOrigins,
      personaTokens: settings.personas ? personaTokenSigner(callerKey, TEST_ISSUER, TEST_AUDIENCE) : undefined,
    });
    const { url: gatewayUrl } = await gateway.listen(0);
    const token = (scopes: readonly string[], tokenOptions?: TokenOptions) =>
      signCallerToken(callerKey, scopes, tokenOptions);
    return {
      gatewayUrl,
      externalUrl: new URL('/external/graphql', gatewayUrl).toString(),
      subgraphs,
      callerKey,
      internalKey,
      token,
      query: (query, variables, headers) => postGraphQL(gatewayUrl, { query, variables }, headers),
      queryAs: async (scopes, query, variables, queryOptions = {}) => {
        const purpose = queryOptions.purpose === undefined ? 'CASE-2025-001: test review' : queryOptions.purpose;
        return postGraphQL(
          gatewayUrl,
          { query, variables },
          {
            authorization: `Bearer ${await token(scopes)}`,
            ...(purpose === null ? {} : { 'x-access-purpose': purpose }),
            ...queryOptions.headers,
          },
        );
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
