import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The self-hosted explorer on `/`: GraphiQL served from this installation's own
 * packages — no CDN, so it works on a mission network without internet access. It
 * sends the caller's `Authorization` and `X-Access-Purpose` headers as typed in its
 * headers pane; nothing is stored server-side.
 */
const require = createRequire(import.meta.url);
/** React's package exports hide its UMD builds; its package.json is exported, so start there. */
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

const ASSETS: Record<string, { path: string; type: string }> = {
  'graphiql.min.js': { path: path.join(packageDir('graphiql'), 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.min.css': { path: path.join(packageDir('graphiql'), 'graphiql.min.css'), type: 'text/css' },
  'react.production.min.js': { path: path.join(packageDir('react'), 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.production.min.js': { path: path.join(packageDir('react-dom'), 'umd/react-dom.production.min.js'), type: 'text/javascript' },
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Mission Graph explorer</title>
  <link rel="stylesheet" href="/explorer/graphiql.min.css">
  <style>html, body, #explorer { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="explorer"></div>
  <script src="/explorer/react.production.min.js"></script>
  <script src="/explorer/react-dom.production.min.js"></script>
  <script src="/explorer/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
    const query = '# Mission Graph: one graph over every pillar of the mission.\\n#\\n# Anonymous callers see the schema; data needs a token. In the Headers pane:\\n#   { "authorization": "Bearer <pnpm --silent run token --scopes \\'statistics:read\\'>",\\n#     "x-access-purpose": "<case reference>: <reason>" }   (purpose: personal data only)\\n{\\n  missionReport(from: "2018-06-01", to: "2025-06-14") {\\n    policeCooperation { europolRequests serbianMoiRequests interpolRequests }\\n    forensics { fieldOperations exhumations individualsIdentified missingPersonsIdentified }\\n  }\\n}\\n';
    ReactDOM.createRoot(document.getElementById('explorer')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: query, headerEditorEnabled: true, shouldPersistHeaders: false }),
    );
  </script>
</body>
</html>`;

const cache = new Map<string, Buffer>();

/** Answers `GET /` (the page, for browsers) and `GET /explorer/<asset>`; anything else is not ours. */
export function explorerRoutes(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== 'GET') return false;
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  if (pathname === '/' && (request.headers.accept ?? '').includes('text/html')) {
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    });
    response.end(PAGE);
    return true;
  }
  const asset = pathname.startsWith('/explorer/') ? ASSETS[pathname.slice('/explorer/'.length)] : undefined;
  if (!asset) return false;
  let body = cache.get(asset.path);
  if (!body) {
    body = readFileSync(asset.path);
    cache.set(asset.path, body);
  }
  response.writeHead(200, { 'content-type': `${asset.type}; charset=utf-8`, 'cache-control': 'public, max-age=86400' });
  response.end(body);
  return true;
}
