/**
 * The parts of denied-attempt recording that need no servers: which reason a refusal is
 * filed under, when break-glass counts, how a subgraph's denial report is taken out of
 * its error (the client must not see it), and the client's operation travelling in the
 * internal token to the audit service. End to end: tests/denied-attempts.e2e.spec.ts.
 */
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  DENIAL_REPORT_EXTENSION,
  newKeyPair,
  signInternalToken,
  verifyInternalToken,
  type Caller,
} from '@mission-graph/service-kit';
import { breakGlassInvoked, breakGlassWithoutScope, refusalReason, takeDenialReports } from '../src/audit/denials.js';

const WITNESS = '0b6e5f2c-0000-4000-8000-000000000007';
const caller = (more: Partial<Caller>): Caller => ({ authenticated: true, subject: 'officer-x', scopes: new Set(), ...more });

describe('denied attempts', () => {
  it('files a refusal under its most fundamental reason', () => {
    expect(refusalReason({ authenticationRequired: true })).toBe('UNAUTHENTICATED');
    expect(refusalReason({ requiredScopes: [['a']], purposeRequired: true, subjectRequired: true })).toBe('SCOPE');
    expect(refusalReason({ purposeRequired: true, subjectRequired: true })).toBe('SUBJECT_REQUIRED');
    expect(refusalReason({ purposeRequired: true })).toBe('PURPOSE');
    expect(refusalReason({ requiredPolicies: [['other']] })).toBe('POLICY');
  });

  it('counts break-glass only with the scope and a non-blank justification, and the header alone as an attempt', () => {
    const scope = new Set(['witness-protection:break-glass']);
    expect(breakGlassInvoked(caller({ scopes: scope, breakGlass: 'EMERGENCY' }))).toBe('EMERGENCY');
    expect(breakGlassInvoked(caller({ scopes: scope, breakGlass: '   ' }))).toBeUndefined();
    expect(breakGlassInvoked(caller({ breakGlass: 'EMERGENCY' }))).toBeUndefined();
    expect(breakGlassWithoutScope(caller({ breakGlass: 'EMERGENCY' }))).toBe(true);
    expect(breakGlassWithoutScope(caller({ breakGlass: ' ' }))).toBe(false);
    expect(breakGlassWithoutScope(caller({ scopes: scope, breakGlass: 'EMERGENCY' }))).toBe(false);
  });

  it('a subgraph’s denial report never reaches the client: taken out of the error, which keeps its message, code and path', () => {
    const report = { reason: 'NEED_TO_KNOW', coordinate: 'ProtectedWitness.identity', entity: { type: 'ProtectedWitness', id: WITNESS } };
    const refused = new GraphQLError('Need to know: …', { path: ['w', 'identity'], extensions: { code: 'FORBIDDEN', [DENIAL_REPORT_EXTENSION]: report } });
    const forged = new GraphQLError('odd', { extensions: { code: 'FORBIDDEN', [DENIAL_REPORT_EXTENSION]: { reason: 'MADE_UP' } } });
    const plain = new GraphQLError('other', { extensions: { code: 'NOT_FOUND' } });
    const { errors, denials } = takeDenialReports([refused, forged, plain]);
    expect(denials).toEqual([report]);
    expect(errors.map((error) => [error.message, error.path, error.extensions])).toEqual([
      ['Need to know: …', ['w', 'identity'], { code: 'FORBIDDEN' }],
      ['odd', undefined, { code: 'FORBIDDEN' }],
      ['other', undefined, { code: 'NOT_FOUND' }],
    ]);
    expect(JSON.stringify(errors)).not.toContain(WITNESS);
    expect(errors[2]).toBe(plain);
  });

  it('the client’s own operation travels to the subgraphs in the signed internal token', async () => {
    const { pair } = await newKeyPair('test-internal');
    const operation = { name: 'ReviewWitness', documentHash: 'a'.repeat(64) };
    const token = await signInternalToken(pair, 'audit', caller({ operation }));
    expect((await verifyInternalToken(`Bearer ${token}`, pair.publicKey, 'audit')).operation).toEqual(operation);
    const anonymousOperation = await signInternalToken(pair, 'audit', caller({ operation: { name: null, documentHash: 'b'.repeat(64) } }));
    expect((await verifyInternalToken(`Bearer ${anonymousOperation}`, pair.publicKey, 'audit')).operation).toEqual({ name: null, documentHash: 'b'.repeat(64) });
    const without = await signInternalToken(pair, 'audit', caller({}));
    expect((await verifyInternalToken(`Bearer ${without}`, pair.publicKey, 'audit')).operation).toBeUndefined();
  });
});
