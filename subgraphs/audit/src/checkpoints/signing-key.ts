import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The audit signing key: Ed25519, as a JWK (`{"kty":"OKP","crv":"Ed25519","x":…,"d":…}`).
 * It signs checkpoints and is never stored in the audit database, so whoever can write
 * the database still cannot sign a checkpoint for a rewritten trail. Production passes it
 * in `AUDIT_SIGNING_KEY`; development creates one under `<DATA_DIR>/keys/` on first use.
 * Auditors verify with the public half only (`AUDIT_VERIFY_KEYS`).
 */
export interface SigningKey {
  privateKey: KeyObject;
  verifyKey: VerifyKey;
}

/** A public key checkpoints are verified with, named by its RFC 7638 thumbprint. */
export interface VerifyKey {
  keyId: string;
  publicKey: KeyObject;
  publicJwk: JsonWebKey;
}

/** File name (under `<DATA_DIR>/keys/`) of the development signing key. */
export const DEV_SIGNING_KEY_FILE = 'audit-signing.jwk.json';

export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

/** RFC 7638 JWK thumbprint of an Ed25519 public key: the key's id, derived, so it cannot lie. */
export function keyIdOf(publicJwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: publicJwk.crv, kty: publicJwk.kty, x: publicJwk.x });
  return createHash('sha256').update(canonical).digest('base64url');
}

function requireEd25519(jwk: unknown): JsonWebKey {
  const candidate = jwk as JsonWebKey | null;
  if (!candidate || typeof candidate !== 'object' || candidate.kty !== 'OKP' || candidate.crv !== 'Ed25519' || typeof candidate.x !== 'string') {
    throw new SigningKeyError('must be an Ed25519 JWK ({"kty":"OKP","crv":"Ed25519","x":…})');
  }
  return candidate;
}

export function verifyKeyFromJwk(jwk: unknown): VerifyKey {
  const { kty, crv, x } = requireEd25519(jwk);
  const publicJwk = { kty, crv, x };
  return { keyId: keyIdOf(publicJwk), publicKey: createPublicKey({ key: publicJwk, format: 'jwk' }), publicJwk };
}

export function signingKeyFromJwk(jwk: unknown): SigningKey {
  const checked = requireEd25519(jwk);
  if (typeof checked.d !== 'string') throw new SigningKeyError('must be a private key (with "d")');
  const privateKey = createPrivateKey({ key: { kty: checked.kty, crv: checked.crv, x: checked.x, d: checked.d }, format: 'jwk' });
  // The public half is derived from the private key, not trusted from "x".
  return { privateKey, verifyKey: verifyKeyFromJwk(createPublicKey(privateKey).export({ format: 'jwk' })) };
}

/** A fresh key pair: the private JWK (for AUDIT_SIGNING_KEY) and the key. */
export function newSigningKey(): { privateJwk: JsonWebKey; key: SigningKey } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const privateJwk = privateKey.export({ format: 'jwk' });
  return { privateJwk, key: signingKeyFromJwk(privateJwk) };
}

/**
 * `<dataDir>/keys/audit-signing.jwk.json`, created on first use. Race-safe like the other
 * development keys: services starting together agree on the first file written.
 */
export function devSigningKey(dataDir: string): SigningKey {
  const file = devSigningKeyPath(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, JSON.stringify(newSigningKey().privateJwk), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return signingKeyFromJwk(JSON.parse(readFileSync(file, 'utf8')));
}

export function devSigningKeyPath(dataDir: string): string {
  return path.resolve(dataDir, 'keys', DEV_SIGNING_KEY_FILE);
}
