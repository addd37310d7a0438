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
import { AUDIT_PRODUCTION_REQUIRED } from '@mission-graph/audit/config';
import { expectEnvironmentMatchesCode, fileSecretOf, SERVICE_CONTRACTS, SUBGRAPH_NAMES, subgraphUrlVariable } from './environment.js';

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
  /** Short syntax (`source:target[:mode]`, as docker-compose 1.x renders them) or long. */
  volumes?: (string | { type: string; source: string; target: string; read_only?: boolean })[];
  ports?: (string | { target: number; published: number })[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  read_only?: boolean;
}

function composeConfig(extraEnv: Record<string, string> = {}) {
  return spawnSync('docker-compose', ['-f', 'docker-compose.yml', '--profile', 'observability', '--profile', 'tools', 'config'], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...extraEnv },
  });
}

function volumeMount(volume: NonNullable<ComposeService['volumes']>[number]): { source: string; target: string; readOnly: boolean } {
  if (typeof volume !== 'string') return { source: volume.source, target: volume.target, readOnly: volume.read_only ?? false };
  const [source, target, mode] = volume.split(':');
  return { source: source!, target: target!, readOnly: mode === 'ro' };
}

const idpEnv = { AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_ISSUER: 'https://idp.example/' };

describe.skipIf(!hasDockerCompose)('docker-compose.yml (docker-compose config)', () => {
  const rendered = hasDockerCompose ? composeConfig(idpEnv) : undefined;
  const config = (rendered?.status === 0 ? parse(rendered.stdout) : { services: {}, volumes: {} }) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
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
        if (fileSecretOf(service.command![0]!, variable)) expect(mounted, `${name}: ${variable}`).toContain(value);
      }
    }
  });

  it('keeps the audit trail in its own database, migrated by its owner and written by a role that may only append and read', () => {
    const audit = environmentOf(services.audit!);
    expect(audit.DATABASE_URL_FILE).toBe('/run/secrets/audit_database_url');
    expect(audit.DATABASE_MIGRATION_URL_FILE).toBe('/run/secrets/audit_migration_database_url');
    for (const pillar of SUBGRAPH_NAMES.filter((name) => name !== 'audit')) {
      expect(environmentOf(services[pillar]!).DATABASE_URL_FILE).toBe('/run/secrets/mission_database_url');
    }
    // The secret files name the roles deploy/postgres/init-databases.sh makes (tests/deploy/postgres-init.spec.ts runs it).
    const secrets = readFileSync(path.join(root, 'deploy/secrets/make-secrets.sh'), 'utf8');
    expect(secrets).toContain('url audit_app audit_app_password audit > audit_database_url');
    expect(secrets).toContain('url audit_owner audit_owner_password audit > audit_migration_database_url');
    expect(secrets).toContain('url audit_auditor audit_auditor_password audit > audit_auditor_database_url');
    expect(secrets).toContain('url mission_app mission_app_password mission > mission_database_url');
    const init = readFileSync(path.join(root, 'deploy/postgres/init-databases.sh'), 'utf8');
    for (const [variable, name] of [['AUDIT_OWNER_ROLE', 'audit_owner'], ['AUDIT_ROLE', 'audit_app'], ['AUDITOR_ROLE', 'audit_auditor'], ['AUDIT_DATABASE', 'audit']]) {
      expect(init).toContain(`\${${variable}:-${name}}`);
    }
    expect(services.postgres!.secrets?.map(({ source }) => source)).toEqual(
      expect.arrayContaining(['audit_owner_password', 'audit_app_password', 'audit_auditor_password']),
    );
  });

  it("puts the audit checkpoint sink on a volume of its own, not the database's; audit-verify reads it, read-only", () => {
    const sinkDirectory = path.posix.dirname(environmentOf(services.audit!).AUDIT_CHECKPOINT_FILE!);
    const mountsOf = (service: ComposeService) => (service.volumes ?? []).map(volumeMount);
    const mountOf = (service: ComposeService) => mountsOf(service).find((volume) => volume.target === sinkDirectory);
    expect(mountOf(services.audit!)).toEqual({ source: 'audit-checkpoints', target: sinkDirectory, readOnly: false });
    expect(Object.keys(config.volumes)).toContain('audit-checkpoints');
    expect(mountsOf(services.postgres!).map((volume) => volume.source)).not.toContain('audit-checkpoints');
    const verify = services['audit-verify']!;
    expect(verify.command).toEqual(['audit-verify']);
    expect(verify.profiles).toEqual(['tools']);
    expect(environmentOf(verify).AUDIT_CHECKPOINT_FILE).toBe(environmentOf(services.audit!).AUDIT_CHECKPOINT_FILE);
    expect(mountOf(verify)).toEqual({ source: 'audit-checkpoints', target: sinkDirectory, readOnly: true });
    // The image makes the mount point, owned by the service user, so a fresh volume is writable.
    expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(new RegExp(`chown node:node [^\\n]*${sinkDirectory}`));
  });

  it.each(['AUDIT_SIGNING_KEY', ...AUDIT_PRODUCTION_REQUIRED.filter((name) => name !== 'AUDIT_SIGNING_KEY')])(
    'would refuse an audit service without %s (the check knows the audit service’s own variables)',
    (variable) => {
      const env = environmentOf(services.audit!);
      expect(env[`${variable}_FILE`] ?? env[variable]).toBeDefined();
      const without = Object.fromEntries(Object.entries(env).filter(([name]) => name !== variable && name !== `${variable}_FILE`));
      expect(() => expectEnvironmentMatchesCode('audit', without, scratch)).toThrow(new RegExp(`audit lacks variables production requires.*${variable}`, 's'));
    },
  );

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
    // Each replica's metrics listener (METRICS_PORT, on every interface): the API ports do not serve /metrics.
    const replicas = ['gateway-1', 'gateway-2', ...SUBGRAPH_NAMES];
    const metricsPort = (name: string) => {
      const env = environmentOf(services[name]!);
      expect(env.METRICS_HOST, name).toBe('0.0.0.0');
      expect(env.METRICS_ON_SERVICE_PORT, name).toBeUndefined();
      return env.METRICS_PORT;
    };
    expect(new Set(targets)).toEqual(new Set(replicas.map((name) => `${name}:${metricsPort(name)}`)));
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
