/**
 * Operation limits and the cost estimate, on documents alone: every attack of issue 9
 * measured and refused with the limit it breaks, every ordinary query within the
 * defaults, and the cost of connection queries as the IBM cost spec counts it.
 */
import { readFileSync } from 'node:fs';
import { buildASTSchema, getIntrospectionQuery, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { withoutSecurityFeatures } from '../src/authorization/gateway-supergraph.js';
import { CostPolicy, estimateCost, readCostModel } from '../src/operation/cost.js';
import { checkOperation, DEFAULT_LIMITS, measure } from '../src/operation/limits.js';
import { normalizeOperation } from '../src/operation/normalize.js';
import { SUPERGRAPH_PATH } from '../../scripts/supergraph.js';

const fragmentBomb = (levels: number) => {
  const fragments = ['fragment F0 on MissingPerson { caseNumber }'];
  for (let i = 1; i <= levels; i += 1) fragments.push(`fragment F${i} on MissingPerson { ...F${i - 1} ...F${i - 1} }`);
  return `{ missingPersons(first: 1) { edges { node { ...F${levels} } } } } ${fragments.join(' ')}`;
};
const cycle = (hops: number) => {
  let inner = 'id';
  for (let i = 0; i < hops; i += 1) inner = `relatedMissingPerson { informationExchangeRequests { ${inner} } }`;
  return `{ informationExchangeRequests(first: 100) { edges { node { ${inner} } } } }`;
};
const refusal = (source: string) => checkOperation(source, DEFAULT_LIMITS)?.extensions;

describe('operation limits', () => {
  it('a fragment bomb (28 fragments each spreading the previous twice) is measured in linear time and refused', () => {
    expect(measure(parse(fragmentBomb(28))).fields).toBe(2 ** 28 + 3);
    expect(refusal(fragmentBomb(28))).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'fields', max: DEFAULT_LIMITS.fields, measured: 2 ** 28 + 3 });
  });

  it('a cycle across entity hops counts its full depth in the supergraph', () => {
    expect(measure(parse(cycle(20))).depth).toBe(44);
    expect(refusal(cycle(20))).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', measured: 44 });
  });

  it('breadth: 5,000 aliases, 200 aliased lists, 20,000 @include directives', () => {
    const aliases = `{ ${Array.from({ length: 5000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(refusal(aliases)).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' });
    const lists = `{ ${Array.from({ length: 200 }, (_, i) => `l${i}: missingPersons(first: 100) { edges { node { caseNumber } } }`).join(' ')} }`;
    expect(measure(parse(lists)).rootFields).toBe(200);
    expect(refusal(lists)?.code).toBe('QUERY_TOO_COMPLEX');
    const directives = `{ ${Array.from({ length: 20000 }, () => '__typename @include(if: true)').join(' ')} }`;
    expect(refusal(directives)).toMatchObject({ limit: 'tokens', max: DEFAULT_LIMITS.tokens });
    // Within tokens, the written directives are counted as such.
    expect(checkOperation(`{ ${Array.from({ length: 60 }, () => '__typename @include(if: true)').join(' ')} }`, { ...DEFAULT_LIMITS, rootFields: 1000 })?.extensions).toMatchObject({ limit: 'directives', measured: 60 });
  });

  it('a client alias in the reserved namespace is refused, naming the alias', () => {
    expect(refusal('{ missingPersons { edges { node { _mg_0123456789abcdef_id: caseNumber } } } }')).toMatchObject({
      code: 'BAD_USER_INPUT',
      alias: '_mg_0123456789abcdef_id',
    });
    // The old hidden names are ordinary aliases now.
    expect(refusal('{ missingPersons { edges { node { _audit_id_: caseNumber _authorization_placeholder_: status } } } }')).toBeUndefined();
  });

  it('introspection (the explorer\'s query) is within every default; nested introspection lists are not', () => {
    expect(refusal(getIntrospectionQuery())).toBeUndefined();
    const nested = '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }';
    expect(refusal(nested)).toMatchObject({ limit: 'introspectionListDepth', measured: 4 });
  });
});

describe('cost estimate', () => {
  const supergraph = parse(readFileSync(SUPERGRAPH_PATH, 'utf8'));
  const schema = buildASTSchema(parse(withoutSecurityFeatures(readFileSync(SUPERGRAPH_PATH, 'utf8'))));
  const model = readCostModel(supergraph);
  const cost = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    const operation = document.definitions[0] as OperationDefinitionNode;
    return estimateCost(model, normalizeOperation(schema, document, operation, variables), variables, 10);
  };

  it('reads @cost and @listSize composed into the supergraph', () => {
    expect(model.listSizes.get('Query.missingPersons')).toMatchObject({ slicingArguments: ['first'], sizedFields: ['edges'] });
    expect(model.fieldWeights.get('MissingPersonConnection.totalCount')).toBe(100);
    expect(model.fieldWeights.get('InformationExchangeRequestConnection.totalCount')).toBe(500);
  });

  it('a page costs its size: connection 1 + first × (edge 1 + node 1); scalars are free', () => {
    expect(cost('{ missingPersons(first: 20) { edges { node { caseNumber fullName } } } }')).toBe(1 + 20 * 2);
    expect(cost('query($n: Int) { missingPersons(first: $n) { edges { node { caseNumber } } } }', { n: 50 })).toBe(101);
    // Without `first`, the assumed size (the default page of 20).
    expect(cost('{ missingPersons { edges { node { caseNumber } } } }')).toBe(41);
    expect(cost('{ missingPersons(first: 5) { totalCount } }')).toBe(101);
  });

  it('nested lists multiply; an unsized list counts the default size', () => {
    const nested = '{ missingPersons(first: 10) { edges { node { informationExchangeRequests { reference } } } } }';
    expect(cost(nested)).toBe(1 + 10 * (1 + 1 + 10 * 1));
    expect(cost(cycle(3))).toBeGreaterThan(100 * 1000);
  });

  it('a mutation root field costs 10', () => {
    expect(cost('mutation { recordGraveSite(input: { code: "X", municipality: "Y", discoveredOn: "2001-01-01" }) { graveSite { id } } }')).toBe(10 + 1);
  });
});

describe('cost policy', () => {
  const model = readCostModel(parse(readFileSync(SUPERGRAPH_PATH, 'utf8')));
  const schema = buildASTSchema(parse(withoutSecurityFeatures(readFileSync(SUPERGRAPH_PATH, 'utf8'))));
  const normalized = (query: string) => {
    const document = parse(query);
    return normalizeOperation(schema, document, document.definitions[0] as OperationDefinitionNode, {});
  };
  const caller = (scopes: string[], clientId?: string) => ({ authenticated: true, scopes: new Set(scopes), clientId });
  const page = normalized('{ missingPersons(first: 100) { totalCount edges { node { caseNumber } } } }'); // 1 + 100 + 200

  it('enforce: over the maximum is refused with the estimate and the maximum', () => {
    const policy = new CostPolicy(model, { max: 200, mode: 'enforce', defaultListSize: 10 });
    const assessed = policy.assess(page, {}, caller([]));
    expect(assessed.refusal?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: { estimated: 301, max: 200 } });
  });

  it('measure: over the maximum runs, and says so', () => {
    const policy = new CostPolicy(model, { max: 200, mode: 'measure', defaultListSize: 10 });
    const assessed = policy.assess(page, {}, caller([]));
    expect(assessed.refusal).toBeUndefined();
    expect(assessed.report).toEqual({ estimated: 301, max: 200 });
  });

  it('a scope or a client can have its own maximum; the client’s comes first', () => {
    const policy = new CostPolicy(model, {
      max: 200,
      mode: 'enforce',
      defaultListSize: 10,
      maxByScope: new Map([['statistics:read', 1000], ['audit:read', 500]]),
      maxByClient: new Map([['nightly-export', 100]]),
    });
    expect(policy.maxFor(caller(['audit:read', 'statistics:read']))).toBe(1000);
    expect(policy.assess(page, {}, caller(['audit:read'])).refusal).toBeUndefined();
    expect(policy.maxFor(caller(['statistics:read'], 'nightly-export'))).toBe(100);
  });
});
