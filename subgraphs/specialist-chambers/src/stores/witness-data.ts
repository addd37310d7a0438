import type { RelocationRow, WitnessIdentityRow } from '../db/schema.js';
import type { FieldCipher } from '../crypto/field-cipher.js';

/**
 * The one place identities and whereabouts cross between clear (in the service) and
 * encrypted (in the database): every store writes and reads them through these, so no
 * statement ever sends a name or a place to the database in clear.
 */
export interface WitnessIdentity {
  fullName: string;
  dateOfBirth: string;
  currentLocation: string;
}

export const sealIdentity = (cipher: FieldCipher, witnessId: string, identity: WitnessIdentity): WitnessIdentityRow => ({
  witnessId,
  fullName: cipher.encrypt({ column: 'witness_identities.full_name', rowId: witnessId }, identity.fullName),
  dateOfBirth: cipher.encrypt({ column: 'witness_identities.date_of_birth', rowId: witnessId }, identity.dateOfBirth),
  currentLocation: sealCurrentLocation(cipher, witnessId, identity.currentLocation),
});

export const sealCurrentLocation = (cipher: FieldCipher, witnessId: string, location: string): string =>
  cipher.encrypt({ column: 'witness_identities.current_location', rowId: witnessId }, location);

export const openCurrentLocation = (cipher: FieldCipher, witnessId: string, stored: string): string =>
  cipher.decrypt({ column: 'witness_identities.current_location', rowId: witnessId }, stored);

export const openIdentity = (cipher: FieldCipher, row: WitnessIdentityRow): WitnessIdentityRow => ({
  witnessId: row.witnessId,
  fullName: cipher.decrypt({ column: 'witness_identities.full_name', rowId: row.witnessId }, row.fullName),
  dateOfBirth: cipher.decrypt({ column: 'witness_identities.date_of_birth', rowId: row.witnessId }, row.dateOfBirth),
  currentLocation: openCurrentLocation(cipher, row.witnessId, row.currentLocation),
});

export const sealRelocation = (cipher: FieldCipher, row: RelocationRow): RelocationRow => ({
  ...row,
  fromLocation: cipher.encrypt({ column: 'relocations.from_location', rowId: row.id }, row.fromLocation),
  toLocation: cipher.encrypt({ column: 'relocations.to_location', rowId: row.id }, row.toLocation),
});

export const openRelocation = (cipher: FieldCipher, row: RelocationRow): RelocationRow => ({
  ...row,
  fromLocation: cipher.decrypt({ column: 'relocations.from_location', rowId: row.id }, row.fromLocation),
  toLocation: cipher.decrypt({ column: 'relocations.to_location', rowId: row.id }, row.toLocation),
});
