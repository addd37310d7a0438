import { createHash, KeyObject, randomUUID, sign, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { errors as joseErrors, jwtVerify, type CryptoKey } from 'jose';
import { SIGNING_ALGORITHM, type KeyPair } from './keys.js';
import { CONTRACTS, type Caller, type ClientOperation, type Contract } from './caller.js';

/**
 * The gateway → subgraph token. Each subgraph request carries one, signed by the
 * gateway, addressed to that subgraph alone (`aud`), valid for a minute, carrying the
 * caller's identity, scopes and declared purpose — and bound to the one request it was
 * made for: `bh` is the SHA-256 (base64url) of the exact request body. A subgraph refuses
 * any GraphQL request without a valid one, so it cannot be called around the gateway, and
 * a token seen on the wire cannot be replayed with another query (it answers only the
 * body it was signed for, which whoever saw the token has seen too).
 */
export const INTERNAL_ISSUER = 'mission-graph-gateway';
export const INTERNAL_TOKEN_TTL_SECONDS = 60;
export const INTERNAL_TOKEN_TYPE = 'mission-graph-internal+jwt';

/** The `bh` claim for a request body: SHA-256 of its exact UTF-8 bytes, base64url. */
export function internalBodyHash(body: string): string {
  return createHash('sha256').update(body).digest('base64url');
}

export interface InternalTokenOptions {
  /**
   * The exact body of the request the token is for (`bh`). The subgraphs' GraphQL endpoint
   * refuses a token without it; only the audit append endpoint still takes unbound ones.
   */
  body?: string;
}

/** The private key as a Node KeyObject, converted once per key (signing is on every subgraph request). */
const signingKeys = new WeakMap<CryptoKey, KeyObject>();
function signingKey(key: CryptoKey): KeyObject {
  let keyObject = signingKeys.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key);
    signingKeys.set(key, keyObject);
  }
  return keyObject;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs with node:crypto directly rather than through jose's WebCrypto path: the same
 * compact JWS (jose verifies it), at a quarter of the cost per token (measured: see
 * docs/design-decisions.md). Only signing is done by hand — it reads no untrusted input;
 * verification stays with jose.
 */
export async function signInternalToken(
  key: KeyPair,
  audience: string,
  caller: Caller,
  options: InternalTokenOptions = {},
): Promise<string> {
  const issuedAt = Math.floor(Date.now() / 1000);
  const header = base64url({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: INTERNAL_TOKEN_TYPE });
  const payload = base64url({
    scope: [...caller.scopes].join(' '),
    authenticated: caller.authenticated,
    ...(caller.purpose ? { purpose: caller.purpose } : {}),
    ...(caller.clientId ? { client_id: caller.clientId } : {}),
    ...(caller.machine ? { machine: true } : {}),
    ...(caller.requestId ? { request_id: caller.requestId } : {}),
    ...(caller.breakGlass ? { break_glass: caller.breakGlass } : {}),
    ...(caller.contract ? { contract: caller.contract } : {}),
    ...(caller.operation
      ? { operation: { ...(caller.operation.name ? { name: caller.operation.name } : {}), document_hash: caller.operation.documentHash } }
      : {}),
    ...(options.body !== undefined ? { bh: internalBodyHash(options.body) } : {}),
    iss: INTERNAL_ISSUER,
    aud: audience,
    sub: caller.subject ?? 'anonymous',
    iat: issuedAt,
    jti: randomUUID(),
    exp: issuedAt + INTERNAL_TOKEN_TTL_SECONDS,
  });
  const signingInput = `${header}.${payload}`;
  // ES256 signatures in JWS are r‖s (IEEE P1363), not DER.
  const signature = sign('sha256', Buffer.from(signingInput), { key: signingKey(key.privateKey), dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/**
 * The `contract` claim. Only a known contract name is accepted; anything else (which only
 * a forged or corrupted token could carry) is refused rather than read as the internal API.
 */
function contractOf(claim: unknown): Contract | undefined {
  if (claim === undefined) return undefined;
  if (typeof claim === 'string' && (CONTRACTS as readonly string[]).includes(claim)) return claim as Contract;
  throw unauthenticated('Invalid internal token');
}

/** The `operation` claim: the client's operation name and document hash, as the gateway signed them. */
function operationOf(claim: unknown): ClientOperation | undefined {
  if (typeof claim !== 'object' || claim === null) return undefined;
  const { name, document_hash: documentHash } = claim as Record<string, unknown>;
  if (typeof documentHash !== 'string' || !/^[0-9a-f]{64}$/.test(documentHash)) return undefined;
  return { name: typeof name === 'string' ? name : null, documentHash };
}

/** Whether `bh` is the hash of `body` (compared in constant time). */
function boundTo(claim: unknown, body: string): boolean {
  if (typeof claim !== 'string') return false;
  const expected = Buffer.from(internalBodyHash(body));
  const given = Buffer.from(claim);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

/**
 * Verifies an `Authorization: Bearer` internal token for `audience`; throws 401 otherwise.
 * With `body` (the exact request body), the token must be bound to it (`bh`): a token
 * without `bh`, or made for another body, is refused.
 */
export async function verifyInternalToken(
  authorization: string | undefined,
  publicKey: CryptoKey,
  audience: string,
  body?: string,
): Promise<Caller> {
  const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw unauthenticated('This service only answers the gateway');
  try {
    const { payload } = await jwtVerify(token, publicKey, {
      issuer: INTERNAL_ISSUER,
      audience,
      algorithms: [SIGNING_ALGORITHM],
      typ: INTERNAL_TOKEN_TYPE,
      clockTolerance: 5,
      maxTokenAge: `${INTERNAL_TOKEN_TTL_SECONDS + 5}s`,
    });
    if (body !== undefined && !boundTo(payload.bh, body)) throw unauthenticated('Invalid internal token');
    return {
      authenticated: payload.authenticated === true,
      subject: payload.sub === 'anonymous' ? undefined : payload.sub,
      clientId: typeof payload.client_id === 'string' ? payload.client_id : undefined,
      ...(payload.machine === true ? { machine: true } : {}),
      scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []),
      purpose: typeof payload.purpose === 'string' ? payload.purpose : undefined,
      requestId: typeof payload.request_id === 'string' ? payload.request_id : undefined,
      breakGlass: typeof payload.break_glass === 'string' ? payload.break_glass : undefined,
      contract: contractOf(payload.contract),
      operation: operationOf(payload.operation),
    };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) throw unauthenticated('Invalid internal token');
    throw error;
  }
}
