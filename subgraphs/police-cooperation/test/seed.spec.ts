import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnEachDatabase } from '@mission-graph/service-kit/testing/suites';
import type { SubgraphOptions } from '@mission-graph/service-kit';
import {
  createTestDatabase,
  createTestInternalAuth,
  type TestDatabase,
  type TestInternalAuth,
} from '@mission-graph/service-kit/testing';
import { createService } from '../src/service.js';

const NEWEST = /* GraphQL */ `{
  informationExchangeRequests(first: 1) {
    totalCount
    edges { node { id reference channel direction requestDate answeredOn status subject } }
  }
}`;

/** Starts the service on a persistent database, asks NEWEST (as the gateway would), stops it again. */
async function startQueryStop(
  auth: TestInternalAuth,
  options: Omit<SubgraphOptions, 'internalTokenKey'>,
): Promise<unknown> {
  const instance = await createService({ ...options, internalTokenKey: auth.keyPair.publicKey });
  try {
    const { url } = await instance.http.listen(0);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await auth.headers('police-cooperation', {}, JSON.stringify({ query: NEWEST }))) },
      body: JSON.stringify({ query: NEWEST }),
    });
    return await response.json();
  } finally {
    await instance.http.stop();
  }
}

describeOnEachDatabase('seed', (flavour) => {
  let options: Omit<SubgraphOptions, 'internalTokenKey'>;
  let testDatabase: TestDatabase | undefined;
  let dataDir: string | undefined;
  let auth: TestInternalAuth;

  beforeAll(async () => {
    auth = await createTestInternalAuth();
    if (flavour === 'postgres') {
      testDatabase = await createTestDatabase();
      options = { databaseUrl: testDatabase.url };
    } else {
      dataDir = mkdtempSync(path.join(tmpdir(), 'police-cooperation-seed-'));
      options = { dataDir };
    }
  });
  afterAll(async () => {
    await testDatabase?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts empty when seeding is off', async () => {
    expect(await startQueryStop(auth, { ...options, seed: false })).toEqual({
      data: { informationExchangeRequests: { totalCount: 0, edges: [] } },
    });
  });

  it('seeds the same records on every database and never twice', async () => {
    const expected = {
      data: {
        informationExchangeRequests: {
          totalCount: 20_608,
          edges: [
            {
              node: {
                id: 'f55193bb-434c-27b4-3399-84a866248e79',
                reference: 'INT-2026-014834',
                channel: 'INTERPOL',
                direction: 'RECEIVED',
                requestDate: '2026-10-31',
                answeredOn: '2026-10-31',
                status: 'ANSWERED',
                subject: 'Subject PC-020608 (synthetic)',
              },
            },
          ],
        },
      },
    };
    expect(await startQueryStop(auth, { ...options, seed: true })).toEqual(expected);
    expect(await startQueryStop(auth, { ...options, seed: true })).toEqual(expected);
  });
});
