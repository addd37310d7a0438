/* global process -- a Node script in plain JavaScript (the bench runs it without tsx) */
/**
 * The load generator of `pnpm bench`, in a process of its own (so its CPU is not the
 * gateways'): reads one JSON job per line on stdin — autocannon options — and answers one
 * JSON line per job: requests, rps, latency p50/p99, non-2xx and errors.
 */
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const job = JSON.parse(line);
  const result = await autocannon({ ...job, method: 'POST' });
  process.stdout.write(
    `${JSON.stringify({
      requests: result.requests.total,
      seconds: result.duration,
      rps: result.requests.total / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    })}\n`,
  );
}
