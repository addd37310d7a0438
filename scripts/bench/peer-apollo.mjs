/* global process, console -- Node scripts in plain JavaScript (the bench runs them without tsx) */
/**
 * Peer 2 of `pnpm bench`: plain @apollo/gateway behind @apollo/server's standalone
 * server, defaults throughout (its own fetcher included), in front of the same subgraphs
 * and supergraph; one process. Its data source only adds the internal token
 * (peer-token.mjs), bound to the body Apollo's RemoteGraphQLDataSource is about to send.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { internalAuthorization, supergraphForThisRun } from './peer-token.mjs';

class InternalTokenDataSource extends RemoteGraphQLDataSource {
  async sendRequest(request, context) {
    // The same serialization RemoteGraphQLDataSource.sendRequest makes of this object.
    const { http, ...withoutHttp } = request;
    http.headers.set('authorization', await internalAuthorization(http.url, JSON.stringify(withoutHttp), context.purpose));
    return super.sendRequest(request, context);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: supergraphForThisRun(readFileSync(process.env.SUPERGRAPH_PATH, 'utf8')),
  buildService: ({ url }) => new InternalTokenDataSource({ url }),
});
const server = new ApolloServer({ gateway });
await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
  context: async ({ req }) => ({ purpose: req.headers['x-access-purpose'] }),
});
console.log('ready');
process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
