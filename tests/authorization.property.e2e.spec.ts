/**
 * Property: whatever the operation and whatever the caller, no response carries a
 * non-null value of a field (or type) whose rule the caller's scopes and purpose do
 * not satisfy. The same operation is replayed under several callers in random order,
 * so a query plan cached for one caller and reused for another would be caught.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { buildClientSchema, getIntrospectionQuery, parse, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES, readAccessRules, type Caller } from '@mission-graph/service-kit';
import { SUPERGRAPH_PATH } from '../scripts/supergraph.js';
import { startGraph, type RunningGraph } from './testkit/graph.js';
import { randomOperation } from './testkit/random-operations.js';
import { leakedFields } from './testkit/visible-fields.js';

const rules = readAccessRules(parse(readFileSync(SUPERGRAPH_PATH, 'utf8')));

const callerArbitrary = fc.record({
  anonymous: fc.boolean().map((b) => b && Math.random() < 0.3),
  scopes: fc.subarray([...ALL_SCOPES]),
  purpose: fc.boolean(),
});

describe('authorization property', () => {
  let graph: RunningGraph;
  let schema: GraphQLSchema;
  beforeAll(async () => {
    graph = await startGraph();
    schema = buildClientSchema((await graph.query<IntrospectionQuery>(getIntrospectionQuery())).data!);
  });
  afterAll(async () => {
    await graph?.stop();
  });

  it('no caller ever receives a value its scopes do not allow', async () => {
    let nonNullChecked = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.array(callerArbitrary, { minLength: 2, maxLength: 4 }), async (seed, callers) => {
        const operation = randomOperation(schema, seed);
        for (const callerSpec of callers) {
          const caller: Caller = callerSpec.anonymous
            ? { authenticated: false, scopes: new Set(), purpose: callerSpec.purpose ? 'CASE-1: review' : undefined }
            : { authenticated: true, scopes: new Set(callerSpec.scopes), purpose: callerSpec.purpose ? 'CASE-1: review' : undefined };
          const headers: Record<string, string> = caller.purpose ? { 'x-access-purpose': caller.purpose } : {};
          if (caller.authenticated) headers.authorization = `Bearer ${await graph.token([...caller.scopes])}`;
          const response = await graph.query(operation, undefined, headers);
          expect(response.status, JSON.stringify(response.errors)).toBeLessThan(500);
          if (response.data) nonNullChecked += 1;
          const leaks = leakedFields(schema, rules, operation, response.data, caller);
          expect(leaks, `${operation}\ncaller ${JSON.stringify(callerSpec)}`).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
    // The property must have looked at real data, not only at refusals.
    expect(nonNullChecked).toBeGreaterThan(20);
  });
});
