/**
 * Refusals that tell the caller what to fix: an `UNAUTHORIZED_FIELD_OR_TYPE` error names
 * the scopes that would grant the field (`requiredScopes`) or says a purpose must be
 * declared (`purposeRequired: true`); expected errors carry no stack trace, even from a
 * gateway in development mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInternalToken } from '@mission-graph/service-kit';
import { postGraphQL, startGraph, type RunningGraph } from './testkit/graph.js';

const UNAUTHORIZED = 'UNAUTHORIZED_FIELD_OR_TYPE';

describe('refusals that say what is missing (gateway in development mode)', () => {
  let graph: RunningGraph;
  beforeAll(async () => {
    graph = await startGraph({ gateway: { development: true } });
  });
  afterAll(async () => {
    await graph?.stop();
  });

  it('names the scope a field needs when the caller lacks it', async () => {
    const result = await graph.queryAs(['forensics:read'], '{ missingPersons(first: 1) { edges { node { caseNumber fullName } } } }');
    expect(result.errors).toEqual([
      {
        message: 'Unauthorized field or type',
        path: ['missingPersons', 'edges', 0, 'node', 'fullName'],
        extensions: { code: UNAUTHORIZED, requiredScopes: [['forensics:personal']] },
      },
    ]);
  });

  it('says a purpose is required when the scope is held but no X-Access-Purpose was sent', async () => {
    const result = await graph.queryAs(
      ['forensics:read', 'forensics:personal'],
      '{ missingPersons(first: 1) { edges { node { fullName } } } }',
      undefined,
      { purpose: null },
    );
    expect(result.errors?.[0]?.extensions).toEqual({ code: UNAUTHORIZED, purposeRequired: true });
  });

  it('names both when both are missing, and the rule of the type a field returns too', async () => {
    const both = await graph.queryAs(['forensics:read'], '{ missingPersons(first: 1) { edges { node { fullName } } } }', undefined, { purpose: null });
    expect(both.errors?.[0]?.extensions).toEqual({ code: UNAUTHORIZED, requiredScopes: [['forensics:personal']], purposeRequired: true });
    const typeRule = await graph.queryAs(['police-cooperation:read'], '{ informationExchangeRequests(first: 1) { edges { node { relatedMissingPerson { caseNumber } } } } }');
    expect(typeRule.errors?.[0]?.extensions).toEqual({ code: UNAUTHORIZED, requiredScopes: [['forensics:read']] });
  });

  it('tells an anonymous caller which scopes a token would need, and that any token will do where that is the rule', async () => {
    const scoped = await graph.query('{ missionReport(from: "2018-06-01", to: "2025-06-14") { from } securityResponders { code } }');
    expect(scoped.status).toBe(403);
    expect(scoped.errors?.map((error) => error.extensions)).toEqual([
      { code: UNAUTHORIZED, requiredScopes: [['statistics:read']] },
      { code: UNAUTHORIZED, authenticationRequired: true },
    ]);
  });

  it('keeps stack traces off expected errors (a refusal, bad input) in development mode', async () => {
    const refused = await graph.query('{ missingPersons(first: 1) { totalCount } }');
    expect(refused.status).toBe(403);
    expect(refused.errors?.[0]?.extensions).not.toHaveProperty('stacktrace');
    const badInput = await graph.queryAs(['statistics:read'], '{ missionReport(from: "2025-06-14", to: "2018-06-01") { from } }');
    expect(badInput.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(badInput.errors?.[0]?.extensions).not.toHaveProperty('stacktrace');
    const invalid = await graph.queryAs(['statistics:read'], '{ noSuchField }');
    expect(invalid.errors?.[0]?.extensions).not.toHaveProperty('stacktrace');
  });

  it('explains a refusal by the subgraph itself (called directly) the same way', async () => {
    const url = graph.subgraphs.forensics!.url;
    const payload = { query: '{ missingPersons(first: 1) { edges { node { fullName } } } }' };
    const token = await signInternalToken(
      graph.internalKey,
      'forensics',
      { authenticated: true, subject: 'direct-caller', scopes: new Set(['forensics:read']) },
      { body: JSON.stringify(payload) },
    );
    const result = await postGraphQL<Record<string, unknown>>(url, payload, { authorization: `Bearer ${token}` });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: UNAUTHORIZED, requiredScopes: [['forensics:personal']], purposeRequired: true });
  });
});
