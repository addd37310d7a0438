/**
 * The Kubernetes manifests (kustomize base + production overlay), parsed and
 * cross-checked with the code: ports, probe paths, every variable against the
 * service's config schema, secrets mounted where the NAME_FILE variables point,
 * drain time within the grace period, an autoscaler and disruption budgets, and
 * network policies under which only the gateway reaches a subgraph's API.
 * Rendered with `kubectl kustomize` where kubectl is installed; otherwise the base
 * files are read as listed in their kustomization (the overlay is then skipped).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { AUDIT_PRODUCTION_REQUIRED } from '@mission-graph/audit/config';
import { HEALTH_LIVE_PATH, HEALTH_READY_PATH } from '@mission-graph/service-kit';
import { expectEnvironmentMatchesCode, fileSecretOf, SERVICE_CONTRACTS, SUBGRAPH_NAMES, subgraphUrlVariable } from './environment.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const kubernetes = path.join(root, 'deploy/kubernetes');
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const scratch = mkdtempSync(path.join(tmpdir(), 'mission-graph-k8s-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are checked field by field below
type Manifest = Record<string, any>;

function documents(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

function render(folder: string): Manifest[] {
  if (hasKubectl) {
    const run = spawnSync('kubectl', ['kustomize', folder], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    return documents(run.stdout);
  }
  const kustomization = parse(readFileSync(path.join(folder, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  return kustomization.resources.flatMap((file) => documents(readFileSync(path.join(folder, file), 'utf8')));
}

const renderings: [string, Manifest[]][] = [['base', render(path.join(kubernetes, 'base'))]];
if (hasKubectl) renderings.push(['production overlay', render(path.join(kubernetes, 'overlays/production'))]);

const byKind = (manifests: Manifest[], kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const named = (manifests: Manifest[], kind: string, name: string) => byKind(manifests, kind).find((m) => m.metadata.name === name);
const envOf = (container: Manifest) =>
  Object.fromEntries((container.env ?? []).map((entry: Manifest) => [entry.name as string, String(entry.value)])) as Record<string, string>;
const SERVICES = Object.keys(SERVICE_CONTRACTS);

/** Every file a container's code reads a secret from (`NAME_FILE`) is a key of a Secret mounted there. */
function expectSecretFilesMounted(manifests: Manifest[], label: string, pod: Manifest): void {
  const [container] = pod.containers;
  const command = container.args[0] as string;
  for (const [variable, file] of Object.entries(envOf(container)).filter(([name]) => fileSecretOf(command, name))) {
    const mount = container.volumeMounts.find((candidate: Manifest) => file.startsWith(`${candidate.mountPath}/`));
    expect(mount, `${label}: ${variable}=${file} is not mounted`).toBeDefined();
    const volume = pod.volumes.find((candidate: Manifest) => candidate.name === mount.name);
    const secret = named(manifests, 'Secret', volume.secret.secretName);
    expect(secret, `${label}: Secret ${volume.secret.secretName}`).toBeDefined();
    expect(Object.keys(secret!.stringData ?? secret!.data ?? {})).toContain(path.basename(file));
  }
}

/** The Secrets a pod mounts. */
const secretsOf = (pod: Manifest): string[] => pod.volumes.filter((volume: Manifest) => volume.secret).map((volume: Manifest) => volume.secret.secretName);

