import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/**
 * Asymmetric key pairs as JWK files. Development keeps them under `.data/keys/` and
 * creates them on first use; production passes them in environment variables.
 * Creation is race-safe: several services starting at once agree on the first file
 * written (exclusive create), never on two different keys.
 */
export const SIGNING_ALGORITHM = 'ES256';

export interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

export async function newKeyPair(kid: string): Promise<{ pair: KeyPair; privateJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM };
  return { pair: { privateKey, publicKey, publicJwk, kid }, privateJwk };
}

/** Imports a private JWK (with its public half). */
export async function keyPairFromJwk(privateJwk: JWK): Promise<KeyPair> {
  const { d: _d, ...publicJwk } = privateJwk;
  const kid = privateJwk.kid ?? 'default';
  return {
    privateKey: (await importJWK(privateJwk, SIGNING_ALGORITHM)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, SIGNING_ALGORITHM)) as CryptoKey,
    publicJwk: { ...publicJwk, kid, alg: SIGNING_ALGORITHM },
    kid,
  };
}

export async function publicKeyFromJwk(publicJwk: JWK): Promise<CryptoKey> {
  const { d: _d, ...onlyPublic } = publicJwk;
  return (await importJWK(onlyPublic, SIGNING_ALGORITHM)) as CryptoKey;
}

/** Reads `<dataDir>/keys/<name>.jwk.json`, creating it on first use. */
export async function devKeyPair(dataDir: string, name: string): Promise<KeyPair> {
  const directory = path.resolve(dataDir, 'keys');
  const file = path.join(directory, `${name}.jwk.json`);
  mkdirSync(directory, { recursive: true });
  try {
    return await keyPairFromJwk(JSON.parse(readFileSync(file, 'utf8')) as JWK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateJwk } = await newKeyPair(`${name}-dev`);
  try {
    writeFileSync(file, JSON.stringify(privateJwk), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Whoever won the race wrote the file; everyone reads that one.
  return keyPairFromJwk(JSON.parse(readFileSync(file, 'utf8')) as JWK);
}
