import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { Caller } from './authorization/caller.js';
import { signInternalToken } from './authorization/internal-token.js';
import { newKeyPair, type KeyPair } from './authorization/keys.js';
import { ALL_SCOPES } from './authorization/scopes.js';

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
export const databaseFlavours: readonly ('pglite' | 'postgres')[] = process.env.TEST_DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite'];

/**
 * Internal-token keys for tests that start subgraphs directly: the subgraph gets the
 * public key, the test signs requests as the gateway would.
 */
export interface TestInternalAuth {
  keyPair: KeyPair;
  /** Headers of a request from the gateway to `audience` on behalf of a caller. */
  headers(audience: string, caller?: Partial<Caller>): Promise<Record<string, string>>;
}

export async function createTestInternalAuth(): Promise<TestInternalAuth> {
  const { pair } = await newKeyPair('test-internal');
  return {
    keyPair: pair,
    headers: async (audience, caller = {}) => ({
      authorization: `Bearer ${await signInternalToken(pair, audience, {
        authenticated: true,
        subject: 'test-principal',
        scopes: new Set(ALL_SCOPES),
        purpose: 'TEST-CASE-1: automated test',
        ...caller,
      })}`,
    }),
  };
}
