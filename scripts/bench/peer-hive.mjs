/* global process, console -- Node scripts in plain JavaScript (the bench runs them without tsx) */
/**
 * Peer 1 of `pnpm bench`: Hive Gateway (@graphql-hive/gateway) with its default settings,
 * in front of the same subgraphs and supergraph; one process, one plugin that adds the
 * internal token to each subgraph request (peer-token.mjs). PORT, SUPERGRAPH_PATH,
 * SUBGRAPH_URL_*, INTERNAL_TOKEN_PRIVATE_KEY from the environment.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { internalAuthorization, supergraphForThisRun } from './peer-token.mjs';

const supergraph = path.join(tmpdir(), `mission-graph-bench-hive-${process.pid}.graphql`);
writeFileSync(supergraph, supergraphForThisRun(readFileSync(process.env.SUPERGRAPH_PATH, 'utf8')));

/** @type {import('@graphql-hive/gateway').GatewayPlugin} */
const internalToken = {
  onFetch: async ({ url, options, setOptions, context }) => {
    const purpose = context?.request?.headers?.get('x-access-purpose') ?? undefined;
    const authorization = await internalAuthorization(url, String(options.body ?? ''), purpose);
    setOptions({ ...options, headers: { ...options.headers, authorization } });
  },
};

const gateway = createGatewayRuntime({ supergraph, plugins: () => [internalToken] });
const server = createServer(gateway);
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
