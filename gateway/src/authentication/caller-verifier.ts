import { randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { ANONYMOUS, unauthenticated, type Caller } from '@mission-graph/service-kit';

/**
 * Establishes the caller from `Authorization: Bearer <JWT>`.
 * - No header: anonymous (sees only what carries no rule), unless authentication is required.
 * - A token that does not verify — bad signature, expired, not yet valid, wrong issuer
 *   or audience, `alg: none`, an HMAC token forged with the public key — is refused
 *   with 401 `UNAUTHENTICATED`, never downgraded to anonymous.
 * Only asymmetric algorithms are accepted, from a pinned list.
 */
export const CALLER_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];
export const CLOCK_TOLERANCE_SECONDS = 30;

export interface CallerVerifierOptions {
  /** Production: the identity provider's JWKS URL (keys rotate; unknown kid → refetch, rate limited). */
  jwksUrl?: string | undefined;
  /** Development and tests: the public keys to trust. */
  publicJwks?: JWK[];
  issuer: string;
  audience: string;
  /** Least time between two fetches of the key set (an unknown kid triggers one); default 30 s. */
  jwksCooldownMs?: number;
  /** Refuse anonymous callers altogether. */
  requireAuthentication?: boolean;
}

export interface CallerRequest {
  authorization?: string | undefined;
  purpose?: string | undefined;
  breakGlass?: string | undefined;
}

export type CallerVerifier = (request: CallerRequest) => Promise<Caller>;

export function createCallerVerifier(options: CallerVerifierOptions): CallerVerifier {
  let keys: JWTVerifyGetKey;
  if (options.jwksUrl) {
    keys = createRemoteJWKSet(new URL(options.jwksUrl), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000, // unknown kids cannot force a fetch storm
      cacheMaxAge: 10 * 60_000,
      timeoutDuration: 5_000,
    });
  } else if (options.publicJwks?.length) {
    keys = createLocalJWKSet({ keys: options.publicJwks });
  } else {
    throw new Error('The caller verifier needs a JWKS URL or public keys');
  }

  return async ({ authorization, purpose, breakGlass }) => {
    const requestId = randomUUID();
    const declaredPurpose = purpose?.trim() || undefined;
    const breakGlassJustification = breakGlass?.trim() || undefined;
    if (authorization === undefined || authorization === '') {
      if (options.requireAuthentication) throw unauthenticated('Authentication required');
      return { ...ANONYMOUS, purpose: declaredPurpose, requestId };
    }
    const token = /^Bearer ([\w-]+\.[\w-]*\.[\w-]*)$/i.exec(authorization)?.[1];
    if (!token) throw unauthenticated('The Authorization header must be "Bearer <JWT>"');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: CALLER_ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) {
        throw unauthenticated(
          error instanceof joseErrors.JWTExpired ? 'The token has expired' : 'The token is not valid',
        );
      }
      throw error;
    }
    const clientId = [payload.azp, payload.client_id].find((v) => typeof v === 'string') as string | undefined;
    // A client-credentials token names its own client as its subject (either claim may
    // carry it; Auth0 marks it with `gty`): no person stands behind it.
    const machine =
      payload.sub !== undefined && (payload.sub === payload.azp || payload.sub === payload.client_id || payload.gty === 'client-credentials');
    return {
      authenticated: true,
      subject: payload.sub,
      clientId,
      ...(machine ? { machine: true } : {}),
      scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []),
      purpose: declaredPurpose,
      breakGlass: breakGlassJustification,
      requestId,
    };
  };
}
