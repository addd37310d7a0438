import type { GraphQLServer } from '@mission-graph/service-kit';

/**
 * An endpoint whose Apollo server is built on its first request, not at start.
 *
 * Why: the external contract (`/external/graphql`) is a whole second pipeline — an
 * @apollo/gateway with its supergraph schema, API schema, query graph and planner, the
 * supergraph's AST and token stream, and our rules and cost model over it: about 7 MiB
 * of live heap (docs/benchmarks.md, "Memory"), held from start even by a gateway whose
 * callers never use the contract. A live heap that much larger also lets V8 grow the
 * heap further between full collections, so the resident size after load pays for it
 * more than once.
 *
 * What does not change: the contract is still checked in full at start. `start()` builds
 * the pipeline exactly as serving would (reading the supergraph, our rules and cost
 * model, Apollo's composition checks and query planner), starts it, and drops it: a
 * broken contract stops the gateway from starting, as before. The first request builds
 * it again, once: concurrent first requests wait for the same build. A build that fails
 * then (the file changed on disk since start) answers that request with an error and is
 * tried again by the next one.
 */
export function lazyEndpoint(build: () => GraphQLServer): GraphQLServer & { readonly built: boolean } {
  let serving: Promise<GraphQLServer> | undefined;
  let stopped = false;
  const serve = (): Promise<GraphQLServer> => {
    if (serving) return serving;
    const attempt = (async () => {
      const server = build();
      await server.start();
      return server;
    })();
    serving = attempt;
    attempt.catch(() => {
      if (serving === attempt) serving = undefined;
    });
    return attempt;
  };
  return {
    get built() {
      return serving !== undefined;
    },
    async start() {
      // The same checks serving runs; the structures they build are dropped at once.
      const probe = build();
      await probe.start();
      await probe.stop();
    },
    async executeHTTPGraphQLRequest(request) {
      if (stopped) throw new Error('the endpoint is stopped');
      return (await serve()).executeHTTPGraphQLRequest(request);
    },
    async stop() {
      stopped = true;
      const server = await serving?.catch(() => undefined);
      await server?.stop();
    },
  };
}
