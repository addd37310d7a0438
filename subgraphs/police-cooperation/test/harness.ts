import type { SubgraphInstance } from '@mission-graph/service-kit';
import {
  createTestDatabase,
  createTestInternalAuth,
  type TestDatabase,
  type TestInternalAuth,
} from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

/** A GraphQL response as it arrives over HTTP. */
export interface GraphQLResponse<Data = Record<string, unknown>> {
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** The subgraph's name: the audience of its internal tokens. */
export const SUBGRAPH = 'police-cooperation';

export interface RunningSubgraph {
  instance: SubgraphInstance;
  /** The GraphQL endpoint. */
  url: string;
  /** Signs internal tokens the subgraph accepts (its key is the service's internalTokenKey). */
  auth: TestInternalAuth;
  /** POSTs one operation to the running subgraph, as the gateway does: with an internal token. */
  query<Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<Data>>;
  /** POSTs one operation with exactly these headers; the HTTP status and the body. */
  post<Data = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: GraphQLResponse<Data> }>;
  /** SQL statements the service has sent so far (batching proofs). */
  statementCount(): number;
  stop(): Promise<void>;
}

/**
 * Starts the real, seeded police-cooperation subgraph on a free port: on in-memory
 * PGlite, or on a fresh PostgreSQL database that is dropped again on stop.
 */
export async function startPoliceCooperation(flavour: 'pglite' | 'postgres'): Promise<RunningSubgraph> {
  const testDatabase: TestDatabase | undefined = flavour === 'postgres' ? await createTestDatabase() : undefined;
  const auth = await createTestInternalAuth();
  let instance: SubgraphInstance;
  let url: string;
  try {
    instance = await createService({
      seed: true,
      databaseUrl: testDatabase?.url,
      internalTokenKey: auth.keyPair.publicKey,
    });
    ({ url } = await instance.http.listen(0));
  } catch (error) {
    await testDatabase?.drop(); // a failed start must not leave a test database behind
    throw error;
  }
  async function post<Data>(query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLResponse<Data> };
  }
  return {
    instance,
    url,
    auth,
    post,
    async query<Data>(query: string, variables: Record<string, unknown> = {}) {
      return (await post<Data>(query, variables, await auth.headers(SUBGRAPH))).body;
    },
    statementCount: () => instance.database.statementCount(),
    async stop() {
      try {
        await instance.http.stop();
      } finally {
        await testDatabase?.drop();
      }
    },
  };
}

/** The `extensions.code` and `extensions.argument` of each error, for compact assertions. */
export function errorCodes(response: GraphQLResponse<unknown>): { code: unknown; argument: unknown }[] {
  return (response.errors ?? []).map((error) => ({
    code: error.extensions?.code,
    argument: error.extensions?.argument,
  }));
}
