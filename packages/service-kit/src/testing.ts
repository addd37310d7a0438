import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import postgres from 'postgres';
import type { Caller } from './authorization/caller.js';
import { CHANGES_EXTENSION, type ChangedRecord, type ChangeReport } from './change-report.js';
import { signInternalToken } from './authorization/internal-token.js';
import { newKeyPair, type KeyPair } from './authorization/keys.js';
import { ALL_SCOPES } from './authorization/scopes.js';
import type { SubgraphFactory, SubgraphInstance, SubgraphOptions } from './service.js';

/**
 * A fresh PostgreSQL database for one test run, dropped afterwards. When
 * `TEST_DATABASE_URL` is not set, `url` is undefined and the caller runs on PGlite.
 */
export interface TestDatabase {
  url: string | undefined;
  drop(): Promise<void>;
}

export async function createTestDatabase(
  serverUrl: string | undefined = process.env.TEST_DATABASE_URL,
): Promise<TestDatabase> {
  if (!serverUrl) return { url: undefined, drop: async () => {} };
  const name = `mission_graph_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await client.unsafe(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}

/** The database flavours a suite runs on: PGlite always, PostgreSQL when configured. */
export const databaseFlavours: readonly Flavour[] = process.env.TEST_DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite'];

/**
 * Internal-token keys for tests that start subgraphs directly: the subgraph gets the
 * public key, the test signs requests as the gateway would.
 */
export interface TestInternalAuth {
  keyPair: KeyPair;
  /**
   * Headers of a request from the gateway to `audience` on behalf of a caller, its token
   * bound to the request's body as the gateway binds it (`bh`): the exact body text, or
   * the operation as `post` sends it (`testRequestBody`). Without one the token is bound
   * to nothing, and a subgraph's GraphQL endpoint refuses it.
   */
  headers(audience: string, caller?: Partial<Caller>, request?: string | TestOperation): Promise<Record<string, string>>;
}

/** An operation as the test harness posts it. */
export interface TestOperation {
  query: string;
  variables?: Record<string, unknown>;
}

/** The body the harness sends for an operation (and so the one a token must be bound to). */
export function testRequestBody({ query, variables }: TestOperation): string {
  return JSON.stringify({ query, variables });
}

export async function createTestInternalAuth(): Promise<TestInternalAuth> {
  const { pair } = await newKeyPair('test-internal');
  return {
    keyPair: pair,
    headers: async (audience, caller = {}, request) => ({
      authorization: `Bearer ${await signInternalToken(
        pair,
        audience,
        {
          authenticated: true,
          subject: 'test-principal',
          scopes: new Set(ALL_SCOPES),
          purpose: 'TEST-CASE-1: automated test',
          ...caller,
        },
        request === undefined ? {} : { body: typeof request === 'string' ? request : testRequestBody(request) },
      )}`,
    }),
  };
}

/** A GraphQL response as it arrives over HTTP, with its status. */
export interface GraphQLResponse<Data = Record<string, unknown>> {
  status: number;
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
  /**
   * A mutation's change report (`extensions.missionGraphChanges`), taken out of
   * `extensions` as the gateway takes it out of what clients see: its MAC differs per
   * request, the records are what a test can compare.
   */
  changed?: ChangedRecord[];
}

export type Flavour = 'pglite' | 'postgres';

/** A real subgraph service started in-process by a test, on a free loopback port. */
export interface RunningSubgraph {
  instance: SubgraphInstance;
  /** The GraphQL endpoint. */
  url: string;
  /** Signs internal tokens the service accepts (its key is the service's internalTokenKey). */
  auth: TestInternalAuth;
  /**
   * One operation as the gateway sends it: with an internal token for this subgraph,
   * by default for a caller holding every scope and a declared purpose; `caller`
   * narrows who the gateway says is asking.
   */
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
  /** SQL statements the service sent while `action` ran (batching proofs). */
  statementsDuring(action: () => Promise<unknown>): Promise<number>;
  /** SQL statements the service has sent since it started. */
  statementCount(): number;
  stop(): Promise<void>;
}

/**
 * Starts a subgraph (its `createService`) seeded, on in-memory PGlite or on a fresh
 * PostgreSQL database that `stop()` drops; the one harness every subgraph's tests use.
 */
export async function startSubgraph(
  create: SubgraphFactory,
  flavour: Flavour,
  options: Omit<SubgraphOptions, 'internalTokenKey' | 'databaseUrl'> = {},
): Promise<RunningSubgraph> {
  const auth = await createTestInternalAuth();
  const database = flavour === 'postgres' ? await createTestDatabase() : undefined;
  let instance: SubgraphInstance;
  let url: string;
  try {
    instance = await create({ seed: true, ...options, databaseUrl: database?.url, internalTokenKey: auth.keyPair.publicKey });
    try {
      ({ url } = await instance.http.listen(0));
    } catch (error) {
      await instance.http.stop();
      throw error;
    }
  } catch (error) {
    await database?.drop(); // a failed start must not leave a test database behind
    throw error;
  }
  const post = async <Data>(query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: testRequestBody({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse<Data>, 'status'>;
    return { status: response.status, ...withChangesApart(body) };
  };
  return {
    instance,
    url,
    auth,
    post,
    query: async <Data>(query: string, variables: Record<string, unknown> = {}, caller?: Partial<Caller>) =>
      post<Data>(query, variables, await auth.headers(instance.name, caller, { query, variables })),
    statementCount: () => instance.database.statementCount(),
    async statementsDuring(action) {
      const before = instance.database.statementCount();
      await action();
      return instance.database.statementCount() - before;
    },
    async stop() {
      try {
        await instance.http.stop();
      } finally {
        await database?.drop();
      }
    },
  };
}

/** `extensions.code` and `extensions.argument` of each error, for compact assertions. */
export function errorCodes(response: Pick<GraphQLResponse<unknown>, 'errors'>): { code: unknown; argument: unknown }[] {
  return (response.errors ?? []).map((error) => ({ code: error.extensions?.code, argument: error.extensions?.argument }));
}

/** The `extensions` (and message) of the only error of a response; fails on none or several. */
export function onlyErrorOf(response: Pick<GraphQLResponse<unknown>, 'errors'>): Record<string, unknown> & { message: string } {
  if (response.errors?.length !== 1) throw new Error(`expected exactly one error, got ${JSON.stringify(response.errors)}`);
  const [error] = response.errors;
  return { ...error!.extensions, message: error!.message };
}

function withChangesApart<Body extends { extensions?: Record<string, unknown> }>(body: Body): Body & { changed?: ChangedRecord[] } {
  const report = body.extensions?.[CHANGES_EXTENSION] as ChangeReport | undefined;
  if (!report) return body;
  const { [CHANGES_EXTENSION]: _report, ...extensions } = body.extensions!;
  const { extensions: _all, ...rest } = body;
  return { ...rest, ...(Object.keys(extensions).length > 0 ? { extensions } : {}), changed: report.records } as Body & { changed?: ChangedRecord[] };
}

/**
 * A TCP port free on loopback right now, for a server a test or a tool starts as a child
 * process (in-process servers listen on port 0 themselves). Chosen below Linux's ephemeral
 * range (32768–60999): a port the kernel handed out for port 0 is just as likely to be
 * given next to some process's outgoing connection before the child binds it — which
 * happened in CI. Another listener could still take it; the child then stops naming it.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(candidate)) return candidate;
  }
  throw new Error('no free port found between 20000 and 32000 on 127.0.0.1');
}

function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
