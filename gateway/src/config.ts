import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { optionalUrl, portVariable, readConfig } from '@mission-graph/service-kit';

/** Gateway settings, validated at start (a bad value names its variable). */
export function readGatewayEnv(env: Record<string, string | undefined> = process.env) {
  return readConfig(
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
    },
    env,
  );
}

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
