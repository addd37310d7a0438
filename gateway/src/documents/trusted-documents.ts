import type { HTTPGraphQLRequest } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { FrontDoorContext } from '../clients/admission.js';
import type { PreParseStep } from '../operation/preflight.js';
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

function refusal(message: string, code: string, status: number, details: Body): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details, http: { status } } });
}

/**
 * Trusted documents as a step before parsing (operation/preflight.ts): the manifest's text
 * in place of the id, or the refusal. Apollo Server's automatic persisted queries must be
 * off (`persistedQueries: false`) where this step runs.
 */
export function trustedDocumentsStep(documents: TrustedDocuments): PreParseStep<FrontDoorContext> {
  return (request, context) => {
    const resolved = resolveTrustedDocument(request, context, documents);
    return 'refusal' in resolved ? resolved.refusal : resolved.request;
  };
}
