/**
 * docker-compose.yml, checked without a Docker engine: `docker-compose config` must
 * accept it (Debian package docker-compose; .ci/run installs it), and every service's
 * environment must match what its code reads (environment.ts) — the ports, the
 * gateway's subgraph URLs, the load balancer's upstreams and Prometheus's targets
 * must agree with each other and with the code. The Dockerfile is checked for what
 * production needs (non-root, pruned install, healthcheck, any service by argument).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadClientRegistry } from '@mission-graph/gateway/front-doors';
import { DEFAULT_PORTS } from '../../deploy/docker/healthcheck.mjs';
import { expectEnvironmentMatchesCode, SERVICE_CONTRACTS, SUBGRAPH_NAMES, subgraphUrlVariable } from './environment.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hasDockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
const scratch = mkdtempSync(path.join(tmpdir(), 'mission-graph-compose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  secrets?: { source: string }[];
  profiles?: string[];
  ports?: (string | { target: number; published: number })[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  read_only?: boolean;
}

function composeConfig(extraEnv: Record<string, string> = {}) {
  return spawnSync('docker-compose', ['-f', 'docker-compose.yml', '--profile', 'observability', 'config'], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...extraEnv },
  });
}

const idpEnv = { AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_ISSUER: 'https://idp.example/' };

describe.skipIf(!hasDockerCompose)('docker-compose.yml (docker-compose config)', () => {
  const rendered = hasDockerCompose ? composeConfig(idpEnv) : undefined;
  const config = (rendered?.status === 0 ? parse(rendered.stdout) : { services: {} }) as {
    services: Record<string, ComposeService>;
  };
  const services = config.services;
  const missionGraph = Object.entries(services).filter(([, service]) => service.image?.startsWith('mission-graph'));
  const environmentOf = (service: ComposeService) =>
    Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, String(value)]));

  it('is accepted by docker-compose config', () => {
    expect(rendered?.stderr).toBe('');
    expect(rendered?.status).toBe(0);
  });

  it('refuses to render without the identity provider (no development keys in production)', () => {
    const withoutIdp = composeConfig();
    expect(withoutIdp.status).not.toBe(0);
    expect(withoutIdp.stderr).toContain('AUTH_JWKS_URL');
  });

  it('runs the five subgraphs and two gateway replicas, all from the one image, each by argument', () => {
    const byCommand = missionGraph.map(([name, service]) => [name, service.command?.[0]]);
    expect(byCommand.filter(([, command]) => command === 'gateway').map(([name]) => name)).toEqual(['gateway-1', 'gateway-2']);
    for (const subgraph of SUBGRAPH_NAMES) expect(services[subgraph]?.command).toEqual([subgraph]);
  });

  it("sets exactly the variables each service's code reads, in production mode, with the code's ports", () => {
    for (const [name, service] of missionGraph) {
      expectEnvironmentMatchesCode(service.command![0]!, environmentOf(service), scratch);
      expect(service.read_only, `${name} has a read-only root filesystem`).toBe(true);
    }
  });

  it('mounts every secret a service reads from a file', () => {
    for (const [name, service] of missionGraph) {
      const mounted = new Set((service.secrets ?? []).map(({ source }) => `/run/secrets/${source}`));
      for (const [variable, value] of Object.entries(environmentOf(service))) {
        if (variable.endsWith('_FILE')) expect(mounted, `${name}: ${variable}`).toContain(value);
      }
    }
  });

  it('keeps the audit trail in its own database', () => {
    const auditUrl = environmentOf(services.audit!).DATABASE_URL_FILE;
    expect(auditUrl).toBe('/run/secrets/audit_database_url');
    for (const pillar of SUBGRAPH_NAMES.filter((name) => name !== 'audit')) {
      expect(environmentOf(services[pillar]!).DATABASE_URL_FILE).toBe('/run/secrets/mission_database_url');
    }
    const init = readFileSync(path.join(root, 'deploy/postgres/init-databases.sh'), 'utf8');
    expect(init).toContain('CREATE DATABASE mission OWNER mission_app');
    expect(init).toContain('CREATE DATABASE audit OWNER audit_app');
  });

  it('points each gateway at every subgraph by its service name and port, and waits for them to be ready', () => {
    for (const replica of ['gateway-1', 'gateway-2']) {
      const env = environmentOf(services[replica]!);
      for (const subgraph of SUBGRAPH_NAMES) {
        expect(env[subgraphUrlVariable(subgraph)]).toBe(`http://${subgraph}:${SERVICE_CONTRACTS[subgraph]!.port}/graphql`);
        expect(services[replica]!.depends_on?.[subgraph]?.condition).toBe('service_healthy');
        expect(services[subgraph]!.healthcheck?.test).toEqual(['CMD', 'node', '/app/healthcheck.mjs', 'ready']);
      }
    }
  });

  it('balances the two gateway replicas behind nginx, which keeps /metrics inside', () => {
    expect(services.gateway?.image).toMatch(/^nginx:/);
    const nginx = readFileSync(path.join(root, 'deploy/nginx/nginx.conf'), 'utf8');
    expect(nginx).toContain('server gateway-1:4000');
    expect(nginx).toContain('server gateway-2:4000');
    expect(nginx).toMatch(/location = \/metrics \{ return 404; \}/);
  });

  it("shares the gateways' rate limits through Redis, and lets the operator set CORS origins (none by default)", () => {
    for (const replica of ['gateway-1', 'gateway-2']) {
      const env = environmentOf(services[replica]!);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(services[replica]!.depends_on?.redis).toBeDefined();
      expect(env.CORS_ALLOWED_ORIGINS).toBe('');
    }
    for (const pillar of SUBGRAPH_NAMES.filter((name) => name !== 'audit')) {
      expect(environmentOf(services[pillar]!).SMALL_COUNT_THRESHOLD).toBe('5');
    }
  });

  it('has PostgreSQL 15 or newer and Redis', () => {
    expect(Number(/^postgres:(\d+)/.exec(services.postgres!.image!)?.[1])).toBeGreaterThanOrEqual(15);
    expect(services.redis?.image).toMatch(/^redis:/);
  });

  it('has the observability profile: OpenTelemetry Collector, Jaeger and Prometheus scraping every replica', () => {
    for (const name of ['otel-collector', 'jaeger', 'prometheus']) expect(services[name]?.profiles).toEqual(['observability']);
    const prometheus = parse(readFileSync(path.join(root, 'deploy/observability/prometheus.yml'), 'utf8')) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((group) => group.targets));
    expect(new Set(targets)).toEqual(
      new Set(['gateway-1:4000', 'gateway-2:4000', ...SUBGRAPH_NAMES.map((name) => `${name}:${SERVICE_CONTRACTS[name]!.port}`)]),
    );
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const entrypoint = readFileSync(path.join(root, 'deploy/docker/entrypoint.sh'), 'utf8');

  it('builds on Node 20 slim in stages and runs as a non-root user', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-[a-z]+-slim$/m);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production/m);
    expect(runtime).not.toMatch(/pnpm|tsx|typescript/i);
  });

  it('installs each service pruned to production dependencies (pnpm deploy --prod)', () => {
    expect(dockerfile).toContain('pnpm install --frozen-lockfile');
    expect(dockerfile).toContain('pnpm build');
    expect(dockerfile).toMatch(/pnpm --filter "\.\/\$\{service\}" deploy --prod/);
    for (const folder of ['gateway', ...SUBGRAPH_NAMES.map((name) => `subgraphs/${name}`)]) expect(dockerfile).toContain(folder);
  });

  it('carries the external contract, the client registry and every trusted-documents manifest the registry names', () => {
    const registry = loadClientRegistry(path.join(root, 'config/clients.json'));
    expect(dockerfile).toContain('cp schema/supergraph.graphql schema/external.supergraph.graphql /out/schema/');
    expect(dockerfile).toContain('cp -r config /out/config');
    expect(dockerfile).toMatch(/^ {4}EXTERNAL_SUPERGRAPH_PATH=\/app\/schema\/external\.supergraph\.graphql \\$/m);
    expect(dockerfile).toMatch(/^ {4}CLIENTS_PATH=\/app\/config\/clients\.json \\$/m);
    for (const client of registry.all()) {
      if (!client.documentsPath) continue;
      const inRepo = path.relative(root, client.documentsPath);
      if (inRepo.startsWith('config/')) continue; // copied with config/
      expect(dockerfile, `${client.id}'s manifest`).toContain(`cp ${inRepo} /out/${path.dirname(inRepo)}/`);
    }
  });

  it('has a healthcheck that knows every service port, and an entry point that runs any service by name on the compiled output', () => {
    expect(dockerfile).toMatch(/^HEALTHCHECK .*healthcheck\.mjs/m);
    expect(DEFAULT_PORTS).toEqual(Object.fromEntries(Object.entries(SERVICE_CONTRACTS).map(([name, { port }]) => [name, port])));
    for (const service of Object.keys(SERVICE_CONTRACTS)) expect(entrypoint).toContain(service);
    expect(entrypoint).toContain('node --conditions=compiled "/app/${service}/dist/main.js"');
    expect(execFileSync('sh', ['-n', path.join(root, 'deploy/docker/entrypoint.sh')], { encoding: 'utf8' })).toBe('');
  });
});
