import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode } from 'graphql';
import { maskInternalErrors } from './format-error.js';
import { createHttpService, type HttpService } from './http.js';

/** Reads a subgraph's `.graphql` SDL file (kept beside its resolvers). */
export function loadTypeDefs(fileUrl: URL): DocumentNode {
  return parse(readFileSync(fileUrl, 'utf8'));
}

export interface SubgraphServiceOptions<Ctx extends BaseContext> {
  typeDefs: DocumentNode;
  /** Resolver map; typed loosely here, each subgraph types its own. */
  resolvers: object;
  context: (request: IncomingMessage) => Promise<Ctx>;
  isReady: () => Promise<boolean>;
  development: boolean;
  onStop?: () => Promise<void>;
}

/** A federation subgraph behind the shared HTTP face. */
export function createSubgraphService<Ctx extends BaseContext>(
  options: SubgraphServiceOptions<Ctx>,
): HttpService {
  const apollo = new ApolloServer<Ctx>({
    schema: buildSubgraphSchema({
      typeDefs: options.typeDefs,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subgraph types its own map
      resolvers: options.resolvers as any,
    }),
    includeStacktraceInErrorResponses: options.development,
    // main.ts stops the service itself (and closes its database) on SIGINT/SIGTERM.
    stopOnTerminationSignals: false,
    formatError: maskInternalErrors(options.development),
    // No inline traces: they would carry timings and errors to whoever asks for them.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
  });
  return createHttpService({
    apollo,
    context: options.context,
    isReady: options.isReady,
    ...(options.onStop ? { onStop: options.onStop } : {}),
  });
}
