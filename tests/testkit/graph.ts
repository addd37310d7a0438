/**
 * Starts the real graph in-process for end-to-end tests: the four subgraphs on free
 * loopback ports (PGlite in memory, or one fresh PostgreSQL database with a schema
 * per subgraph), and the gateway serving the committed supergraph, pointed at them.
 * `stop()` closes every server and drops the database.
 */
import { createService as createForensics } from '@mission-graph/forensics';
import { createGateway } from '@mission-graph/gateway';
import { createService as createOperations } from '@mission-graph/operations';
import { createService as createPoliceCooperation } from '@mission-graph/police-cooperation';
import type { HttpService, SubgraphFactory, SubgraphInstance } from '@mission-graph/service-kit';
import { createTestDatabase } from '@mission-graph/service-kit/testing';
import { createService as createSpecialistChambers } from '@mission-graph/specialist-chambers';
import { SUPERGRAPH_PATH } from '../../scripts/supergraph.js';

export type Flavour = 'pglite' | 'postgres';

const factories: Record<string, SubgraphFactory> = {
  operations: createOperations,
  'police-cooperation': createPoliceCooperation,
  forensics: createForensics,
  'specialist-chambers': createSpecialistChambers,
};

export interface GraphQLResponse<Data = Record<string, unknown>> {
  status: number;
  data?: Data | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface RunningGraph {
  gatewayUrl: string;
  subgraphs: Record<string, SubgraphInstance & { url: string }>;
  /** POSTs an operation to the gateway. */
  query<Data = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<Data>>;
  stop(): Promise<void>;
}

export async function postGraphQL<Data>(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Omit<GraphQLResponse<Data>, 'status'>;
  return { status: response.status, ...json };
}

export async function startGraph(flavour: Flavour = 'pglite'): Promise<RunningGraph> {
  const database = await createTestDatabase(
    flavour === 'postgres' ? process.env.TEST_DATABASE_URL : '',
  );
  const subgraphs: RunningGraph['subgraphs'] = {};
  let gateway: HttpService | undefined;
  const stop = async () => {
    await gateway?.stop();
    await Promise.all(Object.values(subgraphs).map((subgraph) => subgraph.http.stop()));
    await database.drop();
  };
  try {
    // Sequential on PostgreSQL: four migrations creating schemas at once in one fresh
    // database is fine, but sequential start keeps failures readable.
    for (const [name, create] of Object.entries(factories)) {
      const instance = await create({ databaseUrl: database.url, seed: true, development: false });
      const { url } = await instance.http.listen(0);
      subgraphs[name] = { ...instance, url };
    }
    gateway = createGateway({
      supergraphPath: SUPERGRAPH_PATH,
      subgraphUrls: Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])),
      development: false,
    });
    const { url: gatewayUrl } = await gateway.listen(0);
    return {
      gatewayUrl,
      subgraphs,
      query: (query, variables, headers) => postGraphQL(gatewayUrl, { query, variables }, headers),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
