import { createServer, type Server } from 'node:http';
import { ConfigError, processEnv, readConfig } from './config.js';
import { answerClientErrors, bindPort, HEALTH_LIVE_PATH, HEALTH_READY_PATH, METRICS_PATH, type HttpService } from './http.js';
import { createLogger, routeConsoleTo, type Logger } from './logger.js';
import { createServiceMetrics, type ServiceMetrics } from './metrics.js';
import { startTelemetry } from './telemetry.js';

/**
 * What every service's `main.ts` shares: a logger (JSON lines, pretty in
 * development), metrics, tracing when configured, one-line fatal errors, and a
 * graceful stop on SIGTERM/SIGINT — drain in-flight requests (bounded by
 * `SHUTDOWN_TIMEOUT_MS`), close keep-alive connections and the database, exit 0.
 */
export interface ServiceProcess {
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  shutdownTimeoutMs: number;
}

export function runServiceMain(service: string, start: (process: ServiceProcess) => Promise<HttpService>): void {
  let settings: ReturnType<typeof readProcessSettings>;
  try {
    settings = readProcessSettings();
  } catch (error) {
    process.stderr.write(`${service}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const logger = createLogger({ service, pretty: settings.pretty, level: settings.level });
  routeConsoleTo(logger);
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled rejection; exiting');
    process.exit(1);
  });

  void (async () => {
    try {
      const telemetry = await startTelemetry(service, logger);
      const metrics = createServiceMetrics(service, { onServicePort: settings.metricsOnServicePort });
      const metricsServer =
        settings.metricsPort === undefined ? undefined : await serveMetrics(service, metrics, settings.metricsPort, settings.metricsHost, logger);
      if (!metricsServer && !settings.metricsOnServicePort) logger.info('metrics not served: set METRICS_PORT (a listener of their own) to scrape them');
      const http = await start({ service, logger, metrics, shutdownTimeoutMs: settings.shutdownTimeoutMs });
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'stopping: no new connections, draining in-flight requests');
        try {
          await http.stop();
          metricsServer?.close();
          await telemetry?.shutdown();
          logger.info('stopped');
          process.exit(0);
        } catch (error) {
          logger.error({ err: error }, 'stopped with an error');
          process.exit(1);
        }
      };
      process.once('SIGTERM', () => void stop('SIGTERM'));
      process.once('SIGINT', () => void stop('SIGINT'));
    } catch (error) {
      // Configuration problems are for a person to read: one plain message on stderr.
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message.startsWith(service) ? '' : `${service}: `}${error.message}\n`);
      } else {
        logger.fatal({ err: error }, 'failed to start');
      }
      process.exit(1);
    }
  })();
}

function readProcessSettings() {
  const env = readConfig(
    {
      LOG_LEVEL: processEnv.LOG_LEVEL,
      LOG_FORMAT: processEnv.LOG_FORMAT,
      SHUTDOWN_TIMEOUT_MS: processEnv.SHUTDOWN_TIMEOUT_MS,
      METRICS_PORT: processEnv.METRICS_PORT,
      METRICS_HOST: processEnv.METRICS_HOST,
      METRICS_ON_SERVICE_PORT: processEnv.METRICS_ON_SERVICE_PORT,
      HOST: processEnv.HOST,
    },
    process.env,
  );
  const development = (process.env.NODE_ENV ?? 'development') === 'development';
  return {
    level: env.LOG_LEVEL,
    pretty: env.LOG_FORMAT ? env.LOG_FORMAT === 'pretty' : development,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    metricsPort: env.METRICS_PORT,
    metricsHost: env.METRICS_HOST,
    metricsOnServicePort: env.METRICS_ON_SERVICE_PORT === 'true',
    host: env.HOST,
  };
}

/**
 * `/metrics` alone on its own port (METRICS_PORT), on METRICS_HOST — loopback unless set:
 * a process-local scraper (a sidecar, a node agent) needs no more; in a cluster the
 * manifests bind it to all interfaces and a network policy admits the monitoring
 * namespace only.
 */
async function serveMetrics(service: string, metrics: ServiceMetrics, port: number, host: string, logger: Logger): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://localhost').pathname !== METRICS_PATH) {
      response.writeHead(404).end();
      return;
    }
    void metrics.registry.metrics().then((text) => {
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(text);
    });
  });
  answerClientErrors(server, logger);
  await bindPort(server, `${service} metrics`, port, host);
  logger.info(`metrics at http://${host}:${port}${METRICS_PATH}`);
  return server;
}

/** A service's port while it migrates and seeds: alive, not ready, saying what it does. */
export interface StartingServer {
  server: Server;
  port: number;
  /** What the service is doing now (`migrating`, `seeding`, …), shown on /health/ready. */
  setPhase(phase: string): void;
}

/**
 * Binds the port first, so a busy port is reported at once (not after migrations),
 * liveness answers while the service prepares (a long migration is not a dead
 * process), and readiness says 503 with the phase until the real service takes the
 * server over (`HttpService.serve`).
 */
export async function listenWhileStarting(
  service: string,
  port: number,
  host: string,
  logger: Logger,
  metrics: ServiceMetrics,
): Promise<StartingServer> {
  let phase = 'starting';
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === HEALTH_LIVE_PATH) {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ status: 'live' }));
      return;
    }
    if (path === METRICS_PATH && metrics.onServicePort) {
      void metrics.registry.metrics().then((text) => {
        response.writeHead(200, { 'content-type': metrics.registry.contentType });
        response.end(text);
      });
      return;
    }
    request.resume();
    const body =
      path === HEALTH_READY_PATH
        ? { status: 'not ready', phase }
        : { errors: [{ message: `The ${service} service is starting (${phase})`, extensions: { code: 'SERVICE_STARTING' } }] };
    response.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '2' });
    response.end(JSON.stringify(body));
  });
  answerClientErrors(server, logger);
  const bound = await bindPort(server, service, port, host);
  return { server, port: bound, setPhase: (next) => (phase = next) };
}
