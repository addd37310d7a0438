/**
 * How the forensics web app calls Mission Graph: every operation is one of its trusted
 * documents, sent by id (`documentId`, the SHA-256 graphql-codegen embedded in the typed
 * document), never as query text — the gateway refuses text from this client. Results
 * and variables are typed from schema/api.graphql (`pnpm codegen`).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

export interface GraphError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; requiredScopes?: string[][]; purposeRequired?: boolean; [key: string]: unknown };
}

export interface GraphResult<Data> {
  status: number;
  data?: Data | null;
  errors?: GraphError[];
}

export interface GraphClientOptions {
  /** The gateway's GraphQL endpoint, e.g. `https://graph.mission.example/graphql`. */
  url: string;
  /** The signed-in user's access token (its `azp` names this app: `forensics-web`). */
  token: () => string | Promise<string>;
  fetch?: typeof fetch;
}

export function createGraphClient({ url, token, fetch: fetchImpl = fetch }: GraphClientOptions) {
  return async function execute<Data, Variables>(
    document: TypedDocumentNode<Data, Variables>,
    variables: Variables,
    /** Case reference and reason; required for operations that read personal data. */
    purpose?: string,
  ): Promise<GraphResult<Data>> {
    const documentId = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
    if (!documentId) throw new Error('Not a trusted document: run `pnpm codegen` and use the generated document');
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await token()}`,
        ...(purpose ? { 'x-access-purpose': purpose } : {}),
      },
      body: JSON.stringify({ documentId, variables }),
    });
    const body = (await response.json()) as Omit<GraphResult<Data>, 'status'>;
    return { status: response.status, ...body };
  };
}
