import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { Pool } from 'undici';
import { ANONYMOUS, CHANGES_EXTENSION, signInternalToken, type Caller, type KeyPair } from '@mission-graph/service-kit';
import { isMutationFetch } from './audit/mutation-record.js';
import type { GatewayContext } from './context.js';
import { fetchKey, InflightFetches, WaiterGone, type RawAnswer } from './subgraph/inflight.js';

export interface SubgraphClientOptions {
  /** A fetch taking longer is abandoned: its fields are null with `SUBGRAPH_TIMEOUT`, the rest answers. */
  timeoutMs: number;
  /** Keep subgraph error details (stack traces) for development. */
  development: boolean;
  /**
   * Merge identical concurrent query fetches of callers with identical rights
   * (subgraph/inflight.ts). Off for a subgraph whose reads have effects of their own
   * per request (the audit service records every read of the trail).
   */
  mergeInflight?: boolean;
  /**
   * Called when a fetch of an incoming mutation is sent to this subgraph, and again when
   * it ended (whatever the outcome: a failed or timed-out mutation may still have changed
   * something): what the response cache drops its answers from this subgraph on.
   */
  onMutation?: (subgraph: string) => void;
}

/** A fetch that outlived the subgraph's timeout (shared by every caller merged into it). */
class SubgraphTimedOut extends Error {}

/** What one request to the subgraph answered, and the internal token it was sent with. */
interface Sent extends RawAnswer {
  token: string;
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
  private readonly inflight: InflightFetches | undefined;

  constructor(
    readonly serviceName: string,
    url: string,
    private readonly internalTokenKey: KeyPair,
    private readonly options: SubgraphClientOptions,
  ) {
    const parsed = new URL(url);
    this.pool = new Pool(parsed.origin);
    this.path = `${parsed.pathname}${parsed.search}`;
    this.inflight = options.mergeInflight ? new InflightFetches() : undefined;
  }

  async process(options: GraphQLDataSourceProcessOptions<Record<string, unknown>>): Promise<GatewayGraphQLResponse> {
    const { request, context } = options;
    const { caller = ANONYMOUS, signal: clientGone, mutationChanges } = context as Partial<GatewayContext>;
    const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName });
    // What the edge set for this fetch (request id, W3C trace context).
    const forwarded = Object.fromEntries(request.http?.headers ?? []);
    // A mutation fetch's answer says what it changed (the OUTCOME audit event names it).
    const changes = isMutationFetch(request.query) ? mutationChanges : undefined;
    const mutation = this.options.onMutation && isPartOfMutation(options);
    if (mutation) this.options.onMutation!(this.serviceName);
    let answer: RawAnswer & { token?: string };
    try {
      answer =
        this.inflight && isQueryFetch(options)
          ? await this.inflight.run(fetchKey(this.serviceName, body, caller), clientGone, (stop) =>
              // Merged callers share the answer, never one caller's internal token.
              this.send(body, forwarded, caller, stop).then(({ status, body: text }) => ({ status, body: text })),
            )
          : await this.send(body, forwarded, caller, clientGone);
    } catch (error) {
      // Sent, and no answer: the change may or may not have happened.
      changes?.answerLost();
      if (error instanceof SubgraphTimedOut) {
        throw new GraphQLError(`The ${this.serviceName} service did not answer within ${this.options.timeoutMs} ms`, {
          extensions: { code: 'SUBGRAPH_TIMEOUT' },
        });
      }
      if (error instanceof WaiterGone || clientGone?.aborted) {
        throw new GraphQLError('The client disconnected', { extensions: { code: 'CLIENT_CLOSED_REQUEST' } });
      }
      console.error(`subgraph ${this.serviceName} failed:`, error);
      throw this.unavailable();
    } finally {
      if (mutation) this.options.onMutation!(this.serviceName);
    }
    const { status } = answer;
    // Parsed per caller: callers merged into one fetch never share a mutable object.
    let parsed: GatewayGraphQLResponse;
    try {
      parsed = JSON.parse(answer.body) as GatewayGraphQLResponse;
    } catch {
      console.error(`subgraph ${this.serviceName} answered ${status} with a body that is not JSON`);
      changes?.answerLost();
      throw this.unavailable();
    }
    if (status !== 200) {
      // Refused before it ran (400: nothing changed); anything else: what happened is unknown.
      const refused = status === 400 ? refusedRequestError(parsed) : undefined;
      if (refused) throw refused;
      changes?.answerLost();
      // The body may carry a record's values (an error message quoting input): only its
      // error codes are logged, never its text.
      console.error(`subgraph ${this.serviceName} answered ${status} (error codes: ${errorCodes(parsed)})`);
      throw this.unavailable();
    }
    if (changes && !(answer.token && changes.accept(parsed.extensions?.[CHANGES_EXTENSION], answer.token))) {
      console.error(`subgraph ${this.serviceName} answered a mutation without a valid change report`);
    }
    // The report is the gateway's alone: never passed on.
    parsed = withoutChangeReport(parsed);
    return this.options.development ? parsed : withoutInternals(parsed);
  }

  /** Fetches merged into one running fetch so far, and fetches sent (tests, metrics). */
  get inflightCounts(): { started: number; merged: number } | undefined {
    return this.inflight?.counts;
  }

  /** One request to the subgraph, with a fresh internal token for `caller`; stops on `stop` or the timeout. */
  private async send(body: string, forwarded: Record<string, string>, caller: Caller, stop: AbortSignal | undefined): Promise<Sent> {
    // Bound to this body (`bh`): a token seen on the wire answers no other query.
    const token = await signInternalToken(this.internalTokenKey, this.serviceName, caller, { body });
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = stop ? AbortSignal.any([stop, timeout]) : timeout;
    try {
      const response = await this.pool.request({
        path: this.path,
        method: 'POST',
        headers: {
          ...forwarded,
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${token}`,
        },
        body,
        signal,
      });
      return { status: response.statusCode, body: await response.body.text(), token };
    } catch (error) {
      if (timeout.aborted) throw new SubgraphTimedOut();
      throw error;
    }
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
 * A fetch that only reads: part of an incoming query (never of a mutation — even the
 * entity fetches after a mutation read state the mutation just changed) and itself a
 * query document.
 */
function isQueryFetch(options: GraphQLDataSourceProcessOptions<Record<string, unknown>>): boolean {
  // Health checks and schema loads carry no incoming request.
  if (!('incomingRequestContext' in options)) return false;
  if (options.incomingRequestContext.operation?.operation !== 'query') return false;
  return /^\s*(?:query\b|\{)/.test(options.request.query ?? '');
}

/** Any fetch of an incoming mutation (its entity fetches too: conservative, they are few). */
function isPartOfMutation(options: GraphQLDataSourceProcessOptions<Record<string, unknown>>): boolean {
  return 'incomingRequestContext' in options && options.incomingRequestContext.operation?.operation === 'mutation';
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

/** The `extensions.code` of each error in a subgraph's answer, for the log. */
function errorCodes(response: GatewayGraphQLResponse): string {
  const codes = ((response.errors ?? []) as readonly GraphQLFormattedError[]).map((error) => String(error.extensions?.code ?? 'none'));
  return codes.length > 0 ? [...new Set(codes)].join(', ') : 'none';
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

function withoutChangeReport(response: GatewayGraphQLResponse): GatewayGraphQLResponse {
  if (!response.extensions || !(CHANGES_EXTENSION in response.extensions)) return response;
  const { [CHANGES_EXTENSION]: _report, ...extensions } = response.extensions;
  return { ...response, extensions };
}
