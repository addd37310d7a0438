import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The self-hosted explorer on `/`: GraphiQL served from this installation's own
 * packages — no CDN, so it works on a mission network without internet access. It
 * sends the caller's `Authorization` and `X-Access-Purpose` headers as typed in its
 * headers pane; nothing is stored server-side. The page runs no inline script, and its
 * Content-Security-Policy lets it load nothing but its own files (GraphiQL's fonts are
 * `data:` URLs inside its stylesheet).
 */
const require = createRequire(import.meta.url);
/** React's package exports hide its UMD builds; its package.json is exported, so start there. */
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));
const ownAsset = (name: string) => fileURLToPath(new URL(`./assets/${name}`, import.meta.url));

interface Asset {
  path: string;
  type: string;
}

const ASSETS: Record<string, Asset> = {
  'graphiql.min.js': { path: path.join(packageDir('graphiql'), 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.min.css': { path: path.join(packageDir('graphiql'), 'graphiql.min.css'), type: 'text/css' },
  'react.production.min.js': { path: path.join(packageDir('react'), 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.production.min.js': { path: path.join(packageDir('react-dom'), 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'explorer.js': { path: ownAsset('explorer.js'), type: 'text/javascript' },
  'explorer.css': { path: ownAsset('explorer.css'), type: 'text/css' },
};
const FAVICON: Asset = { path: ownAsset('favicon.svg'), type: 'image/svg+xml' };

export const EXPLORER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // GraphiQL sets style attributes from script.
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Mission Graph explorer</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/explorer/graphiql.min.css">
  <link rel="stylesheet" href="/explorer/explorer.css">
</head>
<body>
  <header id="bar">
    <h1>Mission Graph explorer</h1>
    <label hidden>Persona <select id="persona" name="persona"></select></label>
    <span id="persona-description"></span>
    <output id="endpoint"></output>
    <output id="cost"></output>
  </header>
  <div id="explorer"></div>
  <script src="/explorer/react.production.min.js"></script>
  <script src="/explorer/react-dom.production.min.js"></script>
  <script src="/explorer/graphiql.min.js"></script>
  <script src="/explorer/explorer.js"></script>
</body>
</html>`;

const cache = new Map<string, Buffer>();

function sendAsset(response: ServerResponse, asset: Asset): void {
  let body = cache.get(asset.path);
  if (!body) {
    body = readFileSync(asset.path);
    cache.set(asset.path, body);
  }
  response.writeHead(200, {
    'content-type': asset.type.startsWith('text/') ? `${asset.type}; charset=utf-8` : asset.type,
    'cache-control': 'public, max-age=86400',
    'x-content-type-options': 'nosniff',
  });
  response.end(body);
}

/** Answers `GET /` (the page, for browsers), `GET /explorer/<asset>` and the favicon; anything else is not ours. */
export function explorerRoutes(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== 'GET') return false;
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  if (pathname === '/' && (request.headers.accept ?? '').includes('text/html')) {
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': EXPLORER_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    response.end(PAGE);
    return true;
  }
  if (pathname === '/favicon.svg' || pathname === '/favicon.ico') {
    sendAsset(response, FAVICON);
    return true;
  }
  const asset = pathname.startsWith('/explorer/') ? ASSETS[pathname.slice('/explorer/'.length)] : undefined;
  if (!asset || !Object.hasOwn(ASSETS, pathname.slice('/explorer/'.length))) return false;
  sendAsset(response, asset);
  return true;
}
