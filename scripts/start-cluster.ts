/**
 * pnpm start:cluster — the production topology on one machine, on PostgreSQL:
 * two gateway replicas and two replicas of every subgraph, each its own process,
 * behind round-robin proxies (scripts/cluster/cluster.ts). The graph answers on
 * PORT_BASE (default 4000).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/mission_graph pnpm start:cluster
 *
 * Development keys from DATA_DIR unless the production variables are set; with
 * NODE_ENV=production it runs the compiled output (`pnpm build` first).
 */
import { startCluster } from './cluster/cluster.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('DATABASE_URL is required: the replicas share one PostgreSQL (embedded PGlite has one user at a time).');
  process.exit(2);
}
const portBase = Number(process.env.PORT_BASE ?? 4000);
const cluster = await startCluster({
  databaseUrl,
  portBase,
  compiled: process.env.NODE_ENV === 'production',
  onLine: (replica, line) => process.stdout.write(`[${replica}] ${line}\n`),
});
const stop = () => void cluster.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
await cluster.ready();
process.stdout.write(`graph ready at http://127.0.0.1:${portBase} (explorer at /): 2 gateway replicas, 2 replicas of every subgraph\n`);
