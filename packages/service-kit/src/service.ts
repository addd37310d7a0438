import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { CryptoKey, JWK } from 'jose';
import type { z } from 'zod';
import { devKeyPair, publicKeyFromJwk } from './authorization/keys.js';
import { readConfig, requireInProduction, SUBGRAPH_PRODUCTION_REQUIRED, subgraphEnv, type EnvShape } from './config.js';
import { countRows, openDatabase, seedOnce, type Database, type Db } from './database.js';
import type { HttpService } from './http.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';
import { listenWhileStarting, runServiceMain, type ServiceProcess } from './service-process.js';
import { createSubgraphService, loadTypeDefs } from './subgraph.js';

/** File name (under `<DATA_DIR>/keys/`) of the development internal-token key pair. */
export const INTERNAL_TOKEN_KEY_NAME = 'internal-token';

/** How every subgraph is built; `pnpm start`, `--filter <pkg> start` and the tests all use it. */
export interface SubgraphOptions {
  /** PostgreSQL URL; without it, embedded PGlite. */
  databaseUrl?: string | undefined;
  /**
   * PostgreSQL URL of the role that owns the subgraph's schema and runs its migrations,
   * when the service itself connects (`databaseUrl`) as a role with fewer rights.
   * Default: `databaseUrl`.
   */
  migrationDatabaseUrl?: string | undefined;
  /** Embedded data directory root (`.data`); without it (and without databaseUrl), in memory. */
  dataDir?: string | undefined;
  /** Seed synthetic data on first start (default true). */
  seed?: boolean;
  /** Development mode: errors keep their stack traces. */
  development?: boolean;
  /** The gateway's public key: only requests with its internal token are answered. */
  internalTokenKey: CryptoKey;
  /** Sees every operation the subgraph receives (tests assert on what reached it). */
  onOperation?: (query: string) => void;
  /** Structured logs (default: none, as in tests). */
  logger?: Logger;
  /** The service's metrics registry (default: a fresh one). */
  metrics?: ServiceMetrics;
  /** Startup progress: `migrating`, `seeding`, `seeded` (with the row count), `ready`. */
  onProgress?: (phase: StartupPhase, detail?: { rows?: number }) => void;
  /** Bound on draining in-flight requests at stop. */
  shutdownTimeoutMs?: number;
  /**
   * Longest a database statement may run while answering a request, in ms (default 10 s):
   * `statement_timeout` on PostgreSQL; on PGlite, how long a request may keep starting statements.
   */
  statementTimeoutMs?: number;
}

/** Default bound on one database statement of a request (STATEMENT_TIMEOUT_MS). */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;

export type StartupPhase = 'migrating' | 'seeding' | 'seeded' | 'already seeded';

export interface SubgraphInstance {
  name: string;
  http: HttpService;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subgraph has its own table schema
  database: Database<any>;
}

/**
 * A subgraph's own environment variables, besides those every subgraph reads
 * (`subgraphEnv`): read and checked by `startSubgraph` with the others, and known to
 * the deployment checks (tests/deploy), so a manifest that lacks one fails there.
 */
export interface SubgraphEnvironment<Shape extends EnvShape = EnvShape, Options = object> {
  /** zod schema of each variable (`NAME_FILE` works for each, as for every variable). */
  shape: Shape;
  /** Of these, the ones production refuses to start without. */
  requiredInProduction: readonly (keyof Shape & string)[];
  /** The options of the subgraph's factory they make, from the variables read and checked. */
  options(env: z.infer<z.ZodObject<Shape>>): Options;
}

/**
 * A subgraph's own variables as the kit and the deployment checks read them, whatever
 * their names (`options` is a method, so a `SubgraphEnvironment` of any shape is one).
 */
export interface OwnEnvironment<Options = object> {
  shape: EnvShape;
  requiredInProduction: readonly string[];
  options(env: Record<string, unknown>): Options;
}

export type SubgraphFactory<Options extends SubgraphOptions = SubgraphOptions, Instance extends SubgraphInstance = SubgraphInstance> = ((
  options: Options,
) => Promise<Instance>) & {
  /** The subgraph's name, known before it is built (logs, the startup server). */
  serviceName?: string;
  /** Its own environment variables, if it reads any besides those of every subgraph. */
  environment?: OwnEnvironment<Partial<Options>>;
};

