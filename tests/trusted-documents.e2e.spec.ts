/**
 * Trusted documents: shipped clients send `documentId` from their manifest; a client
 * marked trusted-only gets OPERATION_NOT_TRUSTED for query text and
 * PERSISTED_QUERY_NOT_FOUND for an id outside its own manifest. `pnpm documents:check`
 * validates every manifest against the schema its client calls, and the example
 * frontend's generated types and manifest are what `pnpm codegen` produces now.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { buildSchema, parse, print, visit } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkTrustedDocuments,
  clientRegistry,
  documentHash,
  loadClientRegistry,
  parseManifest,
} from '@mission-graph/gateway/front-doors';
import { ConfigError } from '@mission-graph/service-kit';
import codegenConfig from '../codegen.js';
import { CaseDetailDocument, CaseListDocument, ForensicsYearlyFiguresDocument } from '../examples/forensics-web/generated/graphql.js';
import { createGraphClient } from '../examples/forensics-web/src/graph-client.js';
import { API_SCHEMA_PATH, EXTERNAL_API_SCHEMA_PATH } from '../scripts/contract.js';
import { CLIENTS_PATH, postGraphQL, startGraph, type RunningGraph } from './testkit/graph.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(file, 'utf8');
const europolManifest = JSON.parse(read(path.join(root, 'config/documents/europol-statistics-feed.json'))) as {
  operations: { id: string; name: string; body: string }[];
};

describe('pnpm documents:check', () => {
  const registry = loadClientRegistry(CLIENTS_PATH);
  const schemas = { internal: buildSchema(read(API_SCHEMA_PATH)), external: buildSchema(read(EXTERNAL_API_SCHEMA_PATH)) };

  it('finds every shipped operation valid against the schema its client calls', () => {
    const { problems, checked } = checkTrustedDocuments(registry, (endpoint) => schemas[endpoint]);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('names the client, the operation and the field when a schema change breaks a shipped operation', () => {
    // What a breaking change would look like: `europolRequests` renamed in the contract.
    const changed = buildSchema(print(visit(parse(read(EXTERNAL_API_SCHEMA_PATH)), {
      FieldDefinition: (node) => (node.name.value === 'europolRequests' ? { ...node, name: { ...node.name, value: 'europolExchanges' } } : undefined),
    })));
    const { problems } = checkTrustedDocuments(registry, (endpoint) => (endpoint === 'external' ? changed : schemas.internal));
    expect(problems).toEqual([
      {
        client: 'europol-statistics-feed',
        document: 'MissionFigures',
        problem: expect.stringMatching(/^Cannot query field "europolRequests" on type "PoliceCooperationFigures"/),
      },
    ]);
  });

  it('refuses a manifest whose id is not the hash of its text (an edited document nobody re-reviewed)', () => {
    const body = 'query Edited { securityResponders { code } }';
    expect(() => parseManifest({ [documentHash('query Original { securityResponders { code } }')]: body }, 'tampered.json')).toThrow(ConfigError);
    expect(() => parseManifest({ 'sha256:nothex': body }, 'bad.json')).toThrow(/not a SHA-256/);
    expect(parseManifest({ [`sha256:${documentHash(body)}`]: body }, 'ok.json')).toEqual([{ id: documentHash(body), body }]);
  });

  it('refuses at start a registry where a trusted-only client has no manifest', () => {
    expect(() =>
      clientRegistry(
        { principalRateLimit: { quota: 1, windowSeconds: 1 }, clients: [{ id: 'app', description: 'x', endpoint: 'internal', rateLimit: { quota: 1, windowSeconds: 1 }, trustedDocumentsOnly: true }] },
        root,
      ),
    ).toThrow(/clients\.0\.documents: trustedDocumentsOnly needs a documents manifest/);
  });
});

describe('pnpm codegen', () => {
  it('has produced exactly the committed types and manifest of the example frontend (run `pnpm codegen` if not)', async () => {
    const outputs = await generate({ ...codegenConfig, cwd: root, silent: true }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(read(path.resolve(root, output.filename)), output.filename).toBe(output.content);
    }
  });
});

describe('trusted documents through the gateway', () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph();
  });
  afterAll(async () => {
    await graph?.stop();
  });

  /** A person signed in to the forensics web app: the token's azp names the app. */
  const appUserToken = (scopes: string[]) => graph.token(scopes, { subject: 'forensic-officer-3', claims: { azp: 'forensics-web' } });
  const europolToken = () => graph.token(['statistics:read'], { subject: 'europol-statistics-feed', claims: { client_id: 'europol-statistics-feed' } });

  it('runs the app’s typed operations by documentId (typed results, purpose where personal data is read)', async () => {
    const execute = createGraphClient({ url: graph.gatewayUrl, token: () => appUserToken(['forensics:read', 'forensics:personal', 'statistics:read']) });
    const list = await execute(CaseListDocument, { first: 2 });
    expect(list.errors).toBeUndefined();
    const first = list.data!.missingPersons.edges[0]!.node;
    expect(first.caseNumber).toMatch(/^MP-/);
    const detail = await execute(CaseDetailDocument, { id: first.id }, 'CASE-2025-031: family tracing review');
    expect(detail.errors).toBeUndefined();
    expect(detail.data!.missingPerson!.fullName).toEqual(expect.any(String));
    const figures = await execute(ForensicsYearlyFiguresDocument, { from: '2008-12-09', to: '2025-06-14' });
    expect(figures.data!.forensicsStatistics.groups.reduce((sum, group) => sum + (group.fieldOperations ?? 0), 0)).toBe(873);
  });

  it('refuses query text from a trusted-only client with OPERATION_NOT_TRUSTED, before anything runs', async () => {
    const marks = Object.values(graph.subgraphs).map((subgraph) => subgraph.received.length);
    const response = await postGraphQL(graph.gatewayUrl, { query: '{ missingPersons(first: 1) { totalCount } }' }, { authorization: `Bearer ${await appUserToken(['forensics:read'])}` });
    expect(response.status).toBe(403);
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_NOT_TRUSTED', clientId: 'forensics-web' });
    expect(Object.values(graph.subgraphs).map((subgraph) => subgraph.received.length)).toEqual(marks);
  });

  it('answers PERSISTED_QUERY_NOT_FOUND for an id outside the client’s own manifest, including another client’s', async () => {
    const token = `Bearer ${await appUserToken(['statistics:read'])}`;
    const unknown = await postGraphQL(graph.gatewayUrl, { documentId: `sha256:${'0'.repeat(64)}` }, { authorization: token });
    expect(unknown.status).toBe(400);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'PERSISTED_QUERY_NOT_FOUND' });
    const othersDocument = await postGraphQL(graph.gatewayUrl, { documentId: europolManifest.operations[0]!.id, variables: { from: '2018-06-01', to: '2025-06-14' } }, { authorization: token });
    expect(othersDocument.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('cannot register new text under a hash (no automatic persisted queries), nor smuggle text beside a trusted id', async () => {
    const token = `Bearer ${await appUserToken(['forensics:read', 'forensics:personal'])}`;
    const text = '{ missingPersons(first: 1) { edges { node { fullName } } } }';
    const register = await postGraphQL(graph.gatewayUrl, { query: text, extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(text) } } }, { authorization: token });
    expect(register.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // A trusted id with other text: the manifest's text runs, not the text sent.
    const hash = (CaseListDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;
    const smuggled = await postGraphQL<{ missingPersons: Record<string, unknown> }>(
      graph.gatewayUrl,
      { query: text, extensions: { persistedQuery: { version: 1, sha256Hash: hash.slice('sha256:'.length) } }, variables: { first: 1 } },
      { authorization: token, 'x-access-purpose': 'CASE-1: test' },
    );
    expect(smuggled.errors).toBeUndefined();
    expect(Object.keys(smuggled.data!.missingPersons).sort()).toEqual(['edges', 'pageInfo', 'totalCount']);
    expect(JSON.stringify(smuggled.data)).not.toContain('fullName');
  });

  it('serves an external machine client its trusted documents on /external/graphql (Apollo manifest), and only those', async () => {
    const token = `Bearer ${await europolToken()}`;
    const figures = europolManifest.operations.find((operation) => operation.name === 'MissionFigures')!;
    const answered = await postGraphQL<{ missionReport: { policeCooperation: Record<string, number> } }>(
      graph.externalUrl,
      { documentId: figures.id, variables: { from: '2018-06-01', to: '2025-06-14' } },
      { authorization: token },
    );
    expect(answered.errors).toBeUndefined();
    expect(answered.data!.missionReport.policeCooperation).toEqual({ europolRequests: 1871, serbianMoiRequests: 3653, interpolRequests: 14645, suppressed: false });
    const text = await postGraphQL(graph.externalUrl, { query: figures.body, variables: { from: '2018-06-01', to: '2025-06-14' } }, { authorization: token });
    expect(text.status).toBe(403);
    expect(text.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_TRUSTED');
  });

  it('accepts documentId on GET too (with the CSRF preflight header)', async () => {
    const figures = europolManifest.operations.find((operation) => operation.name === 'MissionFigures')!;
    const search = new URLSearchParams({ documentId: figures.id, variables: JSON.stringify({ from: '2018-06-01', to: '2018-06-30' }) });
    const response = await fetch(`${graph.externalUrl}?${search}`, {
      headers: { authorization: `Bearer ${await europolToken()}`, 'apollo-require-preflight': 'true' },
    });
    const body = (await response.json()) as { data?: { missionReport: unknown }; errors?: unknown };
    expect(response.status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.missionReport).toBeTruthy();
  });

  it('lets a client that is not trusted-only send query text (the external sandbox)', async () => {
    const token = await graph.token(['statistics:read'], { subject: 'external-sandbox', claims: { client_id: 'external-sandbox' } });
    const response = await postGraphQL(graph.externalUrl, { query: '{ securityResponders { code } }' }, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(200);
  });
});
