/**
 * Starts the real specialist-chambers service in-process on a free loopback port:
 * in-memory PGlite, or a fresh PostgreSQL database that `stop()` drops. Requests go
 * in as the gateway sends them, with an internal token (by default for a caller
 * holding every scope and a declared purpose).
 */
import type { Caller, SubgraphInstance, SubgraphOptions } from '@mission-graph/service-kit';
import { createTestDatabase, createTestInternalAuth, type TestInternalAuth } from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

export type Flavour = 'pglite' | 'postgres';

/** The subgraph's name: the audience of its internal tokens. */
export const SUBGRAPH = 'specialist-chambers';

export interface GraphQLResponse<Data> {
  status: number;
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface RunningService {
  service: SubgraphInstance;
  /** The GraphQL endpoint. */
  url: string;
  /** Signs internal tokens the service accepts. */
  auth: TestInternalAuth;
  /** One operation through an internal token; `caller` narrows who the gateway says is asking. */
  query<Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    caller?: Partial<Caller>,
  ): Promise<GraphQLResponse<Data>>;
  /** One operation with exactly these headers (no token unless given). */
  post<Data = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<GraphQLResponse<Data>>;
  /** SQL statements the service sent while `action` ran. */
  statementsDuring(action: () => Promise<unknown>): Promise<number>;
  stop(): Promise<void>;
}

export async function startService(
  flavour: Flavour,
  options: Omit<SubgraphOptions, 'internalTokenKey'> = {},
): Promise<RunningService> {
  const auth = await createTestInternalAuth();
  const database = flavour === 'postgres' ? await createTestDatabase() : undefined;
  let service: SubgraphInstance;
  let url: string;
  try {
    service = await createService({
      seed: true,
      ...options,
      databaseUrl: database?.url,
      internalTokenKey: auth.keyPair.publicKey,
    });
    ({ url } = await service.http.listen(0));
  } catch (error) {
    await database?.drop(); // a failed start must not leave a test database behind
    throw error;
  }
  async function post<Data>(query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse<Data>, 'status'>;
    return { status: response.status, ...body };
  }
  return {
    service,
    url,
    auth,
    post,
    async query<Data>(query: string, variables: Record<string, unknown> = {}, caller?: Partial<Caller>) {
      return post<Data>(query, variables, await auth.headers(SUBGRAPH, caller));
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

/**
 * The protection officers the seed assigns to witness n (src/seed.ts): officer-NN
 * with NN = 1 + (n - 1) % 12, and for even n also 1 + (n + 5) % 12. Tests act as an
 * assigned officer by putting one of these in the internal token's `subject`.
 */
export function officersOf(n: number): string[] {
  const officer = (k: number) => `officer-${String(k).padStart(2, '0')}`;
  return n % 2 === 0 ? [officer(1 + ((n - 1) % 12)), officer(1 + ((n + 5) % 12))] : [officer(1 + ((n - 1) % 12))];
}

/** The default test caller (every scope, a purpose), acting as witness n's first officer. */
export const asOfficerOf = (n: number): Partial<Caller> => ({ subject: officersOf(n)[0] });

/** The default test caller (it holds `witness-protection:break-glass`) with an `X-Break-Glass` justification. */
export const BREAK_GLASS: Partial<Caller> = { breakGlass: 'TEST-CASE-9: emergency check of every file' };