/**
 * `main.ts` of every subgraph: validate env, bind the port (liveness at once,
 * readiness 503 while migrating and seeding), build, serve, stop gracefully.
 */
export function runSubgraphMain(defaultPort: number, create: SubgraphFactory): void {
  runServiceMain(create.serviceName ?? 'subgraph', (running) => startSubgraph(defaultPort, create, running));
}

/**
 * Starts one subgraph from its environment: what `runSubgraphMain` does in its own
 * process, and what `pnpm start` does for each subgraph in one development process.
 */
export async function startSubgraph(
  defaultPort: number,
  create: SubgraphFactory,
  { logger, metrics, shutdownTimeoutMs }: Pick<ServiceProcess, 'logger' | 'metrics' | 'shutdownTimeoutMs'>,
  environment: Record<string, string | undefined> = process.env,
): Promise<HttpService> {
  const name = create.serviceName ?? 'subgraph';
  const env = readConfig(subgraphEnv(defaultPort), environment);
  const own = create.environment;
  const ownEnv = own ? readConfig(own.shape, environment) : {};
  // One message naming every missing variable, the subgraph's own included.
  requireInProduction({ ...ownEnv, ...env }, [...SUBGRAPH_PRODUCTION_REQUIRED, ...(own?.requiredInProduction ?? [])]);
  const ownOptions = own ? own.options(ownEnv) : {};
  const starting = await listenWhileStarting(name, env.PORT, env.HOST, logger, metrics);
  try {
    const internalTokenKey = env.INTERNAL_TOKEN_PUBLIC_KEY
      ? await publicKeyFromJwk(env.INTERNAL_TOKEN_PUBLIC_KEY as JWK)
      : (await devKeyPair(env.DATA_DIR, INTERNAL_TOKEN_KEY_NAME)).publicKey;
    const instance = await create({
      ...ownOptions,
      internalTokenKey,
      databaseUrl: env.DATABASE_URL,
      dataDir: env.DATA_DIR,
      seed: env.SEED,
      development: env.NODE_ENV === 'development',
      statementTimeoutMs: env.STATEMENT_TIMEOUT_MS,
      logger,
      metrics,
      shutdownTimeoutMs,
      onProgress: (phase, detail) => {
        starting.setPhase(phase);
        logger.info(phase === 'seeded' ? `seeded ${detail?.rows ?? 0} rows` : phase);
      },
    });
    const { url } = await instance.http.serve(starting.server);
    logger.info({ url, database: instance.database.driver }, `ready at ${url} (${instance.database.driver})`);
    return instance.http;
  } catch (error) {
    starting.server.close();
    throw error;
  }
}

/**
 * What a subgraph runs besides answering from its database — e.g. the audit trail, whose
 * checkpointer signs the chain's head on a timer. Prepared once the database is migrated
 * (and seeded), started when the service is built, stopped after in-flight requests
 * drained and before the database closes.
 */
export interface SubgraphRuntime {
  /** Readiness besides the database's (the audit service: its checkpoints are being written). */
  isReady?: () => boolean | Promise<boolean>;
  /** Starts background work (timers); called once the service is built, before it answers. */
  start?: () => void;
  /** Finishes background work; called at stop, before the database closes. */
  stop?: () => Promise<void>;
}

/** What makes one subgraph: its tables, migrations, SDL, resolvers, seed and context. */
export interface SubgraphDefinition<
  TSchema extends Record<string, unknown>,
  Ctx extends object,
  Options extends SubgraphOptions = SubgraphOptions,
  Runtime extends SubgraphRuntime = SubgraphRuntime,
