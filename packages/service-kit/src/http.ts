import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { ConfigError } from './config.js';
import { readRequestBody, RequestBodyError } from './http-input.js';
import { silentLogger, type Logger } from './logger.js';
import { createServiceMetrics, type HttpRoute, type ServiceMetrics } from './metrics.js';
import { requestBounds, type RequestBound } from './request-bound.js';
import { REQUEST_ID_HEADER, requestIdFrom, runInRequestScope, type RequestScope } from './request-scope.js';
import { activeTraceId, withServerSpan } from './telemetry.js';

/** Liveness and readiness paths of every service (probes in compose and Kubernetes use them). */
export const HEALTH_LIVE_PATH = '/health/live';
export const HEALTH_READY_PATH = '/health/ready';
/** Prometheus scrape path of every service. */
export const METRICS_PATH = '/metrics';
/** How long a stopping service waits for in-flight requests before closing their connections. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * The HTTP face every service shares: GraphQL over HTTP on `/graphql` (and on `/` for
 * the gateway's explorer, and on further paths with their own Apollo server: the
 * gateway's `/external/graphql`), `GET /health/live`, `GET /health/ready` and `GET /metrics`.
 * Built apart from listening, so tests start the real thing on a free port.
 *
 * Every request gets a request id (`x-request-id`, taken when well-formed, echoed),
 * a server span continuing the caller's trace, one log line when it ends, and metrics.
 * Malformed requests are 4xx, never 5xx. `stop()` drains: it stops accepting, lets
 * in-flight requests finish (bounded by a timeout), closes keep-alive connections,
 * then stops Apollo and the database.
 */
export interface HttpServiceOptions<Ctx extends BaseContext> {
  apollo: ApolloServer<Ctx>;
  /** Names the service in logs, metrics and error messages. */
  service?: string;
  /**
   * Builds the per-request context (loaders, caller). Throwing a GraphQLError answers it.
   * `signal` aborts when the client disconnects before its answer was sent; `body` is the
   * exact request body as received (a subgraph checks its internal token is bound to it).
   */
  context: (request: IncomingMessage, signal: AbortSignal, body: string) => Promise<Ctx>;
  /** Readiness: dependencies reachable (database, subgraphs); details go into the response body. */
  isReady: () => Promise<boolean | Readiness>;
  /** Paths answered by GraphQL; default `/graphql`. */
  graphqlPaths?: string[];
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Extra routes tried before GraphQL (return true when handled). */
  routes?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean> | boolean;
  /** Called when the service stops (close the database). */
  onStop?: () => Promise<void>;
  logger?: Logger;
  metrics?: ServiceMetrics;
  /** Bound on draining in-flight requests at stop. */
  shutdownTimeoutMs?: number;
  /**
   * Further GraphQL endpoints by path, each with its own Apollo server and context (the
   * gateway's `/external/graphql` serves the external contract this way). Same HTTP
   * handling, request scope, metrics and drain as the main endpoint.
   */
  endpoints?: Record<string, GraphQLEndpoint>;
}

/**
 * What the HTTP face needs of an endpoint's server: an Apollo server, or anything that
 * starts, stops and answers like one (the gateway's external contract builds its Apollo
 * server on first use: gateway/src/lazy-endpoint.ts).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each endpoint has its own context type
export type GraphQLServer = Pick<ApolloServer<any>, 'start' | 'stop' | 'executeHTTPGraphQLRequest'>;

/** One more GraphQL endpoint of a service: its server and how it builds a request's context. */
export interface GraphQLEndpoint {
  apollo: GraphQLServer;
  context: (request: IncomingMessage, signal: AbortSignal, body: string) => Promise<BaseContext>;
}

/** A readiness answer with details (e.g. the gateway's view of each subgraph). */
export interface Readiness {
  ready: boolean;
  [detail: string]: unknown;
}

export interface HttpService {
  listen(port: number, host?: string): Promise<{ url: string; port: number }>;
  /** Takes over a server that is already listening (the startup server of `listenWhileStarting`). */
  serve(server: Server): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
  /** Requests being handled now (headers received, response not yet ended). */
  inFlight(): number;
  metrics: ServiceMetrics;
  logger: Logger;
}

