import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { errors as joseErrors, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { SIGNING_ALGORITHM, type KeyPair } from './keys.js';
import { CONTRACTS, type Caller, type ClientOperation, type Contract } from './caller.js';

/**
 * The gateway → subgraph token. Each subgraph request carries one, signed by the
 * gateway, addressed to that subgraph alone (`aud`), valid for a minute, carrying the
 * caller's identity, scopes and declared purpose. A subgraph refuses any GraphQL
 * request without a valid one, so it cannot be called around the gateway.
 */
export const INTERNAL_ISSUER = 'mission-graph-gateway';
export const INTERNAL_TOKEN_TTL_SECONDS = 60;

export async function signInternalToken(
  key: KeyPair,
  audience: string,
  caller: Caller,
): Promise<string> {
  return new SignJWT({
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
  })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'mission-graph-internal+jwt' })
    .setIssuer(INTERNAL_ISSUER)
    .setAudience(audience)
    .setSubject(caller.subject ?? 'anonymous')
    .setIssuedAt()
    .setJti(randomUUID())
    .setExpirationTime(`${INTERNAL_TOKEN_TTL_SECONDS}s`)
    .sign(key.privateKey);
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

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

/** Verifies an `Authorization: Bearer` internal token for `audience`; throws 401 otherwise. */
export async function verifyInternalToken(
  authorization: string | undefined,
  publicKey: CryptoKey,
  audience: string,
): Promise<Caller> {
  const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw unauthenticated('This service only answers the gateway');
  try {
    const { payload } = await jwtVerify(token, publicKey, {
      issuer: INTERNAL_ISSUER,
      audience,
      algorithms: [SIGNING_ALGORITHM],
      typ: 'mission-graph-internal+jwt',
      clockTolerance: 5,
      maxTokenAge: `${INTERNAL_TOKEN_TTL_SECONDS + 5}s`,
    });
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