> {
  /** Package folder name: names the embedded data directory. */
  name: string;
  /** The Postgres schema holding its tables and migration journal. */
  pgSchema: string;
  /** drizzle table definitions. */
  tables: TSchema;
  /** The drizzle-kit migrations folder. */
  migrationsFolder: URL;
  /** The SDL file beside the resolvers. */
  typeDefs: URL;
  resolvers: object;
  /**
   * Synthetic data, written once per database (see seedOnce); none for a subgraph that
   * starts empty (the audit trail). Given the service's options: a seed that encrypts
   * or seals what it writes needs the service's keys.
   */
  seed?: (tx: Db<TSchema>, options: Options) => Promise<void>;
  /** Its own environment variables besides those of every subgraph (see SubgraphEnvironment). */
  environment?: OwnEnvironment<Partial<Options>>;
  /**
   * What it runs besides its database (see SubgraphRuntime), given the migrated database
   * and the service's options; a refusal here (e.g. a database role with too many rights)
   * stops the start, and the database is closed.
   */
  prepare?: (database: Database<TSchema>, options: Options) => Promise<Runtime>;
  /** Prepared once per service; the returned function builds each request's context. */
  context: (db: Db<TSchema>, runtime: Runtime) => (request: IncomingMessage) => Ctx | Promise<Ctx>;
  /** HTTP routes besides GraphQL (e.g. an internal endpoint), given the service's options. */
  routes?: (db: Db<TSchema>, options: Options, runtime: Runtime) => HttpRoutes;
}

/** Tried before GraphQL; returns true when it answered the request. */
export type HttpRoutes = (request: IncomingMessage, response: ServerResponse) => Promise<boolean> | boolean;

/** A subgraph built by `defineSubgraph`, with what its `prepare` made (tests reach into it). */
export interface DefinedSubgraphInstance<Runtime extends SubgraphRuntime = SubgraphRuntime> extends SubgraphInstance {
  runtime: Runtime;
}

/**
 * The one way a subgraph is built: open and migrate its database (as the schema owner
 * when `migrationDatabaseUrl` is given), seed once, prepare what it runs besides, serve
 * its schema — with the kit's logging, metrics, startup progress and statement bound.
 * A failed start closes the database so the process can exit.
 */
export function defineSubgraph<
  TSchema extends Record<string, unknown>,
  Ctx extends object,
  Options extends SubgraphOptions = SubgraphOptions,
  Runtime extends SubgraphRuntime = SubgraphRuntime,
>(definition: SubgraphDefinition<TSchema, Ctx, Options, Runtime>): SubgraphFactory<Options, DefinedSubgraphInstance<Runtime>> {
  const factory: SubgraphFactory<Options, DefinedSubgraphInstance<Runtime>> = async (options) => {
    options.onProgress?.('migrating');
    const database = await openDatabase({
      service: definition.name,
      pgSchema: definition.pgSchema,
      schema: definition.tables,
      migrationsFolder: fileURLToPath(definition.migrationsFolder),
      databaseUrl: options.databaseUrl,
      migrationUrl: options.migrationDatabaseUrl,
      dataDir: options.dataDir,
      statementTimeoutMs: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
      gauges: options.metrics?.database,
      logger: options.logger,
    });
    try {
      if (definition.seed && options.seed !== false) {
        options.onProgress?.('seeding');
        const seed = definition.seed;
        const seeded = await seedOnce(database, definition.pgSchema, (tx) => seed(tx, options));
        if (seeded) options.onProgress?.('seeded', { rows: await countRows(database, definition.pgSchema) });
        else options.onProgress?.('already seeded');
      }
      // Without a prepare step the runtime is empty: nothing besides the database.
      const runtime = definition.prepare ? await definition.prepare(database, options) : ({} as Runtime);
      const requestContext = definition.context(database.db, runtime);
      const http = createSubgraphService({
        name: definition.name,
        typeDefs: loadTypeDefs(definition.typeDefs),
        resolvers: definition.resolvers,
        internalTokenKey: options.internalTokenKey,
        ...(options.onOperation ? { onOperation: options.onOperation } : {}),
        context: async (request) => requestContext(request),
        ...(definition.routes ? { routes: definition.routes(database.db, options, runtime) } : {}),
        isReady: async () => (await database.isReady()) && (runtime.isReady ? await runtime.isReady() : true),
        development: options.development ?? false,
        onStop: async () => {
          await runtime.stop?.();
          await database.close();
        },
        logger: options.logger,
        metrics: options.metrics,
        ...(options.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: options.shutdownTimeoutMs } : {}),
      });
      runtime.start?.();
      return { name: definition.name, http, database, runtime };
    } catch (error) {
      await database.close();
      throw error;
    }
  };
  factory.serviceName = definition.name;
  if (definition.environment) factory.environment = definition.environment;
  return factory;
}
