import { sign, verify } from 'node:crypto';
import type { SignatureCheck } from './checkpoint.js';
import type { SigningKey, VerifyKey } from './signing-key.js';

/**
 * Every event the audit service writes is signed with the audit signing key (Ed25519,
 * the checkpoints' key, never in the database) over its hash — which covers its content,
 * its position and its predecessor. Whoever holds the service's own database role can
 * INSERT a well-chained row (the hash formula is public, the triggers check only the
 * chain's shape), but cannot sign it: `audit:verify` names such a row, even before the
 * next checkpoint — which the service would otherwise sign over the forgery.
 */
export interface EventSignature {
  /** RFC 7638 thumbprint of the public key that verifies it. */
  keyId: string;
  /** Ed25519 signature, base64url. */
  signature: string;
}

/** Names the log and the purpose in the signed bytes: an event signature is never a checkpoint's, nor another log's. */
const EVENT_SIGNATURE_CONTEXT = 'mission-graph/audit/event';

function signedBytes(hash: string, keyId: string): Buffer {
  return Buffer.from(`${EVENT_SIGNATURE_CONTEXT}\n${keyId}\n${hash}`, 'utf8');
}

export function signEvent(hash: string, key: SigningKey): EventSignature {
  const keyId = key.verifyKey.keyId;
  return { keyId, signature: sign(null, signedBytes(hash, keyId), key.privateKey).toString('base64url') };
}

/** Checks an event's signature against the keys the verifier trusts (never keys from the database). */
export function checkEventSignature(hash: string, signed: EventSignature, trusted: ReadonlyMap<string, VerifyKey>): SignatureCheck {
  const key = trusted.get(signed.keyId);
  if (!key) return 'unknown key';
  try {
    return verify(null, signedBytes(hash, signed.keyId), key.publicKey, Buffer.from(signed.signature, 'base64url')) ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}
