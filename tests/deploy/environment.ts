/**
 * What the deployment checks compare manifests with: each service's port and the
 * variables its code reads (the zod schemas the services validate at start), and
 * which of them production requires.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import {
  readConfig,
  type EnvShape, requireInProduction, SUBGRAPH_PRODUCTION_REQUIRED, subgraphEnv } from '@mission-graph/service-kit';
import { GATEWAY_PRODUCTION_REQUIRED, gatewayEnv } from '@mission-graph/gateway/config';
import { SUBGRAPHS } from '../../scripts/supergraph.js';

export interface ServiceContract {
  port: number;
  shape: EnvShape;
  requiredInProduction: readonly string[];
}

export const SERVICE_CONTRACTS: Record<string, ServiceContract> = {
  gateway: { port: 4000, shape: gatewayEnv, requiredInProduction: GATEWAY_PRODUCTION_REQUIRED },
  ...Object.fromEntries(
    SUBGRAPHS.map(({ name, port }) => [name, { port, shape: subgraphEnv(port), requiredInProduction: SUBGRAPH_PRODUCTION_REQUIRED }]),
  ),
};

export const SUBGRAPH_NAMES: readonly string[] = SUBGRAPHS.map(({ name }) => name);

/** `SUBGRAPH_URL_POLICE_COOPERATION` for `police-cooperation`. */
export const subgraphUrlVariable = (name: string) => `SUBGRAPH_URL_${name.toUpperCase().replaceAll('-', '_')}`;

/**
 * Checks one service's environment against its contract: no variable the code does
 * not read (a `NAME_FILE` counts as `NAME`), none that production requires missing,
 * and the whole set accepted by the service's own config reader in production —
 * secret files replaced by plausible stand-ins written to `scratch`.
 */
export function expectEnvironmentMatchesCode(service: string, env: Record<string, string>, scratch: string): void {
  const contract = SERVICE_CONTRACTS[service]!;
  const known = new Set(Object.keys(contract.shape));
  const unknown = Object.keys(env).filter((name) => !known.has(name) && !(name.endsWith('_FILE') && known.has(name.slice(0, -5))));
  expect(unknown, `${service} sets variables its code does not read`).toEqual([]);
  const provided = new Set(Object.keys(env).map((name) => (name.endsWith('_FILE') ? name.slice(0, -5) : name)));
  const missing = contract.requiredInProduction.filter((name) => !provided.has(name));
  expect(missing, `${service} lacks variables production requires`).toEqual([]);
  expect(env.NODE_ENV, `${service} runs in production mode`).toBe('production');

  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.endsWith('_FILE')) {
      resolved[name] = value;
      continue;
    }
    const file = path.join(scratch, `${service}-${name}`);
    writeFileSync(file, standInSecret(name.slice(0, -5)));
    resolved[name] = file;
  }
  const parsed = readConfig(contract.shape, resolved);
  requireInProduction(parsed as { NODE_ENV: string } & Record<string, unknown>, contract.requiredInProduction);
  expect(parsed.PORT, `${service} port`).toBe(contract.port);
}

function standInSecret(name: string): string {
  if (name.endsWith('_KEY')) return JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' });
  if (name.endsWith('_URL')) return 'postgres://role:secret@postgres:5432/database';
  return 'secret';
}
