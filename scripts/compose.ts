/**
 * pnpm compose — writes schema/supergraph.graphql from the subgraph SDL files.
 * Fails (exit 1) on composition errors and on hints: a hint today is a bug tomorrow.
 */
import { writeFileSync } from 'node:fs';
import { runCli } from '@mission-graph/service-kit';
import { composeSupergraph, SUPERGRAPH_PATH } from './supergraph.js';

const USAGE = `
Usage: pnpm compose

Composes the subgraphs' SDL files into schema/supergraph.graphql. Fails (exit 1) on
composition errors and on hints.
`;

await runCli({ usage: USAGE, options: {} }, () => {
  const { supergraphSdl, errors, hints } = composeSupergraph();
  for (const message of [...errors, ...hints]) console.error(message);
  if (!supergraphSdl || errors.length > 0 || hints.length > 0) process.exit(1);
  writeFileSync(SUPERGRAPH_PATH, supergraphSdl);
  console.log(`wrote ${SUPERGRAPH_PATH}`);
});
