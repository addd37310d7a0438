import type { SubgraphInstance } from '@mission-graph/service-kit';
import { createTestDatabase, type TestDatabase } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

/** The real forensics service on a free port, over PGlite in memory or a fresh PostgreSQL database. */
export interface RunningForensics {
  instance: SubgraphInstance;
  graphql: <Data = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<Data>>;
  stop(): Promise<void>;
}

export interface GraphQLResponse<Data> {
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export async function startForensics(flavour: 'pglite' | 'postgres'): Promise<RunningForensics> {
  const testDatabase: TestDatabase | undefined = flavour === 'postgres' ? await createTestDatabase() : undefined;
  let instance: SubgraphInstance;
  try {
    instance = await createService({ seed: true, databaseUrl: testDatabase?.url });
  } catch (error) {
    await testDatabase?.drop();
    throw error;
  }
  const { url } = await instance.http.listen(0);
  return {
    instance,
    graphql: async <Data>(query: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<Data>;
    },
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
