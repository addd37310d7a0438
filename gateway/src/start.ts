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
import { createGateway } from './gateway.js';

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
  const verifyCaller = createCallerVerifier({
    ...(env.AUTH_JWKS_URL
      ? { jwksUrl: env.AUTH_JWKS_URL }
      : { publicJwks: [(await devKeyPair(env.DATA_DIR, DEV_CALLER_KEY_NAME)).publicJwk] }),
    issuer: env.AUTH_ISSUER ?? DEV_ISSUER,
    audience: env.AUTH_AUDIENCE ?? DEV_AUDIENCE,
    requireAuthentication: env.AUTH_REQUIRED,
  });
  const internalTokenKey = env.INTERNAL_TOKEN_PRIVATE_KEY
    ? await keyPairFromJwk(env.INTERNAL_TOKEN_PRIVATE_KEY as JWK)
    : await devKeyPair(env.DATA_DIR, INTERNAL_TOKEN_KEY_NAME);

  const gateway = createGateway({
    supergraphPath: env.SUPERGRAPH_PATH,
    subgraphUrls: subgraphUrlOverrides(env),
    development: env.NODE_ENV === 'development',
    verifyCaller,
    internalTokenKey,
    unauthorizedMode: env.AUTHORIZATION_MODE,
    auditSink: httpAuditSink(auditAppendUrl(env), internalTokenKey),
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
  });
  const { url } = await gateway.listen(env.PORT, env.HOST);
  logger.info(
    { url, authorization: env.AUTHORIZATION_MODE },
    `listening at ${url} (authorization: ${env.AUTHORIZATION_MODE}); ready once every subgraph is (GET /health/ready)`,
  );
  return gateway;
}
