import { ApolloServer, type ApolloServerOptions, type HTTPGraphQLRequest } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { FrontDoorContext } from '../clients/admission.js';
import type { TrustedDocuments } from './manifest.js';

/**
 * Trusted documents at the door: `documentId` (GraphQL over HTTP persisted documents,
 * Hive; in the JSON body or the GET query string) or Apollo's
 * `extensions.persistedQuery.sha256Hash` is replaced, before anything is parsed, by the
 * text in the calling client's own manifest; query text from a client marked
 * `trustedDocumentsOnly` is refused. Apollo Server's automatic persisted queries stay
 * off: they would let any client register any text under its hash, the opposite of a
 * list of trusted documents.
 */
export const PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';
export const OPERATION_NOT_TRUSTED = 'OPERATION_NOT_TRUSTED';

type Body = Record<string, unknown>;

/** The request to run (the manifest's text in place of the id), or why it is refused. */
export function resolveTrustedDocument(
  request: HTTPGraphQLRequest,
  context: FrontDoorContext,
  documents: TrustedDocuments,
): { request: HTTPGraphQLRequest } | { refusal: GraphQLError } {
  const client = context.client;
  const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Body) : undefined;
  const search = new URLSearchParams(request.search);
  const extensions = body?.extensions && typeof body.extensions === 'object' ? (body.extensions as Body) : undefined;
  const documentId = requestedDocumentId(body, search, extensions);

  if (documentId === undefined) {
    if (!client?.trustedDocumentsOnly) return { request };
    return {
      refusal: refusal(
        `Client "${client.id}" may send only its trusted documents (by documentId from its manifest), not query text`,
        OPERATION_NOT_TRUSTED,
        403,
        context,
        { clientId: client.id },
      ),
    };
  }
  const text = documents.find(client?.id, documentId);
  if (text === undefined) {
    return {
      refusal: refusal(
        client
          ? `Document "${documentId}" is not among the trusted documents of client "${client.id}"`
          : 'Trusted documents belong to a client: this token names none',
        PERSISTED_QUERY_NOT_FOUND,
        400,
        context,
        { documentId },
      ),
    };
  }
  // What runs is the manifest's text, whatever text came with the id.
  if (body) {
    const { documentId: _, extensions: __, ...rest } = body;
    const { persistedQuery: ___, ...otherExtensions } = extensions ?? {};
    return {
      request: {
        ...request,
        body: { ...rest, query: text, ...(Object.keys(otherExtensions).length > 0 ? { extensions: otherExtensions } : {}) },
      },
    };
  }
  search.delete('documentId');
  search.set('query', text);
  return { request: { ...request, search: search.toString() } };
}

function requestedDocumentId(body: Body | undefined, search: URLSearchParams, extensions: Body | undefined): string | undefined {
  if (typeof body?.documentId === 'string') return body.documentId;
  const fromSearch = search.get('documentId');
  if (fromSearch) return fromSearch;
  const hash = (extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

function refusal(message: string, code: string, status: number, context: FrontDoorContext, details: Body): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code, ...details, http: { status, ...(context.rateLimitHeaders ? { headers: context.rateLimitHeaders } : {}) } },
  });
}

/**
 * Apollo Server with trusted documents resolved at the door. The context (caller, client,
 * rate limit) is built once, first; a refusal is answered the way Apollo answers a
 * failed context — formatted, with its HTTP status — so nothing is parsed or planned.
 */
export class TrustedDocumentsServer extends ApolloServer<FrontDoorContext> {
  constructor(
    options: ApolloServerOptions<FrontDoorContext>,
    private readonly documents: TrustedDocuments,
  ) {
    super({ ...options, persistedQueries: false });
  }

  override async executeHTTPGraphQLRequest({
    httpGraphQLRequest,
    context,
  }: Parameters<ApolloServer<FrontDoorContext>['executeHTTPGraphQLRequest']>[0]) {
    let contextValue: FrontDoorContext;
    try {
      contextValue = await context();
    } catch (error) {
      return super.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => Promise.reject(error) });
    }
    const resolved = resolveTrustedDocument(httpGraphQLRequest, contextValue, this.documents);
    if ('refusal' in resolved) {
      return super.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => Promise.reject(resolved.refusal) });
    }
    return super.executeHTTPGraphQLRequest({ httpGraphQLRequest: resolved.request, context: async () => contextValue });
  }
}
