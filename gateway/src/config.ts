import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  DEFAULT_DATA_DIR,
  optionalJwk,
  optionalUrl,
  portVariable,
  processEnv,
  readConfig,
  requireInProduction,
} from '@mission-graph/service-kit';

/** Every variable the gateway reads (deployment checks compare compose/Kubernetes env with it). */
export const gatewayEnv = {
      ...processEnv,
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
};

/** Gateway variables production refuses to start without. */
export const GATEWAY_PRODUCTION_REQUIRED = ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'INTERNAL_TOKEN_PRIVATE_KEY'] as const;

/** Gateway settings, validated at start (a bad value names its variable). */
export function readGatewayEnv(env: Record<string, string | undefined> = process.env) {
  const parsed = readConfig(gatewayEnv, env);
  requireInProduction(parsed, GATEWAY_PRODUCTION_REQUIRED);
  return parsed;
}

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
