import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import type { KeyPair } from '@mission-graph/service-kit';
import { ENDPOINT_PATHS } from '../clients/admission.js';
import type { Endpoint } from '../clients/registry.js';

/**
 * Development only: the explorer's persona presets. Picking one fills the Headers pane
 * with a fresh token signed by the development caller key (the key `pnpm token` signs
 * with, which only a development gateway trusts) and a purpose placeholder, and points
 * the explorer at the endpoint that persona uses. A production gateway (or any gateway
 * with an identity provider) has no such route: `createGateway` mounts it only when given
 * a signer, and main.ts gives one only in development without `AUTH_JWKS_URL`.
 */
export interface Persona {
  id: string;
  label: string;
  /** What the persona can do, shown beside the picker. */
  description: string;
  endpoint: Endpoint;
  subject: string;
  scopes: readonly string[];
  /** Machine clients name themselves (`client_id`); people do not. */
  clientId?: string;
  /** Personas that read personal data get an `X-Access-Purpose` placeholder to fill in. */
  purposePlaceholder?: string;
}

const PURPOSE_PLACEHOLDER = 'CASE-0000-000: replace with the case reference and the reason';

/** The first is the explorer's default; the default query runs for it. */
export const PERSONAS: readonly Persona[] = [
  {
    id: 'analyst',
    label: 'Analyst',
    description: 'statistics and non-personal records of every pillar',
    endpoint: 'internal',
    subject: 'dev-analyst',
    scopes: ['statistics:read', 'operations:read', 'police-cooperation:read', 'forensics:read', 'chambers:read'],
  },
  {
    id: 'forensic-officer',
    label: 'Forensic officer',
    description: 'missing-person cases with names (purpose required), records forensics work',
    endpoint: 'internal',
    subject: 'dev-forensic-officer',
    scopes: ['statistics:read', 'forensics:read', 'forensics:write', 'forensics:personal'],
    purposePlaceholder: PURPOSE_PLACEHOLDER,
  },
  {
    id: 'protection-officer',
    label: 'Protection officer',
    description: 'officer-07: the identity of the witnesses assigned to them (purpose required)',
    endpoint: 'internal',
    subject: 'officer-07',
    scopes: ['witness-protection:read', 'witness-protection:identity'],
    purposePlaceholder: PURPOSE_PLACEHOLDER,
  },
  {
    id: 'external-system',
    label: 'External system',
    description: 'the external contract only, as a registered machine client (external-sandbox)',
    endpoint: 'external',
    subject: 'external-sandbox',
    clientId: 'external-sandbox',
    scopes: ['statistics:read', 'police-cooperation:read', 'operations:read'],
  },
];

/** Signs a persona's token the way the development identity provider would. */
export type PersonaTokenSigner = (persona: Persona) => Promise<string>;

export function personaTokenSigner(key: KeyPair, issuer: string, audience: string, ttlSeconds = 3600): PersonaTokenSigner {
  return (persona) =>
    new SignJWT({ scope: persona.scopes.join(' '), ...(persona.clientId ? { client_id: persona.clientId } : {}) })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(persona.subject)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(key.privateKey);
}

/**
 * `GET /explorer/personas` lists the presets; `POST /explorer/personas/<id>/token` answers
 * `{ endpoint, headers }` with a fresh token (POST: a token is never a cacheable resource).
 */
export function personaRoutes(sign: PersonaTokenSigner) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && pathname === '/explorer/personas') {
      const personas = PERSONAS.map(({ id, label, description, endpoint }) => ({ id, label, description, endpoint: ENDPOINT_PATHS[endpoint] }));
      sendJson(response, 200, { personas });
      return true;
    }
    const match = /^\/explorer\/personas\/([a-z-]+)\/token$/.exec(pathname);
    if (!match || request.method !== 'POST') return false;
    const persona = PERSONAS.find((candidate) => candidate.id === match[1]);
    if (!persona) {
      sendJson(response, 404, { error: `No persona "${match[1]}"` });
      return true;
    }
    const headers: Record<string, string> = { authorization: `Bearer ${await sign(persona)}` };
    if (persona.purposePlaceholder) headers['x-access-purpose'] = persona.purposePlaceholder;
    sendJson(response, 200, { endpoint: ENDPOINT_PATHS[persona.endpoint], headers });
    return true;
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
