import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode } from 'graphql';
import type { CryptoKey } from 'jose';
import { readAccessRules } from './authorization/access-rules.js';
import type { Caller } from './authorization/caller.js';
import { enforceContract, readContract } from './authorization/contract-guard.js';
import { enforceAccessRules } from './authorization/enforce-rules.js';
import { unauthenticated, verifyInternalToken } from './authorization/internal-token.js';
import { changeReportPlugin } from './change-report.js';
import { maskInternalErrors } from './format-error.js';
import { createHttpService, type HttpService, type HttpServiceOptions } from './http.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';
import { operationReportPlugin } from './operation-report.js';
import { storableTextPlugin } from './storable-text.js';

/** Reads a subgraph's `.graphql` SDL file (kept beside its resolvers). */
export function loadTypeDefs(fileUrl: URL): DocumentNode {
  return parse(readFileSync(fileUrl, 'utf8'));
}

export interface SubgraphServiceOptions<Ctx extends BaseContext> {
  /** Subgraph name: the audience its internal tokens must be addressed to. */
  name: string;
  typeDefs: DocumentNode;
  /** Resolver map; typed loosely here, each subgraph types its own. */
  resolvers: object;
  /** The gateway's public key for internal tokens. */
  internalTokenKey: CryptoKey;
  /** Sees the text of every operation received. */
  onOperation?: (query: string) => void;
  context: (request: IncomingMessage) => Promise<Ctx>;
  /** HTTP routes answered before GraphQL. */
  routes?: HttpServiceOptions<Ctx & CallerContext>['routes'];
  isReady: () => Promise<boolean>;
  development: boolean;
  onStop?: () => Promise<void>;
  logger?: Logger | undefined;
  metrics?: ServiceMetrics | undefined;
  shutdownTimeoutMs?: number;
}

/** What every subgraph resolver finds in its context, besides the subgraph's own. */
export interface CallerContext {
  caller: Caller;
}

/**
 * The one context shape of every subgraph (docs/subgraph-conventions.md): the database
 * (for transactions across stores, e.g. `recordOnce`), the stores built once per service,
 * this request's loaders, and the caller the kit adds from the internal token.
 */
export interface SubgraphContext<Database, Stores, Loaders> extends CallerContext {
  db: Database;
  stores: Stores;
  loaders: Loaders;
}

/**
 * A federation subgraph behind the shared HTTP face. It answers only requests that
 * carry the gateway's internal token for this subgraph (401 otherwise, `_service` and
 * `_entities` included), and enforces its own SDL's access rules on what it resolves.
 */
export function createSubgraphService<Ctx extends BaseContext>(
  options: SubgraphServiceOptions<Ctx>,
): HttpService {
  const schema = buildSubgraphSchema({
    typeDefs: options.typeDefs,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subgraph types its own map
    resolvers: options.resolvers as any,
  });
  const callerOf = (context: unknown) => (context as CallerContext).caller;
  enforceAccessRules(schema, readAccessRules(options.typeDefs), callerOf);
  // Requests through the external contract: only what this SDL tags for it (after the rules: it wraps their references).
  enforceContract(schema, readContract(options.typeDefs), callerOf);
  const apollo = new ApolloServer<Ctx & CallerContext>({
    schema,
    includeStacktraceInErrorResponses: options.development,
    // main.ts stops the service itself (and closes its database) on SIGINT/SIGTERM.
    stopOnTerminationSignals: false,
    formatError: maskInternalErrors(options.development),
    // No inline traces: they would carry timings and errors to whoever asks for them.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      operationReportPlugin(),
      // Callers that reach a subgraph around the gateway: NUL and lone surrogates refused here too.
      storableTextPlugin(),
      // What each mutation changed, reported to the gateway for its OUTCOME audit event.
      changeReportPlugin(),
      {
        requestDidStart: async ({ request }) => {
          if (request.query) options.onOperation?.(request.query);
        },
      },
    ],
  });
  return createHttpService({
    apollo,
    service: options.name,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: options.shutdownTimeoutMs } : {}),
    context: async (request, _signal, body) => {
      // The gateway only POSTs; a GET would carry its operation in the URL, outside the bound body.
      if (request.method !== 'POST') throw unauthenticated('This service only answers the gateway');
      // The token must be bound to this very body: a captured token cannot carry another query.
      const caller = await verifyInternalToken(request.headers.authorization, options.internalTokenKey, options.name, body);
      return { ...(await options.context(request)), caller };
    },
    isReady: options.isReady,
    ...(options.routes ? { routes: options.routes } : {}),
    ...(options.onStop ? { onStop: options.onStop } : {}),
  });
}
