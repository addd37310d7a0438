import {
  ApolloServer,
  type ApolloServerOptions,
  type BaseContext,
  type HeaderMap,
  type HTTPGraphQLRequest,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import { GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';
import { checkOperation, type OperationLimits } from './limits.js';

/**
 * Apollo Server with a list of steps run on each request before Apollo Server parses it.
 * The request's context (caller, client, rate limit) is built first, once; then each step
 * either hands on the request (perhaps changed: a trusted document's text in place of its
 * id) or refuses it with a typed error. A refusal is answered the way Apollo Server answers
 * a failed context — formatted like every error, with the HTTP status its extensions say —
 * so nothing is parsed, validated or planned for it.
 *
 * The gateway's steps, in order: trusted documents (documents/trusted-documents.ts), then
 * the operation limits (below), which thus also bound the text a manifest supplies.
 */
export type PreParseStep<Ctx> = (request: HTTPGraphQLRequest, context: Ctx) => HTTPGraphQLRequest | GraphQLError;

export interface PreParseOptions<Ctx> {
  steps: readonly PreParseStep<Ctx>[];
  /** Fields every answer to a request with this context carries, refusals included (the rate-limit fields). */
  responseHeaders?: (context: Ctx) => HeaderMap | undefined;
}

export class PreflightApolloServer<Ctx extends BaseContext> extends ApolloServer<Ctx> {
  constructor(
    config: ApolloServerOptions<Ctx>,
    private readonly preParse: PreParseOptions<Ctx>,
  ) {
    super(config);
  }

  override async executeHTTPGraphQLRequest({
    httpGraphQLRequest,
    context,
  }: {
    httpGraphQLRequest: HTTPGraphQLRequest;
    context: () => Promise<Ctx>;
  }): Promise<HTTPGraphQLResponse> {
    let contextValue: Ctx;
    try {
      contextValue = await context();
    } catch (error) {
      return super.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => Promise.reject(error) });
    }
    let request = httpGraphQLRequest;
    let refusal: GraphQLError | undefined;
    for (const step of this.preParse.steps) {
      const outcome = step(request, contextValue);
      if (!(outcome instanceof GraphQLError)) {
        request = outcome;
        continue;
      }
      refusal = outcome;
      break;
    }
    const response = await super.executeHTTPGraphQLRequest({
      httpGraphQLRequest: request,
      context: refusal ? () => Promise.reject(refusal) : async () => contextValue,
    });
    for (const [name, value] of this.preParse.responseHeaders?.(contextValue) ?? []) response.headers.set(name, value);
    return response;
  }
}

/**
 * The operation limits, on the text the client sent, before Apollo Server parses it and
 * before graphql-js validates it: validation rules run together in one pass, so a limit
 * written as a validation rule would refuse only after rules like
 * OverlappingFieldsCanBeMerged (quadratic in the number of same-named fields) had done
 * their work. A refusal is HTTP 400 with `QUERY_TOO_COMPLEX` (or `BAD_USER_INPUT` for a
 * reserved alias).
 *
 * Texts that passed are remembered (bounded), so the ordinary path pays one map look-up.
 */
export function operationLimitsStep(limits: OperationLimits): PreParseStep<unknown> {
  const passed = new LRUCache<string, true>({
    max: 2000,
    maxSize: 8_000_000,
    sizeCalculation: (_value, key) => key.length + 1,
  });
  return (request) => {
    const source = querySource(request);
    if (source === undefined || passed.has(source)) return request;
    const refusal = checkOperation(source, limits);
    if (refusal) return refusal;
    passed.set(source, true);
    return request;
  };
}

/** The operation text of a GraphQL-over-HTTP request (POST body or GET `query` parameter). */
function querySource(request: HTTPGraphQLRequest): string | undefined {
  if (request.method === 'GET') return new URLSearchParams(request.search).get('query') ?? undefined;
  const body = request.body as { query?: unknown } | null | undefined;
  return body && typeof body === 'object' && typeof body.query === 'string' ? body.query : undefined;
}
