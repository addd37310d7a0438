import { describe, expect, it } from 'vitest';
import { allOf, describeRequirement, missingForAll, missingRequirements, type Caller } from '../src/index.js';

const caller = (scopes: string[], purpose?: string): Caller => ({ authenticated: true, scopes: new Set(scopes), purpose });

describe('access requirements said to people', () => {
  it('combines rules as a conjunction, in "OR of ANDs" form without redundant alternatives', () => {
    expect(allOf([{ authenticated: false, scopes: [['a'], ['b']] }, { authenticated: false, scopes: [['c']] }])).toEqual({
      authenticated: false,
      scopes: [['a', 'c'], ['b', 'c']],
    });
    expect(allOf([{ authenticated: false, scopes: [['a']] }, { authenticated: false, scopes: [['a'], ['a', 'b']] }])?.scopes).toEqual([['a']]);
    expect(allOf([undefined, undefined])).toBeUndefined();
  });

  it('describes a rule for field docs', () => {
    expect(describeRequirement({ authenticated: false, scopes: [['forensics:personal']], policies: [['purpose_declared']] })).toBe(
      'Requires scope `forensics:personal` and a declared purpose (`X-Access-Purpose` header).',
    );
    expect(describeRequirement({ authenticated: false, scopes: [['a', 'b'], ['c']] })).toBe('Requires either scopes `a` and `b` or scope `c`.');
    expect(describeRequirement({ authenticated: true })).toBe('Requires an authenticated caller (any valid token).');
    expect(describeRequirement(undefined)).toBeUndefined();
  });

  it('says what a caller lacks: scopes, a purpose, another policy, or just a token', () => {
    const personal = { authenticated: false, scopes: [['forensics:personal']], policies: [['purpose_declared']] };
    expect(missingRequirements(personal, caller([]))).toEqual({ requiredScopes: [['forensics:personal']], purposeRequired: true });
    expect(missingRequirements(personal, caller(['forensics:personal']))).toEqual({ purposeRequired: true });
    expect(missingRequirements(personal, caller(['forensics:personal'], 'CASE-1: review'))).toEqual({});
    expect(missingRequirements({ authenticated: false, policies: [['unregistered']] }, caller([]))).toEqual({ requiredPolicies: [['unregistered']] });
    expect(missingRequirements({ authenticated: true }, { authenticated: false, scopes: new Set() })).toEqual({ authenticationRequired: true });
  });

  it('names only the rules the caller fails', () => {
    const rules = [{ authenticated: false, scopes: [['forensics:read']] }, { authenticated: false, scopes: [['forensics:personal']] }];
    expect(missingForAll(rules, caller(['forensics:read']))).toEqual({ requiredScopes: [['forensics:personal']] });
    expect(missingForAll(rules, caller([]))).toEqual({ requiredScopes: [['forensics:personal', 'forensics:read']] });
  });
});
