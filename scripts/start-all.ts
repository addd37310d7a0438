/**
 * pnpm start — runs the whole graph: the four subgraphs (4001–4004), each on its own
 * embedded PGlite database under .data/<subgraph>/ (or on DATABASE_URL), and the
 * gateway on 4000. Each service is its own process, exactly as `pnpm --filter <pkg>
 * start` runs it; if one dies, all stop, so a half-running graph never hides.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SUBGRAPHS } from './supergraph.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const services = [
  ...SUBGRAPHS.map(({ name, port }) => ({
    name,
    entry: `subgraphs/${name}/src/main.ts`,
    env: { PORT: String(port) },
  })),
  { name: 'gateway', entry: 'gateway/src/main.ts', env: { PORT: '4000' } },
];

const children: ChildProcess[] = [];
let stopping = false;

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve))))).then(() => process.exit(code));
}

for (const service of services) {
  const child = spawn(process.execPath, ['--import', 'tsx', service.entry], {
    cwd: root,
    env: { ...process.env, ...service.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${service.name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n')) if (line) process.stdout.write(prefix + line + '\n');
    });
  }
  child.once('exit', (code) => {
    if (!stopping) {
      console.error(`${prefix}exited with code ${code}; stopping the graph`);
      stopAll(code || 1);
    }
  });
  children.push(child);
}

process.once('SIGINT', () => stopAll(0));
process.once('SIGTERM', () => stopAll(0));
