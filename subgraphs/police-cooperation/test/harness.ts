import type { SubgraphInstance } from '@mission-graph/service-kit';
import { createTestDatabase, type TestDatabase } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

/** A GraphQL response as it arrives over HTTP. */
export interface GraphQLResponse<Data = Record<string, unknown>> {
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface RunningSubgraph {
  instance: SubgraphInstance;
  /** POSTs one operation to the running subgraph. */
  query<Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<Data>>;
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
  let instance: SubgraphInstance;
  let url: string;
  try {
    instance = await createService({ seed: true, databaseUrl: testDatabase?.url });
    ({ url } = await instance.http.listen(0));
  } catch (error) {
    await testDatabase?.drop(); // a failed start must not leave a test database behind
    throw error;
  }
  return {
    instance,
    async query<Data>(query: string, variables: Record<string, unknown> = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<Data>;
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
