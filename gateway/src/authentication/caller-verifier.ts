import { createHash, randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
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
 *
 * A token that verified is remembered (by its SHA-256, in a bounded LRU), so a client
 * sending the same token on every request pays the signature check once: an entry is
 * never used at or past the token's `exp` (nor past the key set's own freshness, after
 * which the token is checked again against a current key set), and every entry is
 * dropped when the key set is fetched anew (a rotation may have withdrawn the key that
 * signed it). Refusals are not remembered: they are checked in full every time.
 */
export const CALLER_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Verified tokens remembered at most; the least recently used goes first. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;
/** How long a remote key set is trusted before it is fetched again (and a cached token re-checked). */
const JWKS_MAX_AGE_MS = 10 * 60_000;

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
  /** Verified tokens remembered at most (default VERIFIED_TOKEN_CACHE_SIZE; 0 turns the cache off). */
  verifiedTokenCacheSize?: number;
}

/** What a verified token says about its caller: everything but the per-request parts. */
type TokenIdentity = Pick<Caller, 'authenticated' | 'subject' | 'clientId' | 'scopes' | 'machine'>;

interface VerifiedToken {
  identity: TokenIdentity;
  /** Milliseconds since the epoch from which the entry may not be used: min(exp, key set freshness). */
  usableUntil: number;
}

/**
 * A bounded least-recently-used map (a Map keeps insertion order: a hit moves the key to
 * the end, an insert beyond the bound drops the first).
 */
class VerifiedTokens {
  private readonly entries = new Map<string, VerifiedToken>();
  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now: number): VerifiedToken | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (now >= entry.usableUntil) return undefined; // expired: checked in full again
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: VerifiedToken): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Bumped whenever the key set is (being) fetched: a check begun under another generation is not remembered. */
  generation = 0;

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }
}

export interface CallerRequest {
  authorization?: string | undefined;
  purpose?: string | undefined;
  breakGlass?: string | undefined;
}

export type CallerVerifier = ((request: CallerRequest) => Promise<Caller>) & {
  /** How many verified tokens are remembered now (tests, metrics). */
  readonly cachedTokens: number;
};

export function createCallerVerifier(options: CallerVerifierOptions): CallerVerifier {
  const verified = new VerifiedTokens(options.verifiedTokenCacheSize ?? VERIFIED_TOKEN_CACHE_SIZE);
  let keys: JWTVerifyGetKey;
  // A local key set never changes; a remote one is trusted for JWKS_MAX_AGE_MS at most.
  let keySetMaxAgeMs = Number.POSITIVE_INFINITY;
  if (options.jwksUrl) {
    keySetMaxAgeMs = JWKS_MAX_AGE_MS;
    keys = createRemoteJWKSet(new URL(options.jwksUrl), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000, // unknown kids cannot force a fetch storm
      cacheMaxAge: JWKS_MAX_AGE_MS,
      timeoutDuration: 5_000,
      // Each fetch may bring a rotation (a key withdrawn): what was verified before is checked again.
      [customFetch]: async (url: string, init: RequestInit) => {
        verified.clear();
        try {
          return await fetch(url, init);
        } finally {
          verified.clear();
        }
      },
    });
  } else if (options.publicJwks?.length) {
    keys = createLocalJWKSet({ keys: options.publicJwks });
  } else {
    throw new Error('The caller verifier needs a JWKS URL or public keys');
  }

  const verify = async ({ authorization, purpose, breakGlass }: CallerRequest): Promise<Caller> => {
    const requestId = randomUUID();
    const declaredPurpose = purpose?.trim() || undefined;
    const breakGlassJustification = breakGlass?.trim() || undefined;
    if (authorization === undefined || authorization === '') {
      if (options.requireAuthentication) throw unauthenticated('Authentication required');
      return { ...ANONYMOUS, purpose: declaredPurpose, requestId };
    }
    const token = /^Bearer ([\w-]+\.[\w-]*\.[\w-]*)$/i.exec(authorization)?.[1];
    if (!token) throw unauthenticated('The Authorization header must be "Bearer <JWT>"');
    const perRequest = { purpose: declaredPurpose, breakGlass: breakGlassJustification, requestId };
    const cacheKey = createHash('sha256').update(token).digest('base64url');
    const cached = verified.get(cacheKey, Date.now());
    if (cached) return { ...cached.identity, scopes: new Set(cached.identity.scopes), ...perRequest };
    const generation = verified.generation;
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
    const identity: TokenIdentity = {
      authenticated: true,
      subject: payload.sub,
      clientId,
      ...(machine ? { machine: true } : {}),
      scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []),
    };
    // `exp` is required above; the entry ends there (no clock tolerance is granted from the cache).
    if (generation === verified.generation) {
      verified.set(cacheKey, { identity, usableUntil: Math.min(payload.exp! * 1000, Date.now() + keySetMaxAgeMs) });
    }
    return { ...identity, scopes: new Set(identity.scopes), ...perRequest };
  };
  return Object.defineProperty(verify, 'cachedTokens', { get: () => verified.size }) as CallerVerifier;
}
