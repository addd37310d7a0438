import type { JWK } from 'jose';
import {
  devKeyPair,
  INTERNAL_TOKEN_KEY_NAME,
  keyPairFromJwk,
  runMain,
} from '@mission-graph/service-kit';
import { createCallerVerifier } from './authentication/caller-verifier.js';
import { httpAuditSink } from './audit/audit-sink.js';
import {
  auditAppendUrl,
  DEV_AUDIENCE,
  DEV_CALLER_KEY_NAME,
  DEV_ISSUER,
  readGatewayEnv,
  subgraphUrlOverrides,
} from './config.js';
import { loadClientRegistry } from './clients/registry.js';
import { personaTokenSigner } from './explorer/personas.js';
import { createGateway } from './gateway.js';
import { createRateLimiter } from './rate-limit/rate-limiter.js';
import { redisRateLimitStore } from './rate-limit/redis-store.js';
import { memoryRateLimitStore } from './rate-limit/token-bucket.js';

void runMain(async () => {
  const env = readGatewayEnv();
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

  const clients = loadClientRegistry(env.CLIENTS_PATH);
  const rateLimiter = createRateLimiter(
    clients,
    env.REDIS_URL ? redisRateLimitStore({ url: env.REDIS_URL, keyPrefix: env.RATE_LIMIT_KEY_PREFIX }) : memoryRateLimitStore(),
  );
  // Development without an identity provider: the explorer's personas get tokens signed
  // with the development caller key (the one `pnpm token` uses).
  const personaTokens =
    env.NODE_ENV === 'development' && !env.AUTH_JWKS_URL
      ? personaTokenSigner(await devKeyPair(env.DATA_DIR, DEV_CALLER_KEY_NAME), DEV_ISSUER, DEV_AUDIENCE)
      : undefined;

  const gateway = createGateway({
    supergraphPath: env.SUPERGRAPH_PATH,
    subgraphUrls: subgraphUrlOverrides(env),
    development: env.NODE_ENV === 'development',
    verifyCaller,
    internalTokenKey,
    unauthorizedMode: env.AUTHORIZATION_MODE,
    auditSink: httpAuditSink(auditAppendUrl(env), internalTokenKey),
    externalSupergraphPath: env.EXTERNAL_SUPERGRAPH_PATH,
    clients,
    rateLimiter,
    corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS,
    personaTokens,
  });
  const { url } = await gateway.listen(env.PORT, env.HOST);
  console.log(`gateway ready at ${url} (authorization: ${env.AUTHORIZATION_MODE})`);
  const stop = () => void gateway.stop().then(() => rateLimiter.close()).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
