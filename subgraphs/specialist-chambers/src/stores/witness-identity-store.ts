import type { Db } from '@mission-graph/service-kit';
import { inArray } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { witnessIdentities } from '../db/schema.js';
import type { WitnessIdentityRow } from '../db/schema.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { openIdentity } from './witness-data.js';

/**
 * All SQL about witnesses' real identities. Apart from the witness store so that the
 * one place reading identities is easy to find, guard and audit. Stored encrypted;
 * decrypted here, after need-to-know was decided (the resolver asks only then).
 */
export function createWitnessIdentityStore(db: Db<typeof schema>, cipher: FieldCipher) {
  return {
    async byWitnessIds(witnessIds: readonly string[]): Promise<WitnessIdentityRow[]> {
      const rows = await db.select().from(witnessIdentities).where(inArray(witnessIdentities.witnessId, [...witnessIds]));
      return rows.map((row) => openIdentity(cipher, row));
    },
  };
}

export type WitnessIdentityStore = ReturnType<typeof createWitnessIdentityStore>;

export type { WitnessIdentityRow };
