import type { AccessRule, AccessRules } from '@mission-graph/service-kit';

/**
 * The scopes that guard personal data (docs/scopes.md): a field under one of them, or of
 * a type under one of them, is personal data, and its disclosure is audited.
 */
export const PERSONAL_SCOPES = new Set([
  'operations:personnel',
  'police-cooperation:subject',
  'forensics:personal',
  'witness-protection:identity',
]);

/** Scope under which an identity is disclosed by break-glass. */
export const BREAK_GLASS_SCOPE = 'witness-protection:break-glass';
export const WITNESS_IDENTITY_SCOPE = 'witness-protection:identity';

const mentions = (rule: AccessRule | undefined, scopes: ReadonlySet<string>) =>
  rule?.scopes?.some((all) => all.some((scope) => scopes.has(scope))) ?? false;

export interface PersonalData {
  /** Is `Type.field` personal data? */
  isPersonal(typeName: string, fieldName: string): boolean;
  /** Is `Type.field` a protected witness's identity (what break-glass opens)? */
  isWitnessIdentity(typeName: string, fieldName: string): boolean;
  /**
   * Is every value of `Type` personal data (its type rule names a personal scope, e.g.
   * `Relocation`, `WitnessIdentity`)? Such a record, found inside another record, is
   * filed under that record too (the witness of a relocation).
   */
  isPersonalType(typeName: string): boolean;
}

export function personalData(rules: AccessRules): PersonalData {
  const under = (scopes: ReadonlySet<string>) => (typeName: string, fieldName: string) =>
    mentions(rules.fields.get(`${typeName}.${fieldName}`), scopes) || mentions(rules.types.get(typeName), scopes);
  return {
    isPersonal: under(PERSONAL_SCOPES),
    isWitnessIdentity: under(new Set([WITNESS_IDENTITY_SCOPE])),
    isPersonalType: (typeName) => mentions(rules.types.get(typeName), PERSONAL_SCOPES),
  };
}
