import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '@mission-graph/service-kit';
import type { ClientRegistry } from '../clients/registry.js';

/**
 * Trusted documents: the operations a client ships, listed in its manifest in the repo
 * (`config/documents/<client>.json`), sent by id (`documentId`) instead of query text.
 * Two manifest formats are read:
 * - Apollo's persisted-query manifest:
 *   `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "name", "type", "body" }] }`
 * - Hive's / graphql-codegen's persisted documents: `{ "<sha256 of the body>": "<body>" }`
 *   (keys with or without the `sha256:` prefix the client preset writes)
 * An id is the SHA-256 of the document text (hex), as both tools compute it; every id
 * is checked against its text when the manifest is loaded, so an edited body with a
 * stale id stops the gateway instead of serving something nobody reviewed.
 */
export const APOLLO_MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

export interface TrustedDocument {
  id: string;
  /** Operation name (Apollo manifests), when given. */
  name?: string | undefined;
  body: string;
}

export const documentHash = (body: string) => createHash('sha256').update(body).digest('hex');

/** The documents of one manifest; throws a message naming the file and the entry that is wrong. */
export function parseManifest(json: unknown, source: string): TrustedDocument[] {
  const fail = (problem: string): never => {
    throw new ConfigError(`Invalid trusted-documents manifest ${source}: ${problem}`);
  };
  if (!json || typeof json !== 'object' || Array.isArray(json)) return fail('expected a JSON object');
  const record = json as Record<string, unknown>;
  let documents: TrustedDocument[];
  if (record.format === APOLLO_MANIFEST_FORMAT) {
    if (record.version !== 1) fail(`unsupported version ${JSON.stringify(record.version)} (expected 1)`);
    if (!Array.isArray(record.operations)) return fail('"operations" must be a list');
    documents = record.operations.map((operation: unknown, index) => {
      const { id, name, body } = (operation ?? {}) as Record<string, unknown>;
      if (typeof id !== 'string' || typeof body !== 'string') return fail(`operations[${index}] needs a string "id" and "body"`);
      return { id, name: typeof name === 'string' ? name : undefined, body };
    });
  } else {
    documents = Object.entries(record).map(([id, body]) => {
      if (typeof body !== 'string') return fail(`"${id}" must map to the document text`);
      return { id: normaliseDocumentId(id), body };
    });
  }
  for (const document of documents) {
    if (!/^[0-9a-f]{64}$/.test(document.id)) fail(`"${document.id}" is not a SHA-256 hash (64 lower-case hex digits)`);
    if (documentHash(document.body) !== document.id) fail(`"${document.id}" is not the SHA-256 of its document`);
  }
  return documents;
}

export function readManifest(file: string): TrustedDocument[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Invalid trusted-documents manifest ${file}: ${(error as Error).message}`);
  }
  return parseManifest(json, file);
}

/** Every registered client's trusted documents, by client id then document id. */
export interface TrustedDocuments {
  /** The text of `documentId` in `clientId`'s manifest, if it is there. */
  find(clientId: string | undefined, documentId: string): string | undefined;
}

/** `sha256:<hex>` (GraphQL over HTTP persisted documents) and the bare hex both name a document. */
export function normaliseDocumentId(documentId: string): string {
  return documentId.startsWith('sha256:') ? documentId.slice('sha256:'.length) : documentId;
}

export function loadTrustedDocuments(registry: ClientRegistry): TrustedDocuments {
  const byClient = new Map<string, Map<string, string>>();
  for (const client of registry.all()) {
    if (!client.documentsPath) continue;
    byClient.set(client.id, new Map(readManifest(client.documentsPath).map((document) => [document.id, document.body])));
  }
  return {
    find: (clientId, documentId) =>
      clientId === undefined ? undefined : byClient.get(clientId)?.get(normaliseDocumentId(documentId)),
  };
}
