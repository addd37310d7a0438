/**
 * A proxy in front of one subgraph that holds every request for `delayMs` before
 * forwarding it, so that requests sent "at the same moment" really are in flight
 * together at the subgraph's door. Counts what it forwarded.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayingProxy {
  url: string;
  /** Requests forwarded, with their bodies. */
  bodies: string[];
  delayMs: number;
  close(): Promise<void>;
}

export async function startDelayingProxy(target: () => string, delayMs: number): Promise<DelayingProxy> {
  const proxy: DelayingProxy = { url: '', bodies: [], delayMs, close: async () => undefined };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        await new Promise((resolve) => setTimeout(resolve, proxy.delayMs));
        proxy.bodies.push(body);
        try {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(request.headers)) {
            if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
          }
          const upstream = await fetch(target(), { method: 'POST', headers, body });
          response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
        } catch {
          response.writeHead(502).end();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