describe.each(renderings)('Kubernetes manifests: %s', (_label, manifests) => {
  const deployments = byKind(manifests, 'Deployment');

  it('has one Deployment per service, each running its service from the one image', () => {
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual([...SERVICES].sort());
    for (const deployment of deployments) {
      const [container] = deployment.spec.template.spec.containers;
      expect(container.args).toEqual([deployment.metadata.name]);
      expect(container.image).toMatch(/mission-graph/);
    }
  });

  it.each(SERVICES)('%s: port, probes, metrics port and environment match the code', (service) => {
    const deployment = named(manifests, 'Deployment', service)!;
    const [container] = deployment.spec.template.spec.containers;
    const env = envOf(container);
    const ports = Object.fromEntries(container.ports.map((port: Manifest) => [port.name, port.containerPort]));
    expect(ports.http).toBe(SERVICE_CONTRACTS[service]!.port);
    expect(ports.metrics).toBe(Number(env.METRICS_PORT));
    expect(container.livenessProbe.httpGet).toEqual({ path: HEALTH_LIVE_PATH, port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: HEALTH_READY_PATH, port: 'http' });
    expect(container.startupProbe.httpGet.path).toBe(HEALTH_LIVE_PATH);
    expectEnvironmentMatchesCode(service, env, scratch);
  });

  it.each(SERVICES)('%s: every secret file it reads is a key of a mounted Secret', (service) => {
    const pod = named(manifests, 'Deployment', service)!.spec.template.spec;
    expectSecretFilesMounted(manifests, service, pod);
    // The gateway alone holds the internal-token signing key, the audit service alone the
    // checkpoint signing key and the audit schema owner's credentials.
    const secrets = secretsOf(pod);
    expect(secrets.some((name) => name.endsWith('internal-token-private'))).toBe(service === 'gateway');
    expect(secrets.includes('mission-graph-audit-signing-key')).toBe(service === 'audit');
    expect(secrets.includes('mission-graph-audit-database-owner')).toBe(service === 'audit');
  });

  it('runs the audit replicas on one shared checkpoint sink, a volume of its own that every replica can write (ReadWriteMany)', () => {
    const deployment = named(manifests, 'Deployment', 'audit')!;
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    const sinkDirectory = path.posix.dirname(envOf(container).AUDIT_CHECKPOINT_FILE!);
    const mount = container.volumeMounts.find((candidate: Manifest) => candidate.mountPath === sinkDirectory);
    expect(mount, `a volume at ${sinkDirectory}`).toBeDefined();
    expect(mount.readOnly ?? false).toBe(false);
    const claimName = pod.volumes.find((volume: Manifest) => volume.name === mount.name).persistentVolumeClaim?.claimName;
    const claim = named(manifests, 'PersistentVolumeClaim', claimName);
    expect(claim, `PersistentVolumeClaim ${claimName}`).toBeDefined();
    // One claim for the Deployment (not one per pod): every replica writes the same sink.
    if (deployment.spec.replicas > 1) expect(claim!.spec.accessModes).toEqual(['ReadWriteMany']);
    // The signing key is a file from a Secret, never an environment value in the manifest.
    expect(envOf(container).AUDIT_SIGNING_KEY).toBeUndefined();
  });

  it.each(['AUDIT_SIGNING_KEY', ...AUDIT_PRODUCTION_REQUIRED.filter((name) => name !== 'AUDIT_SIGNING_KEY')])(
    'would refuse an audit Deployment without %s (the check knows the audit service’s own variables)',
    (variable) => {
      const env = envOf(named(manifests, 'Deployment', 'audit')!.spec.template.spec.containers[0]);
      expect(env[`${variable}_FILE`] ?? env[variable]).toBeDefined();
      const without = Object.fromEntries(Object.entries(env).filter(([name]) => name !== variable && name !== `${variable}_FILE`));
      expect(() => expectEnvironmentMatchesCode('audit', without, scratch)).toThrow(new RegExp(`audit lacks variables production requires.*${variable}`, 's'));
    },
  );

  it('verifies the audit trail every night: audit-verify as a read-only role, with the public keys and the sink mounted read-only', () => {
    const [cronJob, ...more] = byKind(manifests, 'CronJob');
    expect(more).toEqual([]);
    expect(cronJob!.spec.concurrencyPolicy).toBe('Forbid');
    const job = cronJob!.spec.jobTemplate.spec;
    expect(job.backoffLimit).toBe(0);
    const pod = job.template.spec;
    const [container] = pod.containers;
    expect(container.args).toEqual(['audit-verify']);
    expect(container.image).toMatch(/mission-graph/);
    expectEnvironmentMatchesCode('audit-verify', envOf(container), scratch);
    expectSecretFilesMounted(manifests, 'audit-verify', pod);
    expect(secretsOf(pod).sort()).toEqual(['mission-graph-audit-database-auditor', 'mission-graph-audit-verify-keys']);
    // The same sink the audit service writes, read-only.
    const auditPod = named(manifests, 'Deployment', 'audit')!.spec.template.spec;
    const claimOf = (spec: Manifest, mountPath: string) => {
      const mount = spec.containers[0].volumeMounts.find((candidate: Manifest) => candidate.mountPath === mountPath);
      return { mount, volume: spec.volumes.find((volume: Manifest) => volume.name === mount?.name) };
    };
    const sinkDirectory = path.posix.dirname(envOf(container).AUDIT_CHECKPOINT_FILE!);
    expect(envOf(container).AUDIT_CHECKPOINT_FILE).toBe(envOf(auditPod.containers[0]).AUDIT_CHECKPOINT_FILE);
    const ours = claimOf(pod, sinkDirectory);
    expect(ours.mount.readOnly).toBe(true);
    expect(ours.volume.persistentVolumeClaim).toEqual({ claimName: claimOf(auditPod, sinkDirectory).volume.persistentVolumeClaim.claimName, readOnly: true });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  it.each(SERVICES)('%s: hardened pod, resources, and a grace period longer than preStop + drain', (service) => {
    const pod = named(manifests, 'Deployment', service)!.spec.template.spec;
    const [container] = pod.containers;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.resources.requests.cpu).toBeDefined();
    expect(container.resources.requests.memory).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    const preStopSeconds = Number(container.lifecycle.preStop.exec.command[1]);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(preStopSeconds * 1000 + Number(envOf(container).SHUTDOWN_TIMEOUT_MS));
  });

  it('has a Service per Deployment on the same port, and the gateway finds every subgraph through them', () => {
    for (const service of SERVICES) {
      const port = named(manifests, 'Service', service)!.spec.ports.find((candidate: Manifest) => candidate.name === 'http');
      expect(port).toMatchObject({ port: SERVICE_CONTRACTS[service]!.port, targetPort: 'http' });
    }
    const gatewayEnv = envOf(named(manifests, 'Deployment', 'gateway')!.spec.template.spec.containers[0]);
    for (const subgraph of SUBGRAPH_NAMES) {
      expect(gatewayEnv[subgraphUrlVariable(subgraph)]).toBe(`http://${subgraph}:${SERVICE_CONTRACTS[subgraph]!.port}/graphql`);
    }
  });

  it('scales the gateway with an autoscaler and keeps every service available through disruptions', () => {
    const autoscaler = byKind(manifests, 'HorizontalPodAutoscaler')[0]!;
    expect(autoscaler.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' });
    expect(autoscaler.spec.minReplicas).toBeGreaterThanOrEqual(2);
    for (const service of SERVICES) {
      const budget = byKind(manifests, 'PodDisruptionBudget').find((pdb) => pdb.spec.selector.matchLabels['app.kubernetes.io/name'] === service);
      expect(budget, `PodDisruptionBudget for ${service}`).toBeDefined();
      expect(named(manifests, 'Deployment', service)!.spec.replicas).toBeGreaterThan(budget!.spec.minAvailable);
    }
  });

  it("lets only the gateway reach a subgraph's API port; metrics only from the monitoring namespace", () => {
    const policies = byKind(manifests, 'NetworkPolicy');
    const selects = (policy: Manifest, labels: Record<string, string>) => {
      const selector = policy.spec.podSelector;
      const labelsMatch = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
      const expressionsMatch = (selector.matchExpressions ?? []).every(
        (expression: Manifest) => expression.operator === 'In' && expression.values.includes(labels[expression.key]),
      );
      return labelsMatch && expressionsMatch;
    };
    const labelsOf = (service: string) => named(manifests, 'Deployment', service)!.spec.template.metadata.labels as Record<string, string>;
    for (const service of SERVICES) {
      const applying = policies.filter((policy) => selects(policy, labelsOf(service)));
      expect(applying.some((policy) => policy.spec.policyTypes.includes('Ingress') && !policy.spec.ingress), `${service}: default deny`).toBe(true);
      const rules = applying.flatMap((policy) => policy.spec.ingress ?? []);
      const apiPort = SERVICE_CONTRACTS[service]!.port;
      const admittingApi = rules.filter((rule: Manifest) => (rule.ports ?? []).some((port: Manifest) => port.port === apiPort));
      expect(admittingApi.length, `${service}: API port admitted`).toBeGreaterThan(0);
      for (const rule of admittingApi) {
        if (service === 'gateway') continue; // the API itself: open to clients (through the ingress)
        expect(rule.from, `${service}: API port only from the gateway`).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }]);
      }
      for (const rule of rules.filter((candidate: Manifest) => (candidate.ports ?? []).some((port: Manifest) => port.port === 9464))) {
        expect(rule.ports).toEqual([{ port: 9464 }]);
        expect(rule.from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
      }
    }
  });

  it("shares the gateways' rate limits through a Redis only the gateway pods reach", () => {
    const gatewayEnv = envOf(named(manifests, 'Deployment', 'gateway')!.spec.template.spec.containers[0]);
    const redisUrl = new URL(gatewayEnv.REDIS_URL!);
    const service = named(manifests, 'Service', redisUrl.hostname);
    expect(service, `Service ${redisUrl.hostname}`).toBeDefined();
    expect(service!.spec.ports.map((port: Manifest) => port.port)).toContain(Number(redisUrl.port));
    const redis = byKind(manifests, 'StatefulSet').find((set) => set.spec.template.metadata.labels['app.kubernetes.io/name'] === service!.spec.selector['app.kubernetes.io/name'])!;
    const pod = redis.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    const admitting = byKind(manifests, 'NetworkPolicy')
      .filter((policy) => policy.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === 'redis')
      .flatMap((policy) => policy.spec.ingress ?? []);
    expect(admitting).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }], ports: [{ port: Number(redisUrl.port) }] }]);
    // The default deny covers the Redis pod too.
    expect(redis.spec.template.metadata.labels['app.kubernetes.io/part-of']).toBe('mission-graph');
  });

  it('ships no secret values', () => {
    for (const secret of byKind(manifests, 'Secret')) {
      for (const value of Object.values(secret.stringData ?? {})) expect(value).toBe('');
    }
  });
});

