/**
 * A small round-robin HTTP proxy over the replicas of one service (what a Kubernetes
 * Service or the compose nginx does), for `pnpm start:cluster`, `pnpm soak` and the
 * replica e2e test. A replica that refuses the connection (stopped, restarting) is
 * skipped for a second and the request goes to the next one — safe to repeat,
 * because the refused replica never received it. A request that reached a replica
 * is never sent twice (a mutation must not run twice because a proxy retried it).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  port: number;
  /** Requests sent to each upstream, in upstream order. */
  counts(): number[];
  close(): Promise<void>;
}

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH']);

export async function startRoundRobinProxy(upstreams: readonly string[], port = 0, host = '127.0.0.1'): Promise<RoundRobinProxy> {
  const targets = upstreams.map((upstream) => new URL(upstream));
  const downUntil = targets.map(() => 0);
  const counts = targets.map(() => 0);
  let next = 0;

  function forward(incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer, attempt: number): void {
    const now = Date.now();
    let index = next % targets.length;
    for (let i = 0; i < targets.length && downUntil[index]! > now; i += 1) index = (index + 1) % targets.length;
    next = index + 1;
    const target = targets[index]!;
    counts[index]! += 1;
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host, 'content-length': String(body.length), connection: 'keep-alive' },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (REFUSED.has(error.code ?? '') && attempt < targets.length * 2) {
        downUntil[index] = Date.now() + 1_000;
        forward(incoming, outgoing, body, attempt + 1);
        return;
      }
      if (!outgoing.headersSent) {
        outgoing.writeHead(502, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ errors: [{ message: 'No replica answered', extensions: { code: 'BAD_GATEWAY' } }] }));
      } else {
        outgoing.destroy();
      }
    });
    upstream.end(body);
  }

  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => forward(incoming, outgoing, Buffer.concat(chunks), 0));
    incoming.on('error', () => outgoing.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    counts: () => [...counts],
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
