import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

/**
 * The HTTP face every service shares: GraphQL over HTTP on `/graphql` (and on `/` for
 * the gateway's explorer), `GET /health/live` and `GET /health/ready`. Built apart
 * from listening, so tests start the real thing on a free port.
 */
export interface HttpServiceOptions<Ctx extends BaseContext> {
  apollo: ApolloServer<Ctx>;
  /** Builds the per-request context (loaders, caller). Throwing a GraphQLError answers it. */
  context: (request: IncomingMessage) => Promise<Ctx>;
  /** Readiness: dependencies reachable (database, supergraph). */
  isReady: () => Promise<boolean>;
  /** Paths answered by GraphQL; default `/graphql`. */
  graphqlPaths?: string[];
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Extra routes tried before GraphQL (return true when handled). */
  routes?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean> | boolean;
  /** Called when the service stops (close the database). */
  onStop?: () => Promise<void>;
  /**
   * Further GraphQL endpoints by path, each with its own Apollo server and context (the
   * gateway's `/external/graphql` serves the external contract this way). Same HTTP
   * handling as the main endpoint.
   */
  endpoints?: Record<string, GraphQLEndpoint>;
}

export interface GraphQLEndpoint {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each endpoint has its own context type
  apollo: ApolloServer<any>;
  context: (request: IncomingMessage) => Promise<BaseContext>;
}

export interface HttpService {
  listen(port: number, host?: string): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
}

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

export function createHttpService<Ctx extends BaseContext>(
  options: HttpServiceOptions<Ctx>,
): HttpService {
  const main: GraphQLEndpoint = { apollo: options.apollo, context: options.context };
  const endpoints = new Map<string, GraphQLEndpoint>([
    ...(options.graphqlPaths ?? ['/graphql']).map((path) => [path, main] as const),
    ...Object.entries(options.endpoints ?? {}),
  ]);
  const servers = [...new Set([...endpoints.values()].map((endpoint) => endpoint.apollo))];
  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
  let server: Server | undefined;
  let started: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/health/live') {
      return sendJson(response, 200, { status: 'live' });
    }
    if (request.method === 'GET' && url.pathname === '/health/ready') {
      const ready = await options.isReady().catch(() => false);
      return sendJson(response, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
    }
    if (options.routes && (await options.routes(request, response))) return;
    const endpoint = endpoints.get(url.pathname);
    if (!endpoint) {
      return sendJson(response, 404, { errors: [{ message: 'Not found' }] });
    }

    let raw: string;
    try {
      raw = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        return sendJson(response, 413, { errors: [{ message: `Request body exceeds ${maxBodyBytes} bytes` }] });
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
        return sendJson(response, 400, { errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
      }
    }
    const result = await endpoint.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
      context: () => endpoint.context(request),
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

  return {
    async listen(port, host = '127.0.0.1') {
      started ??= Promise.all(servers.map((apollo) => apollo.start())).then(() => undefined);
      await started;
      server = createServer((request, response) => {
        handle(request, response).catch((error: unknown) => {
          console.error(error);
          if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'Internal server error' }] });
          else response.end();
        });
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      return { url: `http://${host}:${address.port}/graphql`, port: address.port };
    },
    stop() {
      // Idempotent: tests may stop a service early (to see the graph without it) and
      // again at teardown.
      stopped ??= (async () => {
        if (server) {
          const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
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
