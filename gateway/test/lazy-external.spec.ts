/**
 * The external contract's pipeline is built on its first request, not at start
 * (src/lazy-endpoint.ts, docs/benchmarks.md "Memory"): checked in full at start all the
 * same — a broken contract supergraph still stops the gateway — built once however many
 * first requests arrive together, and answering as before. Its behaviour as a contract:
 * tests/external-contract.e2e.spec.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { newKeyPair, type GraphQLServer, type HttpService, type KeyPair } from '@mission-graph/service-kit';
import { createCallerVerifier } from '../src/authentication/caller-verifier.js';
import { loadClientRegistry } from '../src/clients/registry.js';
import { createGateway, type GatewayOptions } from '../src/gateway.js';
import { lazyEndpoint } from '../src/lazy-endpoint.js';
import { EXTERNAL_SUPERGRAPH_PATH } from '../../scripts/contract.js';
import { SUPERGRAPH_PATH } from '../../scripts/supergraph.js';

const CLIENTS_PATH = new URL('../../config/clients.json', import.meta.url).pathname;
const ISSUER = 'lazy-external-test';
const AUDIENCE = 'mission-graph';

describe('lazyEndpoint', () => {
  const fakeServer = (log: string[], fail = false): GraphQLServer => ({
    start: async () => {
      log.push('start');
      if (fail) throw new Error('broken');
    },
    stop: async () => void log.push('stop'),
    executeHTTPGraphQLRequest: async () => {
      log.push('execute');
      return { status: 200, headers: new Map() as never, body: { kind: 'complete', string: '{}' } };
    },
  });
  const request = { httpGraphQLRequest: { method: 'POST', headers: new Map() as never, search: '', body: {} }, context: async () => ({}) };

  it('checks at start by building, starting and dropping; builds again on first use, once for concurrent requests', async () => {
    const log: string[] = [];
    let builds = 0;
    const endpoint = lazyEndpoint(() => (builds += 1, fakeServer(log)));
    await endpoint.start();
    expect(log).toEqual(['start', 'stop']);
    expect(endpoint.built).toBe(false);
    await Promise.all(Array.from({ length: 10 }, () => endpoint.executeHTTPGraphQLRequest(request)));
    expect(builds).toBe(2);
    expect(log.filter((entry) => entry === 'start')).toHaveLength(2);
    expect(log.filter((entry) => entry === 'execute')).toHaveLength(10);
    await endpoint.stop();
    expect(log.at(-1)).toBe('stop');
    await expect(endpoint.executeHTTPGraphQLRequest(request)).rejects.toThrow('stopped');
  });

  it('a failing check fails the start; a failing first build fails its requests and is tried again', async () => {
    await expect(lazyEndpoint(() => fakeServer([], true)).start()).rejects.toThrow('broken');
    const log: string[] = [];
    let fail = true;
    const endpoint = lazyEndpoint(() => fakeServer(log, fail));
    const first = await Promise.allSettled([endpoint.executeHTTPGraphQLRequest(request), endpoint.executeHTTPGraphQLRequest(request)]);
    expect(first.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(log).toEqual(['start']); // one build for both
    fail = false;
    await endpoint.executeHTTPGraphQLRequest(request);
    expect(log).toEqual(['start', 'start', 'execute']);
    await endpoint.stop();
  });

  it('stopping an endpoint never used builds nothing', async () => {
    const log: string[] = [];
    const endpoint = lazyEndpoint(() => fakeServer(log));
    await endpoint.stop();
    expect(log).toEqual([]);
  });
});

describe('the gateway builds the external contract on first use', () => {
  let callerKey: KeyPair;
  let internalKey: KeyPair;
  let work: string;
  const started: HttpService[] = [];

  beforeAll(async () => {
    callerKey = (await newKeyPair('lazy-external-caller')).pair;
    internalKey = (await newKeyPair('lazy-external-internal')).pair;
    work = mkdtempSync(path.join(tmpdir(), 'lazy-external-'));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(started.splice(0).map((service) => service.stop()));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const gatewayWith = (externalSupergraphPath: string): HttpService => {
    const options: GatewayOptions = {
      supergraphPath: SUPERGRAPH_PATH,
      // No subgraph runs: introspection is answered by the gateway alone.
      subgraphUrls: Object.fromEntries(
        ['operations', 'police-cooperation', 'forensics', 'specialist-chambers', 'audit'].map((name) => [name, 'http://127.0.0.1:9/graphql']),
      ),
      development: false,
      verifyCaller: createCallerVerifier({ publicJwks: [callerKey.publicJwk], issuer: ISSUER, audience: AUDIENCE }),
      internalTokenKey: internalKey,
      unauthorizedMode: 'filter',
      auditSink: { record: async () => ({}) as never },
      externalSupergraphPath,
      clients: loadClientRegistry(CLIENTS_PATH),
    };
    const service = createGateway(options);
    started.push(service);
    return service;
  };
  const sandboxToken = () =>
    new SignJWT({ scope: 'police-cooperation:read statistics:read', client_id: 'external-sandbox' })
      .setProtectedHeader({ alg: 'ES256', kid: callerKey.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('external-sandbox')
      .setExpirationTime('5m')
      .sign(callerKey.privateKey);

  it('answers the first requests, arriving together, from one build of the contract', async () => {
    const loads = vi.spyOn(ApolloGateway.prototype, 'load');
    const gateway = gatewayWith(EXTERNAL_SUPERGRAPH_PATH);
    const { url } = await gateway.listen(0);
    // At start: the internal API, and the contract's check (built, started, dropped).
    expect(loads).toHaveBeenCalledTimes(2);
    const external = new URL('/external/graphql', url);
    const query = '{ __schema { queryType { fields { name } } mutationType { name } } }';
    const token = await sandboxToken();
    const answers = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const response = await fetch(external, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query }),
        });
        return { status: response.status, body: (await response.json()) as { data?: { __schema: { queryType: { fields: { name: string }[] }; mutationType: unknown } } } };
      }),
    );
    expect(loads).toHaveBeenCalledTimes(3);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.data!.__schema.mutationType).toBeNull();
      expect(answer.body).toEqual(answers[0]!.body);
    }
    // The contract's root fields, not the internal API's.
    const fields = answers[0]!.body.data!.__schema.queryType.fields.map((field) => field.name);
    expect(fields).not.toContain('missingPersons');
    expect(fields.length).toBeGreaterThan(0);
  });

  it('a contract supergraph that does not parse, or does not build, still stops the start', async () => {
    const unparsable = path.join(work, 'unparsable.graphql');
    writeFileSync(unparsable, 'type Query {');
    await expect(gatewayWith(unparsable).listen(0)).rejects.toThrow(/Syntax Error/);
    const unbuildable = path.join(work, 'unbuildable.graphql');
    // Valid GraphQL, not a valid supergraph: a field of a type nobody defines.
    writeFileSync(unbuildable, `${readFileSync(EXTERNAL_SUPERGRAPH_PATH, 'utf8')}\nextend type Query { nowhere: NoSuchType }\n`);
    await expect(gatewayWith(unbuildable).listen(0)).rejects.toThrow(/NoSuchType/);
  });
});
