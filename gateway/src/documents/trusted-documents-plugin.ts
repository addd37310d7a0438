import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { FrontDoorContext } from '../clients/admission.js';
import type { TrustedDocuments } from './manifest.js';

/**
 * Resolves `documentId` (GraphQL over HTTP persisted documents, Hive) or Apollo's
 * `extensions.persistedQuery.sha256Hash` to the text in the calling client's manifest,
 * before anything is parsed; and refuses query text from a client marked
 * `trustedDocumentsOnly`. Apollo Server's own automatic persisted queries stay off: they
 * would let any client register any text under its hash, which is the opposite of a
 * list of trusted documents.
 */
export const PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';
export const OPERATION_NOT_TRUSTED = 'OPERATION_NOT_TRUSTED';

export function trustedDocumentsPlugin(documents: TrustedDocuments): ApolloServerPlugin<FrontDoorContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const client = contextValue.client;
      const documentId = requestedDocumentId(request.http?.body, request.http?.search, request.extensions);
      if (documentId !== undefined) {
        const text = documents.find(client?.id, documentId);
        if (text === undefined) {
          throw refusal(
            client
              ? `Document "${documentId}" is not in the trusted documents of client "${client.id}"`
              : 'Trusted documents are per client: this token names no client with a manifest',
            PERSISTED_QUERY_NOT_FOUND,
            400,
            contextValue,
            { documentId },
          );
        }
        // What runs is the manifest's text, whatever text came with the id.
        request.query = text;
        if (request.extensions?.persistedQuery) {
          const { persistedQuery: _, ...rest } = request.extensions;
          request.extensions = rest;
        }
        return;
      }
      if (client?.trustedDocumentsOnly) {
        throw refusal(
          `Client "${client.id}" may send only its trusted documents (by documentId from its manifest), not query text`,
          OPERATION_NOT_TRUSTED,
          403,
          contextValue,
          { clientId: client.id },
        );
      }
    },
  };
}

function requestedDocumentId(body: unknown, search: string | undefined, extensions: Record<string, unknown> | undefined): string | undefined {
  if (body && typeof body === 'object' && typeof (body as { documentId?: unknown }).documentId === 'string') {
    return (body as { documentId: string }).documentId;
  }
  const fromSearch = search ? new URLSearchParams(search).get('documentId') : null;
  if (fromSearch) return fromSearch;
  const hash = (extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

function refusal(message: string, code: string, status: number, context: FrontDoorContext, details: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code, ...details, http: { status, ...(context.rateLimitHeaders ? { headers: context.rateLimitHeaders } : {}) } },
  });
}
