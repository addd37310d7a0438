/**
 * pnpm compose — writes schema/supergraph.graphql from the subgraph SDL files, then the
 * schema files derived from it (scripts/contract.ts): the external contract's supergraph
 * and API schema, and the internal API schema.
 * Fails (exit 1) on composition errors and on hints: a hint today is a bug tomorrow.
 */
import { writeFileSync } from 'node:fs';
import { runCli } from '@mission-graph/service-kit';
import { derivedSchemaFiles } from './contract.js';
import { composeSupergraph, SUPERGRAPH_PATH } from './supergraph.js';

const USAGE = `
Usage: pnpm compose

Composes the subgraphs' SDL files into schema/supergraph.graphql, then writes the files
derived from it: schema/external.supergraph.graphql and schema/external.graphql (the
contract of @tag(name: "external") for other systems) and schema/api.graphql (the internal
API schema for frontend code generators). Fails (exit 1) on composition errors and on hints.
`;

await runCli({ usage: USAGE, options: {} }, () => {
  const { supergraphSdl, errors, hints } = composeSupergraph();
  for (const message of [...errors, ...hints]) console.error(message);
  if (!supergraphSdl || errors.length > 0 || hints.length > 0) process.exit(1);
  writeFileSync(SUPERGRAPH_PATH, supergraphSdl);
  console.log(`wrote ${SUPERGRAPH_PATH}`);
  for (const file of derivedSchemaFiles(supergraphSdl)) {
    writeFileSync(file.path, file.content);
    console.log(`wrote ${file.path}`);
  }
});