/** A port another process holds: names the port, the service and how to choose another. */
export class PortInUseError extends ConfigError {
  constructor(service: string, port: number, host: string) {
    super(
      `${service}: port ${port} on ${host} is already in use (another process, perhaps another \`pnpm start\`, listens there). ` +
        `Stop that process, or give this service another port: PORT=<port> for one service, PORT_BASE=<port> for \`pnpm start\`.`,
    );
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

/** Aborts when the connection closes before the response was completely sent. */
function disconnectSignal(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}

function routeOf(pathname: string, graphqlPaths: Set<string>): HttpRoute {
  if (graphqlPaths.has(pathname)) return 'graphql';
  if (pathname.startsWith('/health/')) return 'health';
  if (pathname === METRICS_PATH) return 'metrics';
  if (pathname.startsWith('/explorer/')) return 'explorer';
  if (pathname.startsWith('/internal/')) return 'internal';
  return 'unknown';
}

/** Binds `server` to the port; a busy port becomes a PortInUseError. */
export async function bindPort(server: Server, service: string, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(service, port, host) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Malformed HTTP that never reaches a handler (a header block over 16 KiB, a broken
 * request line, a request that never finishes): answered 4xx on the socket and closed,
 * never an uncaught error or a 5xx.
 */
export function answerClientErrors(server: Server, logger: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout'
      : '400 Bad Request';
    logger.debug({ code: error.code }, 'malformed HTTP request refused');
    // A parse error in the body (bad chunk size) comes after a response object exists;
    // until that response has sent anything, the socket is still ours to answer on.
    const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !pending?.headersSent) {
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    }
    socket.destroy();
  });
  // Bounded waits: a client that sends half a request cannot hold a connection for long.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
}

