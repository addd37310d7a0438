import { POLICIES, satisfies, type Caller } from './caller.js';
import type { AccessRule } from './access-rules.js';

/**
 * What a field needs, said to people: in the field docs of the composed schema
 * (`pnpm compose`) and in the `extensions` of an `UNAUTHORIZED_FIELD_OR_TYPE` error, so
 * that an analyst reads which scope to ask for, or that a purpose must be declared,
 * instead of guessing. Both are computed from the same `@authenticated` /
 * `@requiresScopes` / `@policy` rules the gateway and the subgraphs enforce, so they
 * cannot drift from them.
 */

/** The policy that personal data needs: a declared purpose in the `X-Access-Purpose` header. */
export const PURPOSE_POLICY = 'purpose_declared';

/** Every one of `rules` must hold: one rule, scope and policy sets in "OR of ANDs" form. */
export function allOf(rules: readonly (AccessRule | undefined)[]): AccessRule | undefined {
  const present = rules.filter((rule): rule is AccessRule => rule !== undefined);
  if (present.length === 0) return undefined;
  const combined: AccessRule = { authenticated: present.some((rule) => rule.authenticated) };
  for (const part of ['scopes', 'policies'] as const) {
    const sets = present.flatMap((rule) => (rule[part] ? [rule[part]] : []));
    if (sets.length > 0) combined[part] = sets.reduce(andOfAlternatives);
  }
  return combined;
}

/** (a ∨ b) ∧ (c ∨ d) = ac ∨ ad ∨ bc ∨ bd, without repeats and without alternatives that contain another. */
function andOfAlternatives(left: string[][], right: string[][]): string[][] {
  const products = left.flatMap((a) => right.map((b) => [...new Set([...a, ...b])].sort()));
  const unique = [...new Map(products.map((set) => [set.join(' '), set])).values()];
  return unique.filter(
    (candidate) => !unique.some((other) => other.length < candidate.length && other.every((item) => candidate.includes(item))),
  );
}

/** What a refused caller lacks, as the error's `extensions` carry it. */
export interface MissingRequirements {
  /** The scope sets that would grant access (any one set, all of its scopes). */
  requiredScopes?: string[][];
  /** A purpose must be declared (`X-Access-Purpose` header: case reference and reason). */
  purposeRequired?: true;
  /** Other named policies that did not pass. */
  requiredPolicies?: string[][];
  /** Any valid token would do, and none was sent. */
  authenticationRequired?: true;
  /**
   * Personal data needs a token that names its holder (`sub`): a read nobody can be
   * held to account for is refused, whatever the scopes (set by the gateway).
   */
  subjectRequired?: true;
}

/** What `caller` lacks to satisfy `rule`; empty when it satisfies it. */
export function missingRequirements(rule: AccessRule | undefined, caller: Caller): MissingRequirements {
  if (!rule || satisfies(rule, caller)) return {};
  const missing: MissingRequirements = {};
  if (rule.scopes && !satisfies({ authenticated: false, scopes: rule.scopes }, { ...caller, authenticated: true })) {
    missing.requiredScopes = rule.scopes;
  }
  if (rule.policies && !satisfies({ authenticated: false, policies: rule.policies }, { ...caller, authenticated: true })) {
    if (rule.policies.some((all) => all.includes(PURPOSE_POLICY)) && !POLICIES[PURPOSE_POLICY]!(caller)) {
      missing.purposeRequired = true;
    }
    const others = rule.policies.filter((all) => !all.includes(PURPOSE_POLICY));
    if (others.length > 0 && !missing.purposeRequired) missing.requiredPolicies = rule.policies;
  }
  if (!caller.authenticated && !missing.requiredScopes && !missing.purposeRequired && !missing.requiredPolicies) {
    missing.authenticationRequired = true;
  }
  return missing;
}

/**
 * What `caller` lacks to satisfy every one of `rules`, naming only the rules it fails:
 * a caller holding `forensics:read` is told `forensics:personal`, not both.
 */
export function missingForAll(rules: readonly (AccessRule | undefined)[], caller: Caller): MissingRequirements {
  const failing = rules.filter((rule): rule is AccessRule => rule !== undefined && !satisfies(rule, caller));
  return missingRequirements(allOf(failing), caller);
}

/** "Requires scope `forensics:personal` and a declared purpose (`X-Access-Purpose` header)." */
export function describeRequirement(rule: AccessRule | undefined): string | undefined {
  if (!rule) return undefined;
  const parts: string[] = [];
  if (rule.scopes) parts.push(alternatives(rule.scopes, scopeSet));
  if (rule.policies) parts.push(alternatives(rule.policies, policySet));
  if (parts.length === 0) return rule.authenticated ? 'Requires an authenticated caller (any valid token).' : undefined;
  return `Requires ${parts.join(' and ')}.`;
}

function alternatives(sets: string[][], describe: (set: string[]) => string): string {
  const described = sets.map(describe);
  return described.length > 1 ? `either ${described.join(' or ')}` : (described[0] ?? '');
}

const code = (text: string) => `\`${text}\``;

function scopeSet(scopes: string[]): string {
  return scopes.length === 1 ? `scope ${code(scopes[0]!)}` : `scopes ${scopes.map(code).join(' and ')}`;
}

function policySet(policies: string[]): string {
  return policies
    .map((name) => (name === PURPOSE_POLICY ? 'a declared purpose (`X-Access-Purpose` header)' : `policy ${code(name)}`))
    .join(' and ');
}
