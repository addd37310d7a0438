/**
 * pnpm bench — our gateway against its peers (Hive Gateway, plain Apollo Gateway) on the
 * same subgraphs, compiled, in production mode: scripts/bench-peers.ts, the default.
 * `pnpm bench --against <git-ref>`: this tree's gateway against another commit's
 * (scripts/bench-against.ts). `pnpm bench --overhead`: what authorization and auditing
 * cost inside our gateway, the whole graph in one process (scripts/bench-overhead.ts).
 */
import { spawnSync } from 'node:child_process';
import { readCli } from '@mission-graph/service-kit';

const argv = process.argv.slice(2);
const { against, overhead } = readCli({
  usage: `
Usage: pnpm bench [--write] [--skip-build]
       pnpm bench --against <git-ref>
       pnpm bench --overhead

Default: our gateway, Hive Gateway and plain Apollo Gateway in front of the same compiled
subgraphs (production mode, local PostgreSQL), workloads W1–W5, interleaved rounds; --write
puts the table into docs/benchmarks.md (BENCH_ROUND_SECONDS, BENCH_CYCLES, BENCH_CONNECTIONS).
--against <git-ref>: this tree's gateway against another commit's, A B B A.
--overhead: authorization and audit overhead as ratios, the whole graph in one process.
`,
  options: { against: { type: 'string' }, overhead: { type: 'boolean' }, write: { type: 'boolean' }, 'skip-build': { type: 'boolean' } },
}, argv);
const script = against ? 'bench-against.ts' : overhead ? 'bench-overhead.ts' : 'bench-peers.ts';
const rest = against ? [against] : argv.filter((arg) => arg !== '--overhead');
const { status } = spawnSync(process.execPath, ['--import', 'tsx', new URL(`./${script}`, import.meta.url).pathname, ...rest], { stdio: 'inherit' });
process.exit(status ?? 1);
