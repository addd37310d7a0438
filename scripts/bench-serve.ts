/**
 * The graph of this tree, started for a load generator in another process
 * (`pnpm bench --against`): prints one JSON line (gateway URL and caller tokens) and
 * runs until its standard input closes.
 */
import { ALL_SCOPES } from '@mission-graph/service-kit';
import { startGraph } from '../tests/testkit/graph.js';

const graph = await startGraph();
const ttl = 3600;
console.log(
  JSON.stringify({
    gatewayUrl: graph.gatewayUrl,
    all: await graph.token(ALL_SCOPES, { ttl }),
    narrow: await graph.token(['forensics:read'], { ttl }),
  }),
);
process.stdin.resume();
process.stdin.on('end', () => {
  void graph.stop().then(() => process.exit(0));
});
