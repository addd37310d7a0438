/**
 * Starts the real specialist-chambers service in-process on a free loopback port:
 * in-memory PGlite, or a fresh PostgreSQL database that `stop()` drops.
 */
import type { SubgraphInstance, SubgraphOptions } from '@mission-graph/service-kit';
import { createTestDatabase } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

export type Flavour = 'pglite' | 'postgres';

export interface GraphQLResponse<Data> {
  status: number;
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface RunningService {
  service: SubgraphInstance;
  query<Data = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>>;
  /** SQL statements the service sent while `action` ran. */
  statementsDuring(action: () => Promise<unknown>): Promise<number>;
  stop(): Promise<void>;
}

export async function startService(flavour: Flavour, options: SubgraphOptions = {}): Promise<RunningService> {
  const database = flavour === 'postgres' ? await createTestDatabase() : undefined;
  const service = await createService({ seed: true, ...options, databaseUrl: database?.url });
  const { url } = await service.http.listen(0);
  return {
    service,
    async query<Data>(query: string, variables: Record<string, unknown> = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse<Data>, 'status'>;
      return { status: response.status, ...body };
    },
    async statementsDuring(action) {
      const before = service.database.statementCount();
      await action();
      return service.database.statementCount() - before;
    },
    async stop() {
      await service.http.stop();
      await database?.drop();
    },
  };
}