export function createHttpService<Ctx extends BaseContext>(options: HttpServiceOptions<Ctx>): HttpService {
  const service = options.service ?? 'service';
  const main: GraphQLEndpoint = { apollo: options.apollo, context: options.context };
  const endpoints = new Map<string, GraphQLEndpoint>([
    ...(options.graphqlPaths ?? ['/graphql']).map((path) => [path, main] as const),
    ...Object.entries(options.endpoints ?? {}),
  ]);
  const graphqlPaths = new Set(endpoints.keys());
  // Every Apollo server once, the main one first (started together, stopped together).
  const servers = [...new Set([...endpoints.values()].map((endpoint) => endpoint.apollo))];
  const startServers = () => Promise.all(servers.map((apollo) => apollo.start())).then(() => undefined);
  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? createServiceMetrics(service);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  let server: Server | undefined;
  let started: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;
  let stopping = false;
  const inFlight = new Map<ServerResponse, Promise<void>>();

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    scope: RequestScope,
    bound: RequestBound,
  ): Promise<void> {
    const pathname = url.pathname;
    if (request.method === 'GET' && pathname === HEALTH_LIVE_PATH) {
      return sendJson(response, 200, { status: 'live' });
    }
    if (request.method === 'GET' && pathname === HEALTH_READY_PATH) {
      if (stopping) return sendJson(response, 503, { status: 'stopping' });
      const answer = await options.isReady().catch(() => false);
      const { ready, ...details } = typeof answer === 'boolean' ? { ready: answer } : answer;
      return sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', ...details });
    }
    if (request.method === 'GET' && pathname === METRICS_PATH && metrics.onServicePort) {
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      response.end(await metrics.registry.metrics());
      return;
    }
    if (options.routes && (await options.routes(request, response))) return;
    const endpoint = endpoints.get(pathname);
    if (!endpoint) {
      return sendJson(response, 404, { errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
    }

    let raw: string;
    try {
      raw = await readRequestBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof RequestBodyError) {
        scope.outcome = 'error';
        if (error.status === 0) return; // the client went away mid-body: nobody to answer
        return sendJson(response, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
      }
      throw error;
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = raw;
    if ((headers.get('content-type') ?? '').includes('json') && raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        scope.outcome = 'error';
        return sendJson(response, 400, { errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
      }
    }
    const result = await endpoint.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
      context: () => endpoint.context(request, bound.signal, raw),
    });
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }

  function onRequest(request: IncomingMessage, response: ServerResponse): void {
    const startedAt = process.hrtime.bigint();
    const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = routeOf(url.pathname, graphqlPaths);
    const scope: RequestScope = { requestId, logger: logger.child({ requestId }) };
    response.setHeader(REQUEST_ID_HEADER, requestId);
    // Draining: this response is the connection's last.
    if (stopping) response.setHeader('connection', 'close');

    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    inFlight.set(response, done);
    const counted = route !== 'health' && route !== 'metrics';
    if (counted) metrics.requestsInFlight.inc();
    response.once('close', () => {
      inFlight.delete(response);
      if (counted) metrics.requestsInFlight.dec();
      finish();
      if (stopping) server?.closeIdleConnections();
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const status = response.writableFinished ? response.statusCode : 499; // 499: the client closed first
      metrics.recordHttpRequest(route, request.method ?? 'OTHER', status, seconds);
      if (route === 'graphql' && scope.operationType !== undefined) {
        metrics.recordOperation({
          name: scope.operationName,
          type: scope.operationType,
          outcome: scope.outcome ?? (status < 400 ? 'success' : 'error'),
          errorCodes: scope.errorCodes ?? [],
          seconds,
        });
      }
      // Probes and scrapes every few seconds would drown the log: debug level for them.
      const level = route === 'health' || route === 'metrics' || route === 'explorer' ? 'debug' : 'info';
      scope.logger[level](
        {
          method: request.method,
          path: url.pathname,
          status,
          durationMs: Math.round(seconds * 10_000) / 10,
          ...(scope.operationName ? { operationName: scope.operationName } : {}),
          ...(scope.operationType ? { operationType: scope.operationType } : {}),
          ...(scope.outcome ? { outcome: scope.outcome } : {}),
          ...(scope.errorCodes?.length ? { errorCodes: scope.errorCodes } : {}),
          ...(scope.traceId ? { traceId: scope.traceId } : {}),
        },
        'request',
      );
    });

    // Every statement this request runs can see its bound (request-bound.ts).
    const bound: RequestBound = { startedAt: Date.now(), signal: disconnectSignal(response) };
    void runInRequestScope(scope, () => requestBounds.run(bound, () =>
      withServerSpan(`${request.method ?? 'GET'} ${route === 'unknown' ? 'unknown route' : url.pathname}`, request.headers, {
        'http.request.method': request.method ?? 'GET',
        'url.path': url.pathname,
        'mission_graph.request_id': requestId,
        'mission_graph.service': service,
      }, async (span) => {
        scope.traceId = activeTraceId();
        try {
          await handle(request, response, url, scope, bound);
        } finally {
          span.setAttribute('http.response.status_code', response.statusCode);
        }
      })),
    ).catch((error: unknown) => {
      scope.logger.error({ err: error }, 'request failed');
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else response.end();
    });
  }

  async function serve(listening: Server): Promise<{ url: string; port: number }> {
    started ??= startServers();
    await started;
    server = listening;
    listening.removeAllListeners('request');
    listening.removeAllListeners('clientError');
    listening.on('request', onRequest);
    answerClientErrors(listening, logger);
    const address = listening.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { url: `http://${host}:${address.port}/graphql`, port: address.port };
  }

  return {
    logger,
    metrics,
    serve,
    inFlight: () => inFlight.size,
    async listen(port, host = '127.0.0.1') {
      started ??= startServers();
      await started;
      const created = createServer();
      await bindPort(created, service, port, host);
      return serve(created);
    },
    stop() {
      // Idempotent: tests may stop a service early (to see the graph without it) and
      // again at teardown.
      stopped ??= (async () => {
        stopping = true;
        // Responses still to be written are their connection's last.
        for (const response of inFlight.keys()) if (!response.headersSent) response.setHeader('connection', 'close');
        if (server) {
          const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
          server.closeIdleConnections();
          if (inFlight.size > 0) {
            logger.info({ inFlight: inFlight.size }, 'draining in-flight requests');
            let timer: NodeJS.Timeout | undefined;
            const drained = await Promise.race([
              Promise.all(inFlight.values()).then(() => true),
              new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), shutdownTimeoutMs))),
            ]);
            clearTimeout(timer);
            if (!drained) logger.warn({ inFlight: inFlight.size, timeoutMs: shutdownTimeoutMs }, 'in-flight requests cut at the shutdown timeout');
          }
          server.closeAllConnections();
          await closing;
        }
        if (started) await Promise.all(servers.map((apollo) => apollo.stop()));
        await options.onStop?.();
      })();
      return stopped;
    },
  };
}
