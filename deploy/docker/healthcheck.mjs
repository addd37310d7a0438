/* global process, fetch, AbortSignal */
// Container HEALTHCHECK: GET /health/live (or /health/ready with the argument `ready`)
// of the service this container runs.
// The port is PORT when set, otherwise the service's default, read from the
// command line of process 1 (`node … /app/<service>/dist/main.js`).
import { readFileSync } from 'node:fs';

export const DEFAULT_PORTS = {
  gateway: 4000,
  operations: 4001,
  'police-cooperation': 4002,
  forensics: 4003,
  'specialist-chambers': 4004,
  audit: 4005,
};

function port() {
  if (process.env.PORT) return Number(process.env.PORT);
  const environ = readFileSync('/proc/1/environ', 'utf8').split('\0');
  const fromEnv = environ.find((entry) => entry.startsWith('PORT='));
  if (fromEnv) return Number(fromEnv.slice(5));
  const service = /\/app\/([a-z-]+)\/dist\/main\.js/.exec(readFileSync('/proc/1/cmdline', 'utf8'))?.[1];
  return DEFAULT_PORTS[service] ?? 4000;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  try {
    const response = await fetch(`http://127.0.0.1:${port()}/health/${process.argv[2] === 'ready' ? 'ready' : 'live'}`, { signal: AbortSignal.timeout(2500) });
    process.exit(response.status === 200 ? 0 : 1);
  } catch {
    process.exit(1);
  }
}
