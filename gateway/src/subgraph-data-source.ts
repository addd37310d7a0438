import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { Pool } from 'undici';
import { ANONYMOUS, signInternalToken, type KeyPair } from '@mission-graph/service-kit';
import type { GatewayContext } from './context.js';

export interface SubgraphClientOptions {
  /** A fetch taking longer is abandoned: its fields are null with `SUBGRAPH_TIMEOUT`, the rest answers. */
  timeoutMs: number;
  /** Keep subgraph error details (stack traces) for development. */
  development: boolean;
}

/**
 * How the gateway talks to one subgraph: a keep-alive connection pool (undici) of its
 * own — no per-request agent, no stack captured per request as Apollo's default
 * fetcher does — and a fresh internal token per request, addressed to this subgraph
 * alone, on behalf of the caller, bound to the exact body sent (`bh`).
 *
 * A fetch stops when it takes longer than the subgraph's timeout (`SUBGRAPH_TIMEOUT`)
 * or when the client that asked disconnects. A subgraph that cannot be reached (refused
 * connection, a non-GraphQL answer) is `SUBGRAPH_UNAVAILABLE`. Neither names a URL,
 * host or stack.
 */
export class SubgraphDataSource implements GraphQLDataSource<Record<string, unknown>> {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(
    readonly serviceName: string,
    url: string,
    private readonly internalTokenKey: KeyPair,
    private readonly options: SubgraphClientOptions,
  ) {
    const parsed = new URL(url);
    this.pool = new Pool(parsed.origin);
    this.path = `${parsed.pathname}${parsed.search}`;
  }

  async process({ request, context }: GraphQLDataSourceProcessOptions<Record<string, unknown>>): Promise<GatewayGraphQLResponse> {
    const { caller = ANONYMOUS, signal: clientGone } = context as Partial<GatewayContext>;
    const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName });
    // Bound to this body (`bh`): a token seen on the wire answers no other query.
    const token = await signInternalToken(this.internalTokenKey, this.serviceName, caller, { body });
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = clientGone ? AbortSignal.any([clientGone, timeout]) : timeout;
    let status: number;
    let answer: string;
    try {
      const response = await this.pool.request({
        path: this.path,
        method: 'POST',
        headers: {
          // What the edge set for this fetch (request id, W3C trace context), then our own.
          ...Object.fromEntries(request.http?.headers ?? []),
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${token}`,
        },
        body,
        signal,
      });
      status = response.statusCode;
      answer = await response.body.text();
    } catch (error) {
      if (timeout.aborted) {
        throw new GraphQLError(`The ${this.serviceName} service did not answer within ${this.options.timeoutMs} ms`, {
          extensions: { code: 'SUBGRAPH_TIMEOUT' },
        });
      }
      if (clientGone?.aborted) {
        throw new GraphQLError('The client disconnected', { extensions: { code: 'CLIENT_CLOSED_REQUEST' } });
      }
      console.error(`subgraph ${this.serviceName} failed:`, error);
      throw this.unavailable();
    }
    let parsed: GatewayGraphQLResponse;
    try {
      parsed = JSON.parse(answer) as GatewayGraphQLResponse;
    } catch {
      console.error(`subgraph ${this.serviceName} answered ${status} with a body that is not JSON`);
      throw this.unavailable();
    }
    if (status !== 200) {
      const refused = status === 400 ? refusedRequestError(parsed) : undefined;
      if (refused) throw refused;
      console.error(`subgraph ${this.serviceName} answered ${status}: ${answer.slice(0, 500)}`);
      throw this.unavailable();
    }
    return this.options.development ? parsed : withoutInternals(parsed);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private unavailable(): GraphQLError {
    return new GraphQLError(`The ${this.serviceName} service is unavailable`, {
      extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
    });
  }
}

/**
 * A subgraph that answers 400 with GraphQL errors is up, and refused the request
 * (e.g. a variable it could not coerce): its typed error, not "unavailable", is the
 * truth the caller needs.
 */
function refusedRequestError(response: GatewayGraphQLResponse): GraphQLError | undefined {
  const first = (response.errors as readonly GraphQLFormattedError[] | undefined)?.[0];
  if (!first?.message) return undefined;
  const code = first.extensions?.code;
  return new GraphQLError(first.message, { extensions: { code: code === 'BAD_USER_INPUT' ? code : 'BAD_REQUEST' } });
}

/** Outside development, a subgraph's stack traces and exception details stop here. */
function withoutInternals(response: GatewayGraphQLResponse): GatewayGraphQLResponse {
  if (!response.errors) return response;
  return {
    ...response,
    errors: (response.errors as readonly GraphQLFormattedError[]).map((error) => {
      if (!error.extensions) return error;
      const { stacktrace: _stacktrace, exception: _exception, ...extensions } = error.extensions;
      return { ...error, extensions };
    }) as unknown as GatewayGraphQLResponse['errors'],
  };
}
