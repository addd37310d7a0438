import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, newKeyPair, type KeyPair } from '@mission-graph/service-kit';
import { createCallerVerifier } from '../src/authentication/caller-verifier.js';
import { readGatewayEnv } from '../src/config.js';

const ISSUER = 'https://idp.test.invalid/';
const AUDIENCE = 'mission-graph';

function sign(key: KeyPair, claims: Record<string, unknown> = {}) {
  return new SignJWT({ scope: 'forensics:read statistics:read', azp: 'nightly-export', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('analyst-7')
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

describe('caller tokens from a JWKS URL', () => {
  let server: Server;
  let jwksUrl: string;
  let published: JWK[] = [];
  let fetches = 0;
  let first: KeyPair;
  let rotated: KeyPair;

  beforeAll(async () => {
    first = (await newKeyPair('key-1')).pair;
    rotated = (await newKeyPair('key-2')).pair;
    published = [first.publicJwk];
    server = createServer((_request, response) => {
      fetches += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads subject, client and scopes of a valid token; the purpose comes from the header', async () => {
    const verify = createCallerVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    const caller = await verify({ authorization: `Bearer ${await sign(first)}`, purpose: ' CASE-9: review ' });
    expect(caller).toMatchObject({
      authenticated: true,
      subject: 'analyst-7',
      clientId: 'nightly-export',
      purpose: 'CASE-9: review',
    });
    expect([...caller.scopes]).toEqual(['forensics:read', 'statistics:read']);
  });

  it('marks a client-credentials token as a machine: sub equal to azp or client_id, or gty client-credentials; a person’s token is none', async () => {
    const verify = createCallerVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    const callerOf = async (claims: Record<string, unknown>) => verify({ authorization: `Bearer ${await sign(first, claims)}` });
    expect((await callerOf({})).machine).toBeUndefined();
    expect((await callerOf({ azp: 'analyst-7' })).machine).toBe(true);
    expect((await callerOf({ azp: 'ops-console', client_id: 'analyst-7' })).machine).toBe(true);
    expect((await callerOf({ gty: 'client-credentials' })).machine).toBe(true);
  });

  it('follows a key rotation: an unknown kid refetches the key set, at most once per cool-down', async () => {
    const verify = createCallerVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE, jwksCooldownMs: 300 });
    await verify({ authorization: `Bearer ${await sign(first)}` });
    const before = fetches;
    published = [first.publicJwk, rotated.publicJwk];
    // Within the cool-down the new kid is not fetched yet…
    await expect(verify({ authorization: `Bearer ${await sign(rotated)}` })).rejects.toThrow();
    expect(fetches).toBe(before);
    // …after it, one fetch brings the rotated key in.
    await new Promise((resolve) => setTimeout(resolve, 350));
    const caller = await verify({ authorization: `Bearer ${await sign(rotated)}` });
    expect(caller.subject).toBe('analyst-7');
    expect(fetches).toBe(before + 1);

    // A flood of tokens with kids nobody published does not become a flood of fetches.
    const stranger = (await newKeyPair('key-unknown')).pair;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, async () => verify({ authorization: `Bearer ${await sign(stranger)}` })),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(fetches).toBeLessThanOrEqual(before + 2);
  });

  it('no header is anonymous, unless authentication is required', async () => {
    const verify = createCallerVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    expect((await verify({})).authenticated).toBe(false);
    const strict = createCallerVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE, requireAuthentication: true });
    await expect(strict({})).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('a token without expiry, or not yet valid, is refused', async () => {
    const verify = createCallerVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    const noExpiry = await new SignJWT({ scope: 'statistics:read' })
      .setProtectedHeader({ alg: 'ES256', kid: first.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(first.privateKey);
    await expect(verify({ authorization: `Bearer ${noExpiry}` })).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    const future = await sign(first, { nbf: Math.floor(Date.now() / 1000) + 3600 });
    await expect(verify({ authorization: `Bearer ${future}` })).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});

describe('verified caller tokens are remembered, never past their expiry or a key rotation', () => {
  let key: KeyPair;
  beforeAll(async () => {
    key = (await newKeyPair('cache-key')).pair;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a token seen before answers from the cache with the same caller; purpose and request id stay per request', async () => {
    const verify = createCallerVerifier({ publicJwks: [key.publicJwk], issuer: ISSUER, audience: AUDIENCE });
    const token = await sign(key);
    const first = await verify({ authorization: `Bearer ${token}`, purpose: 'CASE-1: one' });
    expect(verify.cachedTokens).toBe(1);
    const second = await verify({ authorization: `Bearer ${token}`, purpose: 'CASE-2: two' });
    expect(verify.cachedTokens).toBe(1);
    expect(second).toMatchObject({ authenticated: true, subject: 'analyst-7', clientId: 'nightly-export', purpose: 'CASE-2: two' });
    expect([...second.scopes]).toEqual([...first.scopes]);
    expect(second.requestId).not.toBe(first.requestId);
    // A caller's scope set is its own copy: changing one cannot widen the next request's.
    (second.scopes as Set<string>).add('forensics:personal');
    expect((await verify({ authorization: `Bearer ${token}` })).scopes.has('forensics:personal')).toBe(false);
  });

  it('an expired cached token is refused (the cache never serves past exp)', async () => {
    const verify = createCallerVerifier({ publicJwks: [key.publicJwk], issuer: ISSUER, audience: AUDIENCE });
    const token = await sign(key); // expires in 5 minutes
    await verify({ authorization: `Bearer ${token}` });
    expect(verify.cachedTokens).toBe(1);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 6 * 60_000); // past exp and the clock tolerance
    await expect(verify({ authorization: `Bearer ${token}` })).rejects.toMatchObject({
      message: 'The token has expired',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(verify.cachedTokens).toBe(0);
  });

  it('the cache is bounded: the least recently used token goes first, and a refused token is never remembered', async () => {
    const verify = createCallerVerifier({ publicJwks: [key.publicJwk], issuer: ISSUER, audience: AUDIENCE, verifiedTokenCacheSize: 3 });
    const tokens = await Promise.all(Array.from({ length: 6 }, (_, n) => sign(key, { sub: `analyst-${n}` })));
    for (const token of tokens) await verify({ authorization: `Bearer ${token}` });
    expect(verify.cachedTokens).toBe(3);
    const stranger = (await newKeyPair('cache-stranger')).pair;
    await expect(verify({ authorization: `Bearer ${await sign(stranger)}` })).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(verify.cachedTokens).toBe(3);
  });

  it('a key withdrawn at rotation: a token it signed, remembered before, is refused once the key set is fetched anew', async () => {
    const old = (await newKeyPair('withdrawn')).pair;
    const fresh = (await newKeyPair('successor')).pair;
    let keys = [old.publicJwk];
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
      const verify = createCallerVerifier({ jwksUrl: url, issuer: ISSUER, audience: AUDIENCE, jwksCooldownMs: 100 });
      const signedByOld = await sign(old);
      // (A check during which the key set was fetched is not remembered: the second one is.)
      await verify({ authorization: `Bearer ${signedByOld}` });
      await verify({ authorization: `Bearer ${signedByOld}` });
      expect(verify.cachedTokens).toBe(1);
      keys = [fresh.publicJwk]; // the identity provider withdraws the old key
      await new Promise((resolve) => setTimeout(resolve, 150));
      // A token of the new key makes the gateway fetch the set again…
      await verify({ authorization: `Bearer ${await sign(fresh)}` });
      // …and what the old key signed is no longer taken on trust.
      await expect(verify({ authorization: `Bearer ${signedByOld}` })).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('gateway configuration', () => {
  it('refuses to start in production without an identity provider and an internal-token key', () => {
    expect(() => readGatewayEnv({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => readGatewayEnv({ NODE_ENV: 'production' })).toThrow(/AUTH_JWKS_URL[\s\S]*AUTH_ISSUER[\s\S]*AUTH_AUDIENCE[\s\S]*INTERNAL_TOKEN_PRIVATE_KEY/);
  });

  it('names a bad authorization mode', () => {
    expect(() => readGatewayEnv({ AUTHORIZATION_MODE: 'lenient' })).toThrow(/AUTHORIZATION_MODE/);
  });
});
