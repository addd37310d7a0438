/**
 * pnpm compose — writes schema/supergraph.graphql from the subgraph SDL files, then the
 * schema files derived from them (api.graphql, the external contract: scripts/contract.ts).
 * Fails (exit 1) on composition errors and on hints: a hint today is a bug tomorrow.
 */
import { writeFileSync } from 'node:fs';
import { derivedSchemaFiles } from './contract.js';
import { composeSupergraph, SUPERGRAPH_PATH } from './supergraph.js';

const { supergraphSdl, errors, hints } = composeSupergraph();
for (const message of [...errors, ...hints]) console.error(message);
if (!supergraphSdl || errors.length > 0 || hints.length > 0) process.exit(1);
writeFileSync(SUPERGRAPH_PATH, supergraphSdl);
console.log(`wrote ${SUPERGRAPH_PATH}`);
for (const file of derivedSchemaFiles(supergraphSdl)) {
  writeFileSync(file.path, file.content);
  console.log(`wrote ${file.path}`);
}
