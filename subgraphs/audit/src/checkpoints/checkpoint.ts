import { sign, verify } from 'node:crypto';
import { canonicalJson } from '../domain/audit-event.js';
import type { SigningKey, VerifyKey } from './signing-key.js';

/**
 * A checkpoint: "event `sequence` of the Mission Graph audit trail had hash `headHash`",
 * numbered, timed and signed — Certificate Transparency's signed tree head (RFC 6962
 * §3.5, RFC 9162 §4.10) for a hash chain, where the head hash commits to every event
 * before it as a tree root commits to its leaves. The signed bytes are the canonical
 * JSON of the statement below, so anyone can re-create and check them.
 */
export interface CheckpointStatement {
  /** 1, 2, 3 … — a gap in the external sink is a missing checkpoint. */
  number: number;
  /** The last event covered ("tree size"). */
  sequence: number;
  /** That event's hash. */
  headHash: string;
  /** When it was signed, ISO-8601. */
  signedAt: string;
}

export interface SignedCheckpoint extends CheckpointStatement {
  /** RFC 7638 thumbprint of the public key that verifies it. */
  keyId: string;
  /** Ed25519 signature, base64url. */
  signature: string;
}

/** Names the log inside every signature, so a signature cannot be replayed for another log. */
export const CHECKPOINT_LOG_ID = 'mission-graph/audit';

function signedBytes(statement: CheckpointStatement, keyId: string): Buffer {
  return Buffer.from(
    canonicalJson({
      log: CHECKPOINT_LOG_ID,
      number: statement.number,
      sequence: statement.sequence,
      headHash: statement.headHash,
      signedAt: statement.signedAt,
      keyId,
    }),
    'utf8',
  );
}

export function signCheckpoint(statement: CheckpointStatement, key: SigningKey): SignedCheckpoint {
  const keyId = key.verifyKey.keyId;
  const signature = sign(null, signedBytes(statement, keyId), key.privateKey).toString('base64url');
  return { ...statement, keyId, signature };
}

export type SignatureCheck = 'valid' | 'invalid' | 'unknown key';

/** Checks a checkpoint's signature against the keys the verifier trusts (never keys from the database). */
export function checkSignature(checkpoint: SignedCheckpoint, trusted: ReadonlyMap<string, VerifyKey>): SignatureCheck {
  const key = trusted.get(checkpoint.keyId);
  if (!key) return 'unknown key';
  try {
    const valid = verify(null, signedBytes(checkpoint, checkpoint.keyId), key.publicKey, Buffer.from(checkpoint.signature, 'base64url'));
    return valid ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** True when two copies of a checkpoint (table, sink) say the same thing. */
export function sameCheckpoint(a: SignedCheckpoint, b: SignedCheckpoint): boolean {
  return (
    a.number === b.number &&
    a.sequence === b.sequence &&
    a.headHash === b.headHash &&
    a.signedAt === b.signedAt &&
    a.keyId === b.keyId &&
    a.signature === b.signature
  );
}

export function trustedKeys(keys: readonly VerifyKey[]): Map<string, VerifyKey> {
  return new Map(keys.map((key) => [key.keyId, key]));
}
