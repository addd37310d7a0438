import { buildSchema, parse, print, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readAccessRules, type Caller } from '@mission-graph/service-kit';
import { applyRemovals } from '../src/authorization/apply-removals.js';
import { accessDecisions } from '../src/authorization/decisions.js';
import { filterOperation } from '../src/authorization/filter-operation.js';

const sdl = /* GraphQL */ `
  directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  type Query {
    witnesses: [Witness!]! @requiresScopes(scopes: [["wp:read"]])
    public: String
    greeting: String @authenticated
  }
  type Witness @requiresScopes(scopes: [["wp:read"]]) {
    codename: String!
    name: String @requiresScopes(scopes: [["wp:identity"]]) @policy(policies: [["purpose_declared"]])
    secret: Identity! @requiresScopes(scopes: [["wp:identity"], ["break:glass", "wp:read"]])
    history: [Event!]!
  }
  type Identity { dob: String }
  interface Event { on: String }
  type Assessment implements Event { on: String risk: String }
  type Relocation implements Event @requiresScopes(scopes: [["wp:identity"]]) { on: String place: String }
`;
const schema = buildSchema(sdl);
const rules = readAccessRules(parse(sdl));

function run(query: string, scopes: string[], options: { purpose?: string; variables?: Record<string, unknown>; authenticated?: boolean } = {}) {
  const caller: Caller = {
    authenticated: options.authenticated ?? true,
    scopes: new Set(scopes),
    purpose: options.purpose,
  };
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  return filterOperation(schema, document, operation, options.variables ?? {}, accessDecisions(schema, rules, caller));
}

describe('filterOperation', () => {
  it('keeps an operation the caller may see unchanged', () => {
    const query = '{ witnesses { codename name secret { dob } } }';
    const filtered = run(query, ['wp:read', 'wp:identity'], { purpose: 'CASE-1' });
    expect(filtered.removals).toEqual([]);
    expect(print(filtered.document)).toBe(print(parse(query)));
  });

  it('removes a field whose scope is missing, keeping its siblings', () => {
    const filtered = run('{ witnesses { codename name } }', ['wp:read'], { purpose: 'CASE-1' });
    expect(print(filtered.document)).toBe(print(parse('{ witnesses { codename } }')));
    expect(filtered.removals.map((r) => [r.path, r.coordinate])).toEqual([[['witnesses', 'name'], 'Witness.name']]);
  });

  it('a policy must pass too: scope without purpose is not enough', () => {
    expect(run('{ witnesses { name } }', ['wp:read', 'wp:identity']).removals).toHaveLength(1);
    expect(run('{ witnesses { name } }', ['wp:read', 'wp:identity'], { purpose: '  ' }).removals).toHaveLength(1);
  });

  it('scope sets: outer list OR, inner list AND', () => {
    const query = '{ witnesses { secret { dob } } }';
    expect(run(query, ['wp:read', 'break:glass']).removals).toEqual([]);
    expect(run(query, ['wp:read', 'wp:identity']).removals).toEqual([]);
    expect(run(query, ['wp:read']).removals).toHaveLength(1);
  });

  it('follows named fragments and aliases, and filters the fragment once', () => {
    const filtered = run(
      '{ a: witnesses { ...W } b: witnesses { ...W } } fragment W on Witness { codename alias: name }',
      ['wp:read'],
    );
    expect(filtered.removals.map((r) => r.path)).toEqual([
      ['a', 'alias'],
      ['b', 'alias'],
    ]);
    expect(print(filtered.document)).not.toMatch(/\bname\b/);
  });

  it('evaluates @include/@skip with the variables: an excluded field raises no error', () => {
    const query = 'query($on: Boolean!) { witnesses { codename name @include(if: $on) } }';
    expect(run(query, ['wp:read'], { variables: { on: true } }).removals).toHaveLength(1);
    expect(run(query, ['wp:read'], { variables: { on: false } }).removals).toHaveLength(0);
  });

  it('an interface field is refused when an implementation may not be seen; a fragment on that implementation too', () => {
    const filtered = run('{ witnesses { history { on ... on Relocation { place } ... on Assessment { risk } } } }', ['wp:read']);
    expect(filtered.removals.map((r) => r.coordinate)).toEqual(['Event.on', 'Relocation']);
    expect(print(filtered.document)).toBe(print(parse('{ witnesses { history { ... on Assessment { risk } } } }')));
  });

  it('an emptied selection keeps its parent valid with a placeholder; nothing left at the root is reported', () => {
    const partly = run('{ public witnesses { name } }', ['wp:read']);
    expect(print(partly.document)).toContain('_authorization_placeholder_: __typename');
    expect(partly.empty).toBe(false);
    const nothing = run('{ witnesses { codename } greeting }', [], { authenticated: false });
    expect(nothing.empty).toBe(true);
  });
});

describe('applyRemovals', () => {
  it('puts null and an error at every place a removed field would have been', () => {
    const filtered = run('{ witnesses { codename name } }', ['wp:read']);
    const { data, errors } = applyRemovals({ witnesses: [{ codename: 'A' }, { codename: 'B' }] }, filtered.removals);
    expect(data).toEqual({ witnesses: [{ codename: 'A', name: null }, { codename: 'B', name: null }] });
    expect(errors.map((e) => [e.path, e.extensions.code])).toEqual([
      [['witnesses', 0, 'name'], 'UNAUTHORIZED_FIELD_OR_TYPE'],
      [['witnesses', 1, 'name'], 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ]);
  });

  it('a removed non-null field nulls its parent, up to the nearest nullable place', () => {
    // secret: Identity! inside [Witness!]! inside a non-null root field: the whole data goes.
    const filtered = run('{ witnesses { codename secret { dob } } public }', ['wp:read']);
    const { data, errors } = applyRemovals({ witnesses: [{ codename: 'A' }], public: 'x' }, filtered.removals);
    expect(data).toBeNull();
    expect(errors[0]?.path).toEqual(['witnesses', 0, 'secret']);
  });

  it('strips the placeholder and reports a removal even when there was nothing to null', () => {
    const filtered = run('{ public witnesses { name } }', ['wp:read']);
    const { data, errors } = applyRemovals(
      { public: 'x', witnesses: [{ _authorization_placeholder_: 'Witness' }] },
      filtered.removals,
    );
    expect(data).toEqual({ public: 'x', witnesses: [{ name: null }] });
    const empty = applyRemovals({ public: 'x', witnesses: [] }, filtered.removals);
    expect(empty.errors.map((e) => e.path)).toEqual([['witnesses', 'name']]);
    expect(errors).toHaveLength(1);
  });

  it('nulls an interface field only on objects of the types it was removed for', () => {
    const filtered = run('{ witnesses { history { __typename ... on Relocation { place } ... on Assessment { risk } } } }', ['wp:read']);
    const { data } = applyRemovals(
      { witnesses: [{ history: [{ __typename: 'Assessment', risk: 'HIGH' }, { __typename: 'Relocation' }] }] },
      filtered.removals,
    );
    expect(data).toEqual({
      witnesses: [{ history: [{ __typename: 'Assessment', risk: 'HIGH' }, { __typename: 'Relocation', place: null }] }],
    });
  });
});
