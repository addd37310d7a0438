import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encryption at rest of one column value (identities, whereabouts): AES-256-GCM with a
 * random 96-bit IV per value, and as associated data the column and the row it belongs
 * to (`witness_identities.full_name:<witness id>`), so a ciphertext copied to another
 * row or column no longer decrypts. Stored as text:
 *
 *   enc:v1:<key id>:<iv, base64url>:<ciphertext and 16-byte tag, base64url>
 *
 * The key id (8 hex of the key's SHA-256) names the key a value was written with, so a
 * rotation can tell old values from new ones (docs/design-decisions.md).
 */
export const CIPHER_PREFIX = 'enc:v1:';

/** Where a value lives: its column and its row; the associated data. */
export interface FieldPlace {
  column: 'witness_identities.full_name' | 'witness_identities.date_of_birth' | 'witness_identities.current_location' | 'relocations.from_location' | 'relocations.to_location';
  rowId: string;
}

/** A value that does not decrypt (tampered, moved, or written with another key): never shown. */
export class UnreadableFieldError extends Error {
  override name = 'UnreadableFieldError';
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

const aad = (place: FieldPlace) => Buffer.from(`${place.column}:${place.rowId}`, 'utf8');

export function encryptField(key: Buffer, place: FieldPlace, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(place));
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${CIPHER_PREFIX}${keyIdOf(key)}:${iv.toString('base64url')}:${sealed.toString('base64url')}`;
}

export function decryptField(key: Buffer, place: FieldPlace, stored: string): string {
  const parts = stored.startsWith(CIPHER_PREFIX) ? stored.slice(CIPHER_PREFIX.length).split(':') : [];
  if (parts.length !== 3 || parts[0] !== keyIdOf(key)) {
    throw new UnreadableFieldError(`${place.column} of ${place.rowId} is not encrypted with the current key`);
  }
  const iv = Buffer.from(parts[1]!, 'base64url');
  const sealed = Buffer.from(parts[2]!, 'base64url');
  if (iv.length !== 12 || sealed.length < 16) throw new UnreadableFieldError(`${place.column} of ${place.rowId} is malformed`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aad(place));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new UnreadableFieldError(`${place.column} of ${place.rowId} does not authenticate (tampered or moved)`);
  }
}

/** The cipher of one service: its key, bound once. */
export function fieldCipher(key: Buffer) {
  return {
    encrypt: (place: FieldPlace, plaintext: string) => encryptField(key, place, plaintext),
    decrypt: (place: FieldPlace, stored: string) => decryptField(key, place, stored),
  };
}

export type FieldCipher = ReturnType<typeof fieldCipher>;
