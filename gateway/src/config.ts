import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  DEFAULT_DATA_DIR,
  optionalJwk,
  optionalUrl,
  portVariable,
  readConfig,
  requireInProduction,
} from '@mission-graph/service-kit';
import { isOrigin } from './cors.js';

/** Gateway settings, validated at start (a bad value names its variable). */
export function readGatewayEnv(env: Record<string, string | undefined> = process.env) {
  const parsed = readConfig(
    {
      PORT: portVariable(4000),
      HOST: z.string().min(1).default('127.0.0.1'),
      NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
      SUPERGRAPH_PATH: z
        .string()
        .min(1)
        .default(fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url))),
      // Where each subgraph listens, when not where the supergraph says (replicas, k8s services).
      SUBGRAPH_URL_OPERATIONS: optionalUrl,
      SUBGRAPH_URL_POLICE_COOPERATION: optionalUrl,
      SUBGRAPH_URL_FORENSICS: optionalUrl,
      SUBGRAPH_URL_SPECIALIST_CHAMBERS: optionalUrl,
      SUBGRAPH_URL_AUDIT: optionalUrl,
      // Where audit events are appended; default: the audit service's /internal/audit-events.
      AUDIT_APPEND_URL: optionalUrl,
      // Where development keys live (.data/keys/); production passes keys in variables.
      DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
      // Callers' tokens: the identity provider's keys, issuer and audience.
      AUTH_JWKS_URL: optionalUrl,
      AUTH_ISSUER: z.string().min(1).optional(),
      AUTH_AUDIENCE: z.string().min(1).optional(),
      // true: anonymous callers are refused even for fields without rules.
      AUTH_REQUIRED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
      // filter: remove what the caller may not see; reject: refuse the whole operation.
      AUTHORIZATION_MODE: z.enum(['filter', 'reject']).default('filter'),
      // The key the gateway signs internal (gateway → subgraph) tokens with.
      INTERNAL_TOKEN_PRIVATE_KEY: optionalJwk,
      // Front doors (issue 11): the external contract, the client registry, shared rate limits, CORS.
      EXTERNAL_SUPERGRAPH_PATH: z
        .string()
        .min(1)
        .default(fileURLToPath(new URL('../../schema/external.supergraph.graphql', import.meta.url))),
      CLIENTS_PATH: z.string().min(1).default(fileURLToPath(new URL('../../config/clients.json', import.meta.url))),
      // Set: rate-limit buckets live in Redis, shared by every gateway replica; unset: in memory.
      REDIS_URL: optionalUrl,
      RATE_LIMIT_KEY_PREFIX: z.string().min(1).default('mission-graph:rate-limit:'),
      CORS_ALLOWED_ORIGINS: corsOrigins,
    },
    env,
  );
  requireInProduction(parsed, ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'INTERNAL_TOKEN_PRIVATE_KEY']);
  return parsed;
}

/** Comma-separated browser origins (`https://app.example.org`); empty: no cross-origin browser access. */
const corsOrigins = z
  .string()
  .default('')
  .transform((text, context) => {
    const origins = text.split(',').map((origin) => origin.trim()).filter(Boolean);
    for (const origin of origins) {
      if (!isOrigin(origin)) {
        context.addIssue({ code: 'custom', message: `"${origin}" is not an origin (scheme://host[:port], no path, no "*")` });
      }
    }
    return origins;
  });

/** Issuer and audience of the development tokens `pnpm token` prints. */
export const DEV_ISSUER = 'mission-graph-dev';
export const DEV_AUDIENCE = 'mission-graph';
/** File name (under `<DATA_DIR>/keys/`) of the development caller-signing key pair. */
export const DEV_CALLER_KEY_NAME = 'dev-caller';

export type GatewayEnv = ReturnType<typeof readGatewayEnv>;

/** `SUBGRAPH_URL_POLICE_COOPERATION` → `police-cooperation`. */
export function subgraphUrlOverrides(env: GatewayEnv): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('SUBGRAPH_URL_') && typeof value === 'string') {
      overrides[key.slice('SUBGRAPH_URL_'.length).toLowerCase().replaceAll('_', '-')] = value;
    }
  }
  return overrides;
}

/** The audit service's append endpoint, from AUDIT_APPEND_URL or the audit subgraph's address. */
export function auditAppendUrl(env: GatewayEnv): string {
  if (env.AUDIT_APPEND_URL) return env.AUDIT_APPEND_URL;
  return new URL('/internal/audit-events', env.SUBGRAPH_URL_AUDIT ?? 'http://127.0.0.1:4005/graphql').toString();
}
