import type { JWK } from 'jose';
import {
  devKeyPair,
  INTERNAL_TOKEN_KEY_NAME,
  keyPairFromJwk,
  type HttpService,
  type ServiceProcess,
} from '@mission-graph/service-kit';
import { createCallerVerifier } from './authentication/caller-verifier.js';
import { httpAuditSink } from './audit/audit-sink.js';
import { loadClientRegistry } from './clients/registry.js';
import {
  auditAppendUrl,
  DEV_AUDIENCE,
  DEV_CALLER_KEY_NAME,
  DEV_ISSUER,
  operationLimits,
  readGatewayEnv,
  subgraphTimeouts,
  subgraphUrlOverrides,
} from './config.js';
import { personaTokenSigner } from './explorer/personas.js';
import { createGateway } from './gateway.js';
import { createRateLimiter } from './rate-limit/rate-limiter.js';
import { memoryRateLimitStore } from './rate-limit/token-bucket.js';

/**
 * Starts the gateway from its environment: what `main.ts` does in its own process,
 * and what `pnpm start` does in its one development process.
 */
export async function startGateway(
  { logger, metrics, shutdownTimeoutMs }: Pick<ServiceProcess, 'logger' | 'metrics' | 'shutdownTimeoutMs'>,
  environment: Record<string, string | undefined> = process.env,
): Promise<HttpService> {
  const env = readGatewayEnv(environment);
  // Without a JWKS URL (development only: production refuses to start without one),
  // callers' tokens are those `pnpm token` signs with the local development key.
  const devCallerKey = env.AUTH_JWKS_URL ? undefined : await devKeyPair(env.DATA_DIR, DEV_CALLER_KEY_NAME);
  const verifyCaller = createCallerVerifier({
    ...(devCallerKey ? { publicJwks: [devCallerKey.publicJwk] } : { jwksUrl: env.AUTH_JWKS_URL! }),
    issuer: env.AUTH_ISSUER ?? DEV_ISSUER,
    audience: env.AUTH_AUDIENCE ?? DEV_AUDIENCE,
    requireAuthentication: env.AUTH_REQUIRED,
  });
  const internalTokenKey = env.INTERNAL_TOKEN_PRIVATE_KEY
    ? await keyPairFromJwk(env.INTERNAL_TOKEN_PRIVATE_KEY as JWK)
    : await devKeyPair(env.DATA_DIR, INTERNAL_TOKEN_KEY_NAME);

  // The client registry is validated before anything listens: a bad entry stops the start.
  const clients = loadClientRegistry(env.CLIENTS_PATH);
  // The Redis store (and ioredis with it) is loaded only when Redis is configured: a
  // gateway without Redis does not hold the client's modules (docs/benchmarks.md, "Memory").
  const rateLimiter = createRateLimiter(
    clients,
    env.REDIS_URL
      ? (await import('./rate-limit/redis-store.js')).redisRateLimitStore({ url: env.REDIS_URL, keyPrefix: env.RATE_LIMIT_KEY_PREFIX })
      : memoryRateLimitStore(),
  );
  // Development without an identity provider: the explorer's personas get tokens signed
  // with the development caller key (the one `pnpm token` uses), which no other gateway trusts.
  const personaTokens =
    env.NODE_ENV === 'development' && devCallerKey ? personaTokenSigner(devCallerKey, DEV_ISSUER, DEV_AUDIENCE) : undefined;

  const gateway = createGateway({
    supergraphPath: env.SUPERGRAPH_PATH,
    subgraphUrls: subgraphUrlOverrides(env),
    development: env.NODE_ENV === 'development',
    verifyCaller,
    internalTokenKey,
    unauthorizedMode: env.AUTHORIZATION_MODE,
    auditSink: httpAuditSink(auditAppendUrl(env), internalTokenKey, {
      batchWindowMs: env.AUDIT_BATCH_WINDOW_MS,
      maxInFlight: env.AUDIT_APPENDS_IN_FLIGHT,
      onBatch: (events) => metrics.recordAuditBatch(events),
    }),
    mergeInflightFetches: env.SUBGRAPH_MERGE_INFLIGHT,
    responseCache: { ttlMs: env.RESPONSE_CACHE_TTL_MS, redisUrl: env.REDIS_URL, channel: env.RESPONSE_CACHE_CHANNEL },
    limits: operationLimits(env),
    cost: {
      max: env.COST_MAX,
      mode: env.COST_MODE,
      defaultListSize: env.COST_DEFAULT_LIST_SIZE,
      maxByScope: env.COST_MAX_BY_SCOPE,
      maxByClient: env.COST_MAX_BY_CLIENT,
    },
    subgraphTimeoutMs: subgraphTimeouts(env),
    logger,
    metrics,
    shutdownTimeoutMs,
    externalSupergraphPath: env.EXTERNAL_SUPERGRAPH_PATH,
    clients,
    rateLimiter,
    corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS,
    personaTokens,
  });
  const { url } = await gateway.listen(env.PORT, env.HOST);
  logger.info(
    { url, authorization: env.AUTHORIZATION_MODE, rateLimits: env.REDIS_URL ? 'redis' : 'memory', personas: personaTokens !== undefined },
    `listening at ${url} (authorization: ${env.AUTHORIZATION_MODE}; external contract at /external/graphql); ready once every subgraph is (GET /health/ready)`,
  );
  // The rate limiter (a Redis connection) is ours: closed once the gateway has drained.
  return {
    ...gateway,
    stop: async () => {
      await gateway.stop();
      await rateLimiter.close();
    },
  };
}
