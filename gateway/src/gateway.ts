import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import {
  createHttpService,
  maskInternalErrors,
  scalarResolvers,
  type HttpService,
} from '@mission-graph/service-kit';
import { isScalarType, type GraphQLSchema } from 'graphql';
import { asBadUserInput } from './input-errors.js';
import { SubgraphDataSource } from './subgraph-data-source.js';

export interface GatewayOptions {
  /** Path of the composed supergraph (schema/supergraph.graphql). */
  supergraphPath: string;
  /** Subgraph name → URL, overriding the URLs written in the supergraph. */
  subgraphUrls?: Record<string, string>;
  /** Development mode: stack traces kept, local explorer. */
  development: boolean;
}

/**
 * The gateway: serves the committed supergraph (no live introspection), routes each
 * query plan fetch to its subgraph, and answers on `/` (explorer) and `/graphql`.
 */
export function createGateway(options: GatewayOptions): HttpService {
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(options.supergraphPath, 'utf8'),
    buildService: ({ name, url }) =>
      new SubgraphDataSource(name, options.subgraphUrls?.[name] ?? url ?? ''),
  });
  // The supergraph only names the custom scalars; give them the subgraphs' own
  // parsing, so a malformed date is refused at the gateway, naming its argument.
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => useScalarSemantics(apiSchema));
  const maskInternal = maskInternalErrors(options.development);
  let loaded = false;
  const apollo = new ApolloServer({
    gateway,
    includeStacktraceInErrorResponses: options.development,
    // main.ts stops the service itself (and closes its database) on SIGINT/SIGTERM.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => maskInternal(asBadUserInput(formatted, error), error),
    plugins: [
      options.development
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
        : ApolloServerPluginLandingPageProductionDefault(),
      { serverWillStart: async () => void (loaded = true) },
    ],
  });
  return createHttpService({
    apollo,
    graphqlPaths: ['/', '/graphql'],
    context: async () => ({}),
    isReady: async () => loaded,
  });
}

function useScalarSemantics(schema: GraphQLSchema): void {
  for (const [name, implementation] of Object.entries(scalarResolvers)) {
    const type = schema.getType(name);
    if (!isScalarType(type)) continue;
    type.parseValue = implementation.parseValue;
    type.parseLiteral = implementation.parseLiteral;
    type.serialize = implementation.serialize;
  }
}