describe.skipIf(!hasKubectl)('production overlay', () => {
  const manifests = hasKubectl ? render(path.join(kubernetes, 'overlays/production')) : [];

  it('puts everything in its namespace, on a released image, with the identity provider set', () => {
    for (const manifest of manifests.filter((m) => m.kind !== 'Namespace')) expect(manifest.metadata.namespace).toBe('mission-graph');
    for (const deployment of byKind(manifests, 'Deployment')) {
      expect(deployment.spec.template.spec.containers[0].image).toMatch(/:\d+\.\d+\.\d+$/);
    }
    const gatewayEnv = envOf(named(manifests, 'Deployment', 'gateway')!.spec.template.spec.containers[0]);
    expect(gatewayEnv.AUTH_JWKS_URL).not.toContain('idp.example.invalid');
    expect(named(manifests, 'Namespace', 'mission-graph')!.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('CloudNativePG example', () => {
  const manifests = documents(readFileSync(path.join(kubernetes, 'cloudnative-pg/clusters.yaml'), 'utf8'));

  it('runs the pillars and the audit trail on two clusters, each with its own backups', () => {
    const clusters = byKind(manifests, 'Cluster');
    expect(clusters.map((cluster) => cluster.spec.bootstrap.initdb.database).sort()).toEqual(['audit', 'mission']);
    for (const cluster of clusters) {
      expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
      expect(cluster.spec.instances).toBeGreaterThanOrEqual(2);
      expect(cluster.spec.backup.barmanObjectStore.destinationPath).toMatch(/^s3:\/\//);
      expect(byKind(manifests, 'ScheduledBackup').some((backup) => backup.spec.cluster.name === cluster.metadata.name)).toBe(true);
    }
    const destinations = clusters.map((cluster) => cluster.spec.backup.barmanObjectStore.destinationPath);
    expect(new Set(destinations).size).toBe(2);
  });

  it('bootstraps the audit database owned by a role apart from the runtime role and the auditor, as the compose init does', () => {
    const audit = byKind(manifests, 'Cluster').find((cluster) => cluster.spec.bootstrap.initdb.database === 'audit')!;
    expect(audit.spec.bootstrap.initdb.owner).toBe('audit_owner');
    const roles = audit.spec.managed.roles as Manifest[];
    expect(roles.map((role) => role.name).sort()).toEqual(['audit_app', 'audit_auditor']);
    for (const role of roles) {
      expect(role).toMatchObject({ ensure: 'present', login: true, superuser: false, createdb: false, createrole: false, inherit: false });
    }
    expect(audit.spec.bootstrap.initdb.postInitApplicationSQL).toContain('GRANT CONNECT ON DATABASE audit TO audit_app, audit_auditor');
  });
});
