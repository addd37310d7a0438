/**
 * pnpm documents:check — validates every registered client's trusted documents (the
 * manifests config/clients.json points at, or CLIENTS_PATH) against the schema its
 * endpoint serves: schema/api.graphql or schema/external.graphql. Exit 1 naming each
 * client, operation and problem. Also run by tests/trusted-documents.e2e.spec.ts, so a
 * schema change that breaks a shipped operation fails CI.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'graphql';
import { checkTrustedDocuments, loadClientRegistry } from '@mission-graph/gateway/front-doors';
import { runCli } from '@mission-graph/service-kit';
import { API_SCHEMA_PATH, EXTERNAL_API_SCHEMA_PATH } from './contract.js';

const USAGE = `
Usage: pnpm documents:check

Validates the trusted documents of every client in config/clients.json (or the file
CLIENTS_PATH names) against the schema its endpoint serves (schema/api.graphql or
schema/external.graphql). Exit 1 naming each client, operation and problem.
`;

await runCli({ usage: USAGE, options: {} }, () => {
  const registryPath = process.env.CLIENTS_PATH ?? fileURLToPath(new URL('../config/clients.json', import.meta.url));
  const schemas = {
    internal: buildSchema(readFileSync(API_SCHEMA_PATH, 'utf8')),
    external: buildSchema(readFileSync(EXTERNAL_API_SCHEMA_PATH, 'utf8')),
  };
  const { problems, checked } = checkTrustedDocuments(loadClientRegistry(registryPath), (endpoint) => schemas[endpoint]);
  for (const { client, document, problem } of problems) console.error(`${client} / ${document}: ${problem}`);
  if (problems.length > 0) {
    console.error(`${problems.length} problem(s) in the trusted documents of ${registryPath}`);
    process.exit(1);
  }
  console.log(`${checked} trusted documents valid against the schemas their clients call`);
});
