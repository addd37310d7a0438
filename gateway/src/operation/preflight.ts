import {
  ApolloServer,
  HeaderMap,
  type ApolloServerOptions,
  type BaseContext,
  type HTTPGraphQLRequest,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import { LRUCache } from 'lru-cache';
import { checkOperation, type OperationLimits } from './limits.js';

/**
 * Apollo Server with the operation limits in front of it. They run on the text the
 * client sent, before Apollo Server parses it and before graphql-js validates it:
 * validation rules run together in one pass, so a limit written as a validation rule
 * would refuse only after rules like OverlappingFieldsCanBeMerged (quadratic in the
 * number of same-named fields) had done their work. A refusal is a complete answer:
 * HTTP 400 with `QUERY_TOO_COMPLEX` (or `BAD_USER_INPUT` for a reserved alias).
 *
 * Texts that passed are remembered (bounded), so the ordinary path pays one map look-up.
 */
export class PreflightApolloServer<Ctx extends BaseContext> extends ApolloServer<Ctx> {
  private readonly passed = new LRUCache<string, true>({
    max: 2000,
    maxSize: 8_000_000,
    sizeCalculation: (_value, key) => key.length + 1,
  });

  constructor(
    config: ApolloServerOptions<Ctx>,
    private readonly limits: OperationLimits,
  ) {
    super(config);
  }

  override async executeHTTPGraphQLRequest(request: {
    httpGraphQLRequest: HTTPGraphQLRequest;
    context: () => Promise<Ctx>;
  }): Promise<HTTPGraphQLResponse> {
    const source = querySource(request.httpGraphQLRequest);
    if (source !== undefined && !this.passed.has(source)) {
      const refusal = checkOperation(source, this.limits);
      if (refusal) {
        const { http: _http, ...extensions } = refusal.extensions as Record<string, unknown>;
        return {
          status: 400,
          headers: new HeaderMap([['content-type', 'application/json; charset=utf-8']]),
          body: { kind: 'complete', string: `${JSON.stringify({ errors: [{ message: refusal.message, extensions }] })}\n` },
        };
      }
      this.passed.set(source, true);
    }
    return super.executeHTTPGraphQLRequest(request);
  }
}

/** The operation text of a GraphQL-over-HTTP request (POST body or GET `query` parameter). */
function querySource(request: HTTPGraphQLRequest): string | undefined {
  if (request.method === 'GET') return new URLSearchParams(request.search).get('query') ?? undefined;
  const body = request.body as { query?: unknown } | null | undefined;
  return body && typeof body === 'object' && typeof body.query === 'string' ? body.query : undefined;
}
