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
import { isOrigin } from './cors.js';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, type OperationLimits } from './operation/limits.js';

function positiveInteger(fallback: number) {
  return z.coerce.number().int().positive().default(fallback);
}
const optionalPositiveInteger = z.coerce.number().int().positive().optional();

/** `name=number,name=number` → Map; empty or unset → empty map. */
const budgetList = z
  .string()
  .default('')
  .transform((text, context) => {
    const budgets = new Map<string, number>();
    for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
      const match = /^(.+)=(\d+)$/.exec(entry);
      if (!match) {
        context.addIssue({ code: 'custom', message: `"${entry}" is not name=number` });
        return z.NEVER;
      }
      budgets.set(match[1]!.trim(), Number(match[2]));
    }
    return budgets;
  });

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

function limitVariables() {
  return Object.fromEntries(
    (Object.keys(LIMIT_VARIABLES) as (keyof OperationLimits)[]).map((limit) => [
      LIMIT_VARIABLES[limit],
      positiveInteger(DEFAULT_LIMITS[limit]),
    ]),
  ) as Record<(typeof LIMIT_VARIABLES)[keyof OperationLimits], ReturnType<typeof positiveInteger>>;
}

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
  // Operation limits, checked before anything is parsed further (README "Limits and cost").
  ...limitVariables(),
  // Demand control: estimated cost per operation (IBM cost spec, @cost/@listSize).
  COST_MAX: positiveInteger(5000),
  COST_MODE: z.enum(['enforce', 'measure']).default('enforce'),
  COST_DEFAULT_LIST_SIZE: positiveInteger(10),
  // "scope=max,scope=max" / "client=max,…": larger budgets for some callers.
  COST_MAX_BY_SCOPE: budgetList,
  COST_MAX_BY_CLIENT: budgetList,
  // A subgraph fetch taking longer is abandoned (SUBGRAPH_TIMEOUT); per subgraph:
  // SUBGRAPH_TIMEOUT_MS_<NAME>, e.g. SUBGRAPH_TIMEOUT_MS_POLICE_COOPERATION.
  SUBGRAPH_TIMEOUT_MS: positiveInteger(10_000),
  SUBGRAPH_TIMEOUT_MS_OPERATIONS: optionalPositiveInteger,
  SUBGRAPH_TIMEOUT_MS_POLICE_COOPERATION: optionalPositiveInteger,
  SUBGRAPH_TIMEOUT_MS_FORENSICS: optionalPositiveInteger,
  SUBGRAPH_TIMEOUT_MS_SPECIALIST_CHAMBERS: optionalPositiveInteger,
  SUBGRAPH_TIMEOUT_MS_AUDIT: optionalPositiveInteger,
  // Front doors: the external contract, the client registry, shared rate limits, CORS.
  EXTERNAL_SUPERGRAPH_PATH: z
    .string()
    .min(1)
    .default(fileURLToPath(new URL('../../schema/external.supergraph.graphql', import.meta.url))),
  CLIENTS_PATH: z.string().min(1).default(fileURLToPath(new URL('../../config/clients.json', import.meta.url))),
  // Set: rate-limit buckets live in Redis, shared by every gateway replica; unset: in memory.
  REDIS_URL: optionalUrl,
  RATE_LIMIT_KEY_PREFIX: z.string().min(1).default('mission-graph:rate-limit:'),
  CORS_ALLOWED_ORIGINS: corsOrigins,
  // Fast paths (README "Performance"): merge identical concurrent subgraph queries of
  // callers with identical rights; group audit appends ready within this many ms.
  SUBGRAPH_MERGE_INFLIGHT: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  AUDIT_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(1000).default(0),
  AUDIT_APPENDS_IN_FLIGHT: z.coerce.number().int().min(1).max(64).default(2),
  // Answers without personal data or need-to-know, cached per rights for this long (0: off);
  // with REDIS_URL, invalidations reach every replica on this channel.
  RESPONSE_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  RESPONSE_CACHE_CHANNEL: z.string().min(1).default('mission-graph:response-cache:invalidate'),
};

/** Gateway variables production refuses to start without. */
export const GATEWAY_PRODUCTION_REQUIRED = ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'INTERNAL_TOKEN_PRIVATE_KEY'] as const;

/** Gateway settings, validated at start (a bad value names its variable). */
export function readGatewayEnv(env: Record<string, string | undefined> = process.env) {
  const parsed = readConfig(gatewayEnv, env);
  requireInProduction(parsed, GATEWAY_PRODUCTION_REQUIRED);
  return parsed;
}

/** The operation limits the environment sets. */
export function operationLimits(env: GatewayEnv): OperationLimits {
  const values = env as unknown as Record<string, number>;
  return Object.fromEntries(
    (Object.keys(LIMIT_VARIABLES) as (keyof OperationLimits)[]).map((limit) => [limit, values[LIMIT_VARIABLES[limit]]!]),
  ) as unknown as OperationLimits;
}

/** `SUBGRAPH_TIMEOUT_MS_<NAME>` or `SUBGRAPH_TIMEOUT_MS`, per subgraph name. */
export function subgraphTimeouts(env: GatewayEnv): (name: string) => number {
  return (name) => {
    const key = `SUBGRAPH_TIMEOUT_MS_${name.toUpperCase().replaceAll('-', '_')}`;
    const specific = (env as unknown as Record<string, number | undefined>)[key];
    return specific ?? env.SUBGRAPH_TIMEOUT_MS;
  };
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
