import { runMain } from '@mission-graph/service-kit';
import { readGatewayEnv, subgraphUrlOverrides } from './config.js';
import { createGateway } from './gateway.js';

void runMain(async () => {
  const env = readGatewayEnv();
  const gateway = createGateway({
    supergraphPath: env.SUPERGRAPH_PATH,
    subgraphUrls: subgraphUrlOverrides(env),
    development: env.NODE_ENV === 'development',
  });
  const { url } = await gateway.listen(env.PORT, env.HOST);
  console.log(`gateway ready at ${url}`);
  const stop = () => void gateway.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
