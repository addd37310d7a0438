import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { ANONYMOUS, signInternalToken, type KeyPair } from '@mission-graph/service-kit';
import type { GatewayContext } from './authorization/authorizing-gateway.js';

/**
 * How the gateway talks to one subgraph. Every request carries a fresh internal
 * token addressed to this subgraph alone, on behalf of the caller. A subgraph that cannot be reached (refused
 * connection, timeout, a non-GraphQL answer) becomes a typed `SUBGRAPH_UNAVAILABLE`
 * error naming the service — never the URL, host or stack of the failed fetch.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource {
  constructor(
    readonly serviceName: string,
    url: string,
    private readonly internalTokenKey: KeyPair,
  ) {
    super({ url });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions): Promise<void> {
    const caller = (context as Partial<GatewayContext>).caller ?? ANONYMOUS;
    const token = await signInternalToken(this.internalTokenKey, this.serviceName, caller);
    request.http?.headers.set('authorization', `Bearer ${token}`);
  }

  override async process(options: GraphQLDataSourceProcessOptions) {
    try {
      return await super.process(options);
    } catch (error) {
      const refused = refusedRequestError(error);
      if (refused) throw refused;
      console.error(`subgraph ${this.serviceName} failed:`, error);
      throw new GraphQLError(`The ${this.serviceName} service is unavailable`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: this.serviceName },
      });
    }
  }
}

/**
 * A subgraph that answers 400 with GraphQL errors is up, and refused the request
 * (e.g. a variable it could not coerce): its typed error, not "unavailable", is the
 * truth the caller needs.
 */
function refusedRequestError(error: unknown): GraphQLError | undefined {
  const response = (error as { extensions?: { response?: { status?: number; body?: unknown } } })
    .extensions?.response;
  if (response?.status !== 400) return undefined;
  const first = (response.body as { errors?: { message?: string; extensions?: Record<string, unknown> }[] })
    ?.errors?.[0];
  if (!first?.message) return undefined;
  const code = first.extensions?.code;
  return new GraphQLError(first.message, {
    extensions: { code: code === 'BAD_USER_INPUT' ? code : 'BAD_REQUEST' },
  });
}
