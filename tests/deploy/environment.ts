/**
 * What the deployment checks compare manifests with: each service's port and the
 * variables its code reads (the zod schemas the services validate at start) — for a
 * subgraph, those of every subgraph plus its own (`createService.environment`, what
 * `startSubgraph` reads too) — and which of them production requires; and the same for
 * the image's tools (`audit-verify`).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { createService as audit } from '@mission-graph/audit';
import { VERIFY_PRODUCTION_REQUIRED, verifyEnv } from '@mission-graph/audit/config';
import { createService as forensics } from '@mission-graph/forensics';
import { GATEWAY_PRODUCTION_REQUIRED, gatewayEnv } from '@mission-graph/gateway/config';
import { createService as operations } from '@mission-graph/operations';
import { createService as policeCooperation } from '@mission-graph/police-cooperation';
import {
  readConfig,
  requireInProduction,
  SUBGRAPH_PRODUCTION_REQUIRED,
  subgraphEnv,
  type EnvShape,
  type SubgraphFactory,
} from '@mission-graph/service-kit';
import { createService as specialistChambers } from '@mission-graph/specialist-chambers';
import { SUBGRAPHS } from '../../scripts/supergraph.js';

export interface EnvironmentContract {
  shape: EnvShape;
  requiredInProduction: readonly string[];
}

export interface ServiceContract extends EnvironmentContract {
  port: number;
}

/** Each subgraph's factory: where its own variables are declared, if it has any. */
const FACTORIES: Record<string, SubgraphFactory> = {
  operations,
  'police-cooperation': policeCooperation,
  forensics,
  'specialist-chambers': specialistChambers,
  audit,
};

/** Every subgraph's variables and its own, as `startSubgraph` reads them. */
function subgraphContract(name: string, port: number): ServiceContract {
  const factory = FACTORIES[name];
  if (!factory) throw new Error(`no factory for subgraph ${name}: add it to FACTORIES`);
  const own = factory.environment;
  return {
    port,
    shape: { ...subgraphEnv(port), ...own?.shape },
    requiredInProduction: [...SUBGRAPH_PRODUCTION_REQUIRED, ...(own?.requiredInProduction ?? [])],
  };
}

export const SERVICE_CONTRACTS: Record<string, ServiceContract> = {
  gateway: { port: 4000, shape: gatewayEnv, requiredInProduction: GATEWAY_PRODUCTION_REQUIRED },
  ...Object.fromEntries(SUBGRAPHS.map(({ name, port }) => [name, subgraphContract(name, port)])),
};

/** Commands of the image that are no service (no port): run as jobs, by hand or on a schedule. */
export const TOOL_CONTRACTS: Record<string, EnvironmentContract> = {
  'audit-verify': { shape: verifyEnv, requiredInProduction: VERIFY_PRODUCTION_REQUIRED },
};

export const SUBGRAPH_NAMES: readonly string[] = SUBGRAPHS.map(({ name }) => name);

function contractOf(service: string): EnvironmentContract & { port?: number } {
  const contract = SERVICE_CONTRACTS[service] ?? TOOL_CONTRACTS[service];
  if (!contract) throw new Error(`${service}: no environment contract (neither a service nor a tool of the image)`);
  return contract;
}

/**
 * The variable `name` gives the value of by naming a file (`NAME_FILE` → `NAME`), or
 * undefined when it is a variable of its own — `AUDIT_CHECKPOINT_FILE` is a path the
 * service writes to, not a secret to read.
 */
export function fileSecretOf(service: string, name: string): string | undefined {
  const known = contractOf(service).shape;
  return name.endsWith('_FILE') && !(name in known) && name.slice(0, -5) in known ? name.slice(0, -5) : undefined;
}

/** `SUBGRAPH_URL_POLICE_COOPERATION` for `police-cooperation`. */
export const subgraphUrlVariable = (name: string) => `SUBGRAPH_URL_${name.toUpperCase().replaceAll('-', '_')}`;

/**
 * Checks one service's (or tool's) environment against its contract: no variable the
 * code does not read (a `NAME_FILE` counts as `NAME`), none that production requires
 * missing, and the whole set accepted by the code's own config reader in production —
 * secret files replaced by plausible stand-ins written to `scratch`.
 */
export function expectEnvironmentMatchesCode(service: string, env: Record<string, string>, scratch: string): void {
  const contract = contractOf(service);
  const known = new Set(Object.keys(contract.shape));
  const unknown = Object.keys(env).filter((name) => !known.has(name) && !fileSecretOf(service, name));
  expect(unknown, `${service} sets variables its code does not read`).toEqual([]);
  const provided = new Set(Object.keys(env).map((name) => fileSecretOf(service, name) ?? name));
  const missing = contract.requiredInProduction.filter((name) => !provided.has(name));
  expect(missing, `${service} lacks variables production requires`).toEqual([]);
  expect(env.NODE_ENV, `${service} runs in production mode`).toBe('production');

  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const secret = fileSecretOf(service, name);
    if (!secret) {
      resolved[name] = value;
      continue;
    }
    const file = path.join(scratch, `${service}-${name}`);
    writeFileSync(file, standInSecret(secret));
    resolved[name] = file;
  }
  const parsed = readConfig(contract.shape, resolved);
  requireInProduction(parsed as { NODE_ENV: string } & Record<string, unknown>, contract.requiredInProduction);
  if (contract.port !== undefined) expect(parsed.PORT, `${service} port`).toBe(contract.port);
}

function standInSecret(name: string): string {
  if (name.endsWith('_KEYS')) return JSON.stringify([{ kty: 'OKP', crv: 'Ed25519', x: 'x' }]);
  // Symmetric keys (specialist-chambers' witness keys): 32 bytes, base64; each its own.
  if (name.startsWith('WITNESS_') && name.endsWith('_KEY')) return Buffer.alloc(32, name).toString('base64');
  if (name.endsWith('_KEY')) return JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' });
  if (name.endsWith('_URL')) return 'postgres://role:secret@postgres:5432/database';
  return 'secret';
}
