import type { Database } from './database.js';
import { readConfig, runMain, subgraphEnv } from './config.js';
import type { HttpService } from './http.js';

/** How every subgraph is built; `pnpm start`, `--filter <pkg> start` and the tests all use it. */
export interface SubgraphOptions {
  /** PostgreSQL URL; without it, embedded PGlite. */
  databaseUrl?: string | undefined;
  /** Embedded data directory root (`.data`); without it (and without databaseUrl), in memory. */
  dataDir?: string | undefined;
  /** Seed synthetic data on first start (default true). */
  seed?: boolean;
  /** Development mode: errors keep their stack traces. */
  development?: boolean;
}

export interface SubgraphInstance {
  name: string;
  http: HttpService;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subgraph has its own table schema
  database: Database<any>;
}

export type SubgraphFactory = (options: SubgraphOptions) => Promise<SubgraphInstance>;

/** `main.ts` of every subgraph: validate env, build, listen, stop cleanly on signals. */
export function runSubgraphMain(defaultPort: number, create: SubgraphFactory): void {
  void runMain(async () => {
    const env = readConfig(subgraphEnv(defaultPort));
    const instance = await create({
      databaseUrl: env.DATABASE_URL,
      dataDir: env.DATA_DIR,
      seed: env.SEED,
      development: env.NODE_ENV === 'development',
    });
    const { url } = await instance.http.listen(env.PORT, env.HOST);
    console.log(`${instance.name} subgraph ready at ${url} (${instance.database.driver})`);
    const stop = () => {
      void instance.http.stop().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
