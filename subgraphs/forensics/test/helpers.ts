import type { SubgraphInstance } from '@mission-graph/service-kit';
import {
  createTestDatabase,
  createTestInternalAuth,
  type TestDatabase,
  type TestInternalAuth,
} from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

/** The subgraph's name: the audience of its internal tokens. */
export const SUBGRAPH = 'forensics';

/** The real forensics service on a free port, over PGlite in memory or a fresh PostgreSQL database. */
export interface RunningForensics {
  instance: SubgraphInstance;
  /** The GraphQL endpoint. */
  url: string;
  /** Signs internal tokens the service accepts. */
  auth: TestInternalAuth;
  /** One operation as the gateway sends it: with an internal token for this subgraph. */
  graphql: <Data = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<Data>>;
  /** One operation with exactly these headers; the HTTP status and the body. */
  post: <Data = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string>,
  ) => Promise<{ status: number; body: GraphQLResponse<Data> }>;
  stop(): Promise<void>;
}

export interface GraphQLResponse<Data> {
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export async function startForensics(flavour: 'pglite' | 'postgres'): Promise<RunningForensics> {
  const testDatabase: TestDatabase | undefined = flavour === 'postgres' ? await createTestDatabase() : undefined;
  const auth = await createTestInternalAuth();
  let instance: SubgraphInstance;
  try {
    instance = await createService({ seed: true, databaseUrl: testDatabase?.url, internalTokenKey: auth.keyPair.publicKey });
  } catch (error) {
    await testDatabase?.drop();
    throw error;
  }
  const { url } = await instance.http.listen(0);
  const post = async <Data>(query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLResponse<Data> };
  };
  return {
    instance,
    url,
    auth,
    post,
    graphql: async <Data>(query: string, variables: Record<string, unknown> = {}) =>
      (await post<Data>(query, variables, await auth.headers(SUBGRAPH))).body,
    stop: async () => {
      await instance.http.stop();
      await testDatabase?.drop();
    },
  };
}

/** The `extensions` of the only error of a response, for asserting codes and arguments. */
export function onlyErrorOf(response: GraphQLResponse<unknown>): Record<string, unknown> | undefined {
  if (response.errors?.length !== 1) {
    throw new Error(`expected exactly one error, got ${JSON.stringify(response.errors)}`);
  }
  return response.errors[0]?.extensions;
}
