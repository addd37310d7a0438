/**
 * The production topology without containers, on one machine: two gateway replicas
 * behind a round-robin proxy, two replicas of every subgraph behind one proxy each,
 * all on one PostgreSQL (DATABASE_URL). Replicas are separate processes, supervised
 * like a Deployment: one that dies is started again. Used by `pnpm start:cluster`
 * and `pnpm soak`.
 *
 * Ports from `portBase`: the gateways' proxy on portBase (the graph), the subgraph
 * proxies on +1 … +5 (as the supergraph's ports), gateway replicas on +10, +11,
 * subgraph replicas on +20 … +29.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUBGRAPHS } from '../supergraph.js';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ClusterOptions {
  databaseUrl: string;
  portBase: number;
  /** Run the compiled output (`pnpm build` first) instead of the TypeScript sources under tsx. */
  compiled?: boolean;
  /** Replicas of each service (default 2). */
  replicas?: number;
  /** Environment for every process (keys, NODE_ENV, LOG_LEVEL …). */
  env?: Record<string, string>;
  /** Extra environment for the gateway replicas (identity provider …). */
  gatewayEnv?: Record<string, string>;
  /** Extra environment per subgraph, by name (the audit service's roles, signing key and checkpoint file). */
  serviceEnv?: Record<string, Record<string, string>>;
  /** Every line a replica prints. */
  onLine?: (replica: string, line: string) => void;
}

export interface Replica {
  name: string;
  service: string;
  port: number;
  pid(): number | undefined;
  /** Times the supervisor started it again after it died. */
  restarts(): number;
  /** Resident memory now, in bytes (0 when not running). */
  rss(): number;
  kill(signal: NodeJS.Signals): void;
}

export interface Cluster {
  gatewayUrl: string;
  replicas: Replica[];
  proxies: Record<string, RoundRobinProxy>;
  /** Resolves when every replica answers /health/ready with 200 (and the gateways see every subgraph). */
  ready(): Promise<void>;
  /** SIGTERM to every replica (they drain), then closes the proxies. */
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const replicaCount = options.replicas ?? 2;
  const base = options.portBase;
  const proxies: Record<string, RoundRobinProxy> = {};
  const replicas: Replica[] = [];
  let stopping = false;

  const supervise = (name: string, service: string, port: number, env: Record<string, string>): Replica => {
    const folder = service === 'gateway' ? 'gateway' : `subgraphs/${service}`;
    const args = options.compiled ? ['--conditions=compiled', 'dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
    let child: ChildProcess | undefined;
    let restarts = 0;
    const launch = () => {
      child = spawn(process.execPath, args, {
        cwd: path.join(root, folder),
        env: { ...process.env, ...options.env, ...env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      for (const stream of [child.stdout, child.stderr]) {
        let buffered = '';
        stream?.setEncoding('utf8').on('data', (text: string) => {
          buffered += text;
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) if (line) options.onLine?.(name, line);
        });
      }
      child.once('exit', (code, signal) => {
        if (stopping) return;
        options.onLine?.(name, `exited (${signal ?? code}); starting it again`);
        restarts += 1;
        setTimeout(launch, 500);
      });
    };
    launch();
    return {
      name,
      service,
      port,
      pid: () => (child?.exitCode === null && child.signalCode === null ? child.pid : undefined),
      restarts: () => restarts,
      rss: () => residentBytes(child?.pid),
      kill: (signal) => child?.kill(signal),
    };
  };

  for (const [index, { name }] of SUBGRAPHS.entries()) {
    const ports = Array.from({ length: replicaCount }, (_, i) => base + 20 + index * replicaCount + i);
    for (const [i, port] of ports.entries()) {
      replicas.push(supervise(`${name}-${i + 1}`, name, port, { DATABASE_URL: options.databaseUrl, ...options.serviceEnv?.[name] }));
    }
    proxies[name] = await startRoundRobinProxy(ports.map((port) => `http://127.0.0.1:${port}`), base + 1 + index);
  }
  const subgraphUrls = Object.fromEntries(
    SUBGRAPHS.map(({ name }) => [`SUBGRAPH_URL_${name.toUpperCase().replaceAll('-', '_')}`, `${proxies[name]!.url}/graphql`]),
  );
  const gatewayPorts = Array.from({ length: replicaCount }, (_, i) => base + 10 + i);
  for (const [i, port] of gatewayPorts.entries()) {
    replicas.push(supervise(`gateway-${i + 1}`, 'gateway', port, { ...subgraphUrls, ...options.gatewayEnv }));
  }
  proxies.gateway = await startRoundRobinProxy(gatewayPorts.map((port) => `http://127.0.0.1:${port}`), base);

  return {
    gatewayUrl: `${proxies.gateway.url}/graphql`,
    replicas,
    proxies,
    async ready() {
      for (;;) {
        const states = await Promise.all(replicas.map((replica) => status(`http://127.0.0.1:${replica.port}/health/ready`)));
        if (states.every((state) => state === 200)) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    async stop() {
      stopping = true;
      await Promise.all(
        replicas.map((replica) => {
          const pid = replica.pid();
          if (pid === undefined) return Promise.resolve();
          replica.kill('SIGTERM');
          return new Promise<void>((resolve) => {
            const check = setInterval(() => {
              if (!processAlive(pid)) {
                clearInterval(check);
                resolve();
              }
            }, 100);
          });
        }),
      );
      await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
    },
  };
}

async function status(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

function residentBytes(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
