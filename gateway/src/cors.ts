import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS for browser apps on other origins: only the origins configured
 * (`CORS_ALLOWED_ORIGINS`, none by default) may call the graph from a browser. A
 * preflight from an allowed origin is answered here (204); from any other origin, 403
 * and no `Access-Control-Allow-Origin`, so the browser never sends the request.
 *
 * CSRF protection stays as it is: Apollo Server refuses any request a browser could send
 * without a preflight (a "simple" request: GET, or POST as a form or text/plain, with no
 * custom header), so a page on an origin that is not allowed cannot make a browser
 * send a GraphQL operation with its user's credentials. Tokens travel in the
 * `Authorization` header, never in cookies, so no origin is ever sent credentials.
 */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-access-purpose',
  'x-break-glass',
  'apollo-require-preflight',
  'x-apollo-operation-name',
];
/** Response fields a browser app may read (rate limits). */
export const CORS_EXPOSED_HEADERS = ['ratelimit', 'ratelimit-policy', 'retry-after'];
export const CORS_MAX_AGE_SECONDS = 600;

/** `https://app.example.org` (scheme, host, port; no path), as browsers send it in `Origin`. */
export function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/** A route tried before GraphQL: answers preflights, adds CORS fields to allowed origins' requests. */
export function corsRoute(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const origin = request.headers.origin;
    if (origin === undefined) return false; // not a cross-origin browser request
    const isAllowed = allowed.has(origin);
    const isPreflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (isPreflight) {
      response.setHeader('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
      if (!isAllowed) {
        response.writeHead(403).end();
        return true;
      }
      response.writeHead(204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
        'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
      });
      response.end();
      return true;
    }
    response.setHeader('vary', 'Origin');
    if (isAllowed) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
    }
    return false;
  };
}
