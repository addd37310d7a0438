import type { IncomingMessage } from 'node:http';
import type { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { unauthenticated, type Caller } from '@mission-graph/service-kit';
import type { CallerRequest } from '../authentication/caller-verifier.js';
import type { GatewayContext } from '../context.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { ClientRegistry, Endpoint, RegisteredClient } from './registry.js';

/**
 * The front door of every request, before anything is parsed: who is calling (the
 * bearer token), through which client (`azp` / `client_id`, looked up in the registry),
 * whether that client may use this endpoint, and whether it is within its rate limits.
 * What it establishes is the request context every later step reads.
 */
export interface FrontDoorContext extends GatewayContext {
  /** The endpoint the request came in through. */
  endpoint: Endpoint;
  /** The registered client named by the token, if any. */
  client?: RegisteredClient | undefined;
  /** `RateLimit` / `RateLimit-Policy` fields for the response. */
  rateLimitHeaders?: HeaderMap | undefined;
}

/** Headers of the caller's request the gateway reads. */
export const PURPOSE_HEADER = 'x-access-purpose';
export const BREAK_GLASS_HEADER = 'x-break-glass';

export interface AdmissionOptions {
  /** Verifies the caller's token (authentication/caller-verifier.ts). */
  verifyCaller: (request: CallerRequest) => Promise<Caller>;
  registry: ClientRegistry;
  /** Omitted: no rate limits (tests that do not test them). */
  rateLimiter?: RateLimiter | undefined;
}

/** `signal` aborts when the client disconnects (subgraph fetches still running for it stop). */
export type Admission = (request: IncomingMessage, endpoint: Endpoint, signal?: AbortSignal) => Promise<FrontDoorContext>;

export function createAdmission(options: AdmissionOptions): Admission {
  return async (request, endpoint, signal) => {
    const verified = await options.verifyCaller({
      authorization: request.headers.authorization,
      purpose: headerValue(request.headers[PURPOSE_HEADER]),
      breakGlass: headerValue(request.headers[BREAK_GLASS_HEADER]),
    });
    const client = admitClient(options.registry, verified, endpoint);
    // The contract travels in the internal token: subgraphs serve such a request only
    // what the contract holds, and no H2/H3 record (service-kit `Caller.contract`).
    const known: Caller = client?.machine ? { ...verified, machine: true } : verified;
    const caller: Caller = endpoint === 'external' ? { ...known, contract: 'external' } : known;
    const rateLimitHeaders = await options.rateLimiter?.admit({
      caller,
      client,
      remoteAddress: request.socket.remoteAddress,
    });
    // A client's cost maximum (`costMax`) reaches the pipeline through the caller's client id.
    return { caller, endpoint, client, rateLimitHeaders, ...(signal ? { signal } : {}) };
  };
}

/**
 * The registered client a caller's token names, if it may use `endpoint`.
 * - A token naming a client the registry does not know: refused (403), on both endpoints.
 * - A client registered for the other endpoint: refused (403), naming where it belongs.
 * - `/external/graphql` serves registered machine clients only: no token is 401, a
 *   person's token (no client) is 403.
 */
export function admitClient(registry: ClientRegistry, caller: Caller, endpoint: Endpoint): RegisteredClient | undefined {
  if (caller.clientId !== undefined) {
    const client = registry.get(caller.clientId);
    if (!client) throw forbidden(`The client "${caller.clientId}" is not registered with this graph`, caller.clientId);
    if (client.endpoint !== endpoint) {
      throw forbidden(`The client "${client.id}" may call ${ENDPOINT_PATHS[client.endpoint]} only`, client.id);
    }
    return client;
  }
  if (endpoint === 'external') {
    if (!caller.authenticated) throw unauthenticated('The external endpoint needs a client-credentials token of a registered client');
    throw forbidden('The external endpoint serves registered machine clients only (a token naming its client in azp or client_id)');
  }
  return undefined;
}

export const ENDPOINT_PATHS: Record<Endpoint, string> = { internal: '/graphql', external: '/external/graphql' };

function forbidden(message: string, clientId?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'FORBIDDEN', ...(clientId ? { clientId } : {}), http: { status: 403 } },
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
