/* global process -- a Node script in plain JavaScript (the bench runs it without tsx) */
/**
 * What the peer gateways of `pnpm bench` get from this project, and nothing more: the
 * internal token each subgraph demands (signed with the bench's internal key, addressed
 * to the subgraph, bound to the exact body — see docs/subgraph-conventions.md). They
 * verify no caller token (they have no notion of ours), so every token says the one
 * bench caller holding every scope, with the purpose the request declared.
 * Plain JavaScript: the bench runs every gateway compiled, none under tsx.
 */
import { ALL_SCOPES, keyPairFromJwk, signInternalToken } from '@mission-graph/service-kit';

const key = await keyPairFromJwk(JSON.parse(process.env.INTERNAL_TOKEN_PRIVATE_KEY ?? 'null'));
const scopes = new Set(ALL_SCOPES);

/** The subgraph names by URL, from SUBGRAPH_URL_<NAME> (as the gateway reads them). */
export const subgraphUrls = Object.fromEntries(
  Object.entries(process.env)
    .filter(([name]) => name.startsWith('SUBGRAPH_URL_'))
    .map(([name, url]) => [name.slice('SUBGRAPH_URL_'.length).toLowerCase().replaceAll('_', '-'), url]),
);
const nameByUrl = new Map(Object.entries(subgraphUrls).map(([name, url]) => [url, name]));

/** `Bearer <token>` for a request to `url` with exactly `body`. */
export async function internalAuthorization(url, body, purpose) {
  const audience = nameByUrl.get(String(url));
  if (!audience) throw new Error(`no subgraph at ${url}`);
  const token = await signInternalToken(key, audience, { authenticated: true, subject: 'bench-caller', scopes, purpose: purpose || undefined }, { body });
  return `Bearer ${token}`;
}

/** The supergraph with the join__graph URLs of this run (the file names the default ports). */
export function supergraphForThisRun(sdl) {
  return sdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]+"\)/g, (whole, name) =>
    subgraphUrls[name] ? `@join__graph(name: "${name}", url: "${subgraphUrls[name]}")` : whole,
  );
}
