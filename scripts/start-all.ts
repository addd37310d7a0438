/**
 * pnpm start — runs the whole graph: the gateway on PORT_BASE (default 4000) and the
 * five subgraphs on PORT_BASE+1 … +5, and prints one line when all of it is ready:
 * "graph ready at http://127.0.0.1:4000 (explorer at /)".
 *
 * Development (default): one process (tsx) holding every service, each on its own
 * port with its own logger, metrics and readiness, all on ONE embedded PGlite under
 * `<DATA_DIR>/pglite` (each subgraph in its own Postgres schema) or on DATABASE_URL.
 * One WASM PostgreSQL and one Node runtime instead of six keep it near 0.6 GB
 * instead of ~4.8 GB (figures in the README).
 *
 * Production (`NODE_ENV=production`, after `pnpm build`): one process per service
 * on the compiled JavaScript (`node --conditions=compiled <package>/dist/main.js`),
 * as in a container; the production variables (DATABASE_URL, keys, identity
 * provider) must be set. If one process dies, all stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUBGRAPHS } from './supergraph.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const portBase = Number(process.env.PORT_BASE ?? 4000);
if (!Number.isInteger(portBase) || portBase < 1 || portBase > 65_000) {
  console.error(`PORT_BASE must be a port number (the gateway's; subgraphs take the next five); got "${process.env.PORT_BASE}"`);
  process.exit(2);
}
const host = process.env.HOST ?? '127.0.0.1';
const displayHost = host === '0.0.0.0' ? '127.0.0.1' : host;
const gatewayOrigin = `http://${displayHost}:${portBase}`;

/** Ports and subgraph URLs of this run (PORT_BASE shifts them all). */
function graphEnvironment(base: number, bind: string): { gateway: Record<string, string>; subgraphs: Record<string, Record<string, string>> } {
  const subgraphs: Record<string, Record<string, string>> = {};
  const gateway: Record<string, string> = { PORT: String(base) };
  SUBGRAPHS.forEach(({ name, port }) => {
    const shifted = base + (port - 4000);
    subgraphs[name] = { PORT: String(shifted) };
    gateway[`SUBGRAPH_URL_${name.toUpperCase().replaceAll('-', '_')}`] = `http://${bind === '0.0.0.0' ? '127.0.0.1' : bind}:${shifted}/graphql`;
  });
  return { gateway, subgraphs };
}

const environment = graphEnvironment(portBase, host);

async function waitForGraph(): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(`${gatewayOrigin}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  process.stdout.write(`graph ready at ${gatewayOrigin} (explorer at /)\n`);
}

if (process.env.NODE_ENV === 'production') {
  runCompiledProcesses();
} else {
  await runInOneProcess();
}

async function runInOneProcess(): Promise<void> {
  const kit = await import('@mission-graph/service-kit');
  const { startGateway } = await import('@mission-graph/gateway/start');
  const factories = {
    operations: (await import('@mission-graph/operations')).createService,
    'police-cooperation': (await import('@mission-graph/police-cooperation')).createService,
    forensics: (await import('@mission-graph/forensics')).createService,
    'specialist-chambers': (await import('@mission-graph/specialist-chambers')).createService,
    audit: (await import('@mission-graph/audit')).createService,
  } as const;
  const pretty = process.env.LOG_FORMAT ? process.env.LOG_FORMAT === 'pretty' : true;
  const shutdownTimeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000);
  const running = (service: string) => ({
    logger: kit.createLogger({ service, pretty }),
    // One process, one port each: /metrics only where asked for (METRICS_ON_SERVICE_PORT=true).
    metrics: kit.createServiceMetrics(service, { onServicePort: process.env.METRICS_ON_SERVICE_PORT === 'true' }),
    shutdownTimeoutMs,
  });
  kit.routeConsoleTo(kit.createLogger({ service: 'graph', pretty }));

  const services: { name: string; stop: () => Promise<void> }[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // The gateway first (it drains the requests that still need the subgraphs), then the rest.
    for (const service of [...services].reverse()) await service.stop().catch(() => {});
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  try {
    await Promise.all(
      SUBGRAPHS.map(async ({ name, port }) => {
        const http = await kit.startSubgraph(port, factories[name], running(name), { ...process.env, ...environment.subgraphs[name] });
        services.push({ name, stop: () => http.stop() });
      }),
    );
    const gateway = await startGateway(running('gateway'), { ...process.env, ...environment.gateway });
    services.push({ name: 'gateway', stop: () => gateway.stop() });
  } catch (error) {
    process.stderr.write(`${error instanceof kit.ConfigError ? error.message : String((error as Error).stack ?? error)}\n`);
    await stopAll(1);
    return;
  }
  await waitForGraph();
}

function runCompiledProcesses(): void {
  const services = [
    ...SUBGRAPHS.map(({ name }) => ({ name, folder: `subgraphs/${name}`, env: environment.subgraphs[name]! })),
    { name: 'gateway', folder: 'gateway', env: environment.gateway },
  ];
  const missing = services.filter(({ folder }) => !existsSync(path.join(root, folder, 'dist/main.js')));
  if (missing.length > 0) {
    console.error(`No compiled output for ${missing.map(({ name }) => name).join(', ')}: run \`pnpm build\` first.`);
    process.exit(2);
  }
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    void Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve))))).then(() =>
      process.exit(code),
    );
  };
  for (const service of services) {
    const child = spawn(process.execPath, ['--conditions=compiled', 'dist/main.js'], {
      cwd: path.join(root, service.folder),
      env: { ...process.env, ...service.env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`${service.name} exited with code ${code}; stopping the graph`);
        stopAll(code || 1);
      }
    });
    children.push(child);
  }
  process.once('SIGINT', () => stopAll(0));
  process.once('SIGTERM', () => stopAll(0));
  void waitForGraph();
}
