/**
 * pnpm --silent run internal-key — prints a new key pair for gateway → subgraph tokens,
 * as the two environment variables production needs:
 *   INTERNAL_TOKEN_PRIVATE_KEY (gateway only) and INTERNAL_TOKEN_PUBLIC_KEY (every subgraph).
 * Keep the private one in the gateway's secret store; it never goes to a subgraph.
 */
import { randomUUID } from 'node:crypto';
import { newKeyPair, runCli } from '@mission-graph/service-kit';

const USAGE = `
Usage: pnpm --silent run internal-key

Prints a new gateway → subgraph key pair as two environment variables:
INTERNAL_TOKEN_PRIVATE_KEY (the gateway only) and INTERNAL_TOKEN_PUBLIC_KEY (every subgraph).
`;

await runCli({ usage: USAGE, options: {} }, async () => {
  const { pair, privateJwk } = await newKeyPair(`internal-${randomUUID().slice(0, 8)}`);
  process.stdout.write(`INTERNAL_TOKEN_PRIVATE_KEY='${JSON.stringify(privateJwk)}'\n`);
  process.stdout.write(`INTERNAL_TOKEN_PUBLIC_KEY='${JSON.stringify(pair.publicJwk)}'\n`);
});
