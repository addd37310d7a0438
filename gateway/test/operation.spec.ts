/**
 * The normalized operation and what is built on it, without servers: normalization
 * (@include/@skip with coerced variables, fragments expanded once), the cut to a
 * caller's rights with the hidden selections, and the one walk over a response.
 */
import { buildSchema, getVariableValues, parse, print, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readAccessRules, type Caller } from '@mission-graph/service-kit';
import { personalData } from '../src/audit/personal-data.js';
import { accessDecisions } from '../src/authorization/decisions.js';
import { hiddenAliases } from '../src/operation/hidden-aliases.js';
import { normalizeOperation } from '../src/operation/normalize.js';
import { processResponse } from '../src/operation/response.js';
import { buildShape } from '../src/operation/shape.js';

const sdl = /* GraphQL */ `
  directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  type Query {
    witnesses: [Witness!]! @requiresScopes(scopes: [["wp:read"]])
    witness: Witness @requiresScopes(scopes: [["wp:read"]])
    public: String
    greeting: String @authenticated
  }
  type Witness @requiresScopes(scopes: [["wp:read"]]) {
    id: ID!
    codename: String!
    name: String @requiresScopes(scopes: [["witness-protection:identity"]]) @policy(policies: [["purpose_declared"]])
    secret: Identity! @requiresScopes(scopes: [["witness-protection:identity"], ["break:glass", "wp:read"]])
    history: [Event!]!
  }
  type Identity { dob: String }
  union Event = Assessment | Relocation
  type Assessment @requiresScopes(scopes: [["wp:read"]]) { id: ID! on: String! risk: String }
  type Relocation @requiresScopes(scopes: [["witness-protection:identity"]]) { id: ID! on: String! place: String }
`;
const schema = buildSchema(sdl);
const rules = readAccessRules(parse(sdl));
const HIDDEN = hiddenAliases('test-shape');

function run(
  query: string,
  scopes: string[],
  options: { purpose?: string; variables?: Record<string, unknown>; authenticated?: boolean } = {},
) {
  const caller: Caller = { authenticated: options.authenticated ?? true, scopes: new Set(scopes), purpose: options.purpose };
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], options.variables ?? {});
  if (coerced.errors) throw coerced.errors[0];
  const normalized = normalizeOperation(schema, document, operation, coerced.coerced);
  return buildShape(normalized, {
    schema,
    decisions: accessDecisions(schema, rules, caller),
    personal: personalData(rules),
    hidden: HIDDEN,
  });
}

describe('the normalized operation', () => {
  it('runs an operation the caller may see in full, flat: fragments expanded, conditions resolved, no hidden keys', () => {
    const shape = run(
      'query($on: Boolean = true) { witnesses { ...W codename @include(if: $on) } } fragment W on Witness { codename history { ... on Assessment { risk } } }',
      ['wp:read'],
    );
    expect(shape.removals).toEqual([]);
    expect(shape.needsResponseWalk).toBe(false);
    expect(print(shape.document)).toBe(
      print(parse('query($on: Boolean = true) { witnesses { codename history { ... on Assessment { risk } } } }')),
    );
  });

  it('applies variable defaults to @include/@skip (a missing variable takes its default)', () => {
    const query = 'query($on: Boolean = false) { public witnesses @include(if: $on) { codename } }';
    expect(print(run(query, ['wp:read']).document)).not.toMatch(/witnesses/);
    expect(print(run(query, ['wp:read'], { variables: { on: true } }).document)).toMatch(/witnesses/);
  });

  it('expands 28 fragments that each spread the previous twice in 28 steps (memoized), to one field', () => {
    const fragments = ['fragment F0 on Witness { codename }'];
    for (let i = 1; i <= 28; i += 1) fragments.push(`fragment F${i} on Witness { ...F${i - 1} ...F${i - 1} }`);
    const shape = run(`{ witnesses { ...F28 } } ${fragments.join(' ')}`, ['wp:read']);
    expect(print(shape.document)).toBe(print(parse('{ witnesses { codename } }')));
  });

  it('a union member fragment is judged on that member; its removal applies only to objects of that type', () => {
    const shape = run('{ witness { history { ... on Assessment { risk } ... on Relocation { on } } } }', ['wp:read']);
    expect(shape.removals.map((r) => r.coordinate)).toEqual(['Relocation.on']);
    // The gateway asks for the runtime type itself, under its hidden alias.
    expect(print(shape.document)).toContain(`${HIDDEN.typename}: __typename`);
    // Without __typename in the client's selection, the assessment keeps its value.
    const processed = processResponse(shape, { witness: { history: [{ [HIDDEN.typename]: 'Assessment', risk: 'HIGH' }] } });
    expect(processed.data).toEqual({ witness: { history: [{ risk: 'HIGH' }] } });
    expect(processed.errors.map((e) => e.path)).toEqual([['witness', 'history', 'on']]);
    // A relocation (had the subgraph sent one) loses its withheld non-null field, and with
    // it the item; `[Event!]!` then propagates that null up to the witness.
    const withRelocation = processResponse(shape, {
      witness: { history: [{ [HIDDEN.typename]: 'Assessment', risk: 'HIGH' }, { [HIDDEN.typename]: 'Relocation' }] },
    });
    expect(withRelocation.data).toEqual({ witness: null });
    expect(withRelocation.errors.map((e) => e.path)).toEqual([['witness', 'history', 1, 'on']]);
  });
});

describe('the cut to what the caller may see', () => {
  it('removes a field whose scope is missing, keeping its siblings; a policy must pass too', () => {
    const shape = run('{ witnesses { codename name } }', ['wp:read'], { purpose: 'CASE-1' });
    // The hidden id names the record the refusal is recorded on (a DENIED event).
    expect(print(shape.document)).toBe(print(parse(`{ witnesses { ${HIDDEN.id}: id codename } }`)));
    expect(shape.removals.map((r) => [r.staticPath, r.coordinate])).toEqual([[['witnesses', 'name'], 'Witness.name']]);
    expect(run('{ witnesses { name } }', ['wp:read', 'witness-protection:identity']).removals).toHaveLength(1);
    expect(run('{ witnesses { name } }', ['wp:read', 'witness-protection:identity'], { purpose: '  ' }).removals).toHaveLength(1);
  });

  it('scope sets: outer list OR, inner list AND', () => {
    const query = '{ witnesses { secret { dob } } }';
    expect(run(query, ['wp:read', 'break:glass']).removals).toEqual([]);
    expect(run(query, ['wp:read', 'witness-protection:identity']).removals).toEqual([]);
    expect(run(query, ['wp:read']).removals).toHaveLength(1);
  });

  it('follows named fragments and aliases: each place the fragment is spread gets its removal', () => {
    const shape = run('{ a: witnesses { ...W } b: witnesses { ...W } } fragment W on Witness { codename alias: name }', ['wp:read']);
    expect(shape.removals.map((r) => r.staticPath)).toEqual([
      ['a', 'alias'],
      ['b', 'alias'],
    ]);
    expect(print(shape.document)).not.toMatch(/\bname\b/);
  });

  it('an emptied selection stays valid (the hidden id that names the refused record keeps it non-empty); nothing left at the root is reported', () => {
    const partly = run('{ public witnesses { name } }', ['wp:read']);
    expect(print(partly.document)).toContain(`witnesses {\n    ${HIDDEN.id}: id\n  }`);
    expect(validate(schema, partly.document)).toEqual([]);
    expect(partly.empty).toBe(false);
    expect(run('{ witnesses { codename } greeting }', [], { authenticated: false }).empty).toBe(true);
  });

  it('callers with other rights get another document (and so another query plan)', () => {
    const query = '{ witnesses { codename name } }';
    const narrow = run(query, ['wp:read']);
    const wide = run(query, ['wp:read', 'witness-protection:identity'], { purpose: 'CASE-1' });
    expect(narrow.queryHash).not.toBe(wide.queryHash);
  });
});

describe('the walk over the response', () => {
  it('puts null and an error at every place a removed field would have been', () => {
    const shape = run('{ witnesses { codename name } }', ['wp:read']);
    const { data, errors } = processResponse(shape, { witnesses: [{ codename: 'A' }, { codename: 'B' }] });
    expect(data).toEqual({ witnesses: [{ codename: 'A', name: null }, { codename: 'B', name: null }] });
    expect(errors.map((e) => [e.path, e.extensions.code])).toEqual([
      [['witnesses', 0, 'name'], 'UNAUTHORIZED_FIELD_OR_TYPE'],
      [['witnesses', 1, 'name'], 'UNAUTHORIZED_FIELD_OR_TYPE'],
    ]);
  });

  it('a removed non-null field nulls its parent, up to the nearest nullable place', () => {
    const shape = run('{ witnesses { codename secret { dob } } public }', ['wp:read']);
    const { data, errors } = processResponse(shape, { witnesses: [{ codename: 'A' }], public: 'x' });
    expect(data).toBeNull();
    expect(errors[0]?.path).toEqual(['witnesses', 0, 'secret']);
  });

  it('strips the hidden keys and names a removal even when no object held it', () => {
    const shape = run('{ public witnesses { name } }', ['wp:read']);
    const { data, errors, refusals } = processResponse(shape, { public: 'x', witnesses: [{ [HIDDEN.id]: 'w-1' }] });
    expect(data).toEqual({ public: 'x', witnesses: [{ name: null }] });
    expect(errors).toHaveLength(1);
    // What the DENIED event says: the field, on which record.
    expect(refusals.map((r) => [r.coordinate, r.entity])).toEqual([['Witness.name', { type: 'Witness', id: 'w-1' }]]);
    const empty = processResponse(shape, { public: 'x', witnesses: [] });
    expect(empty.errors.map((e) => e.path)).toEqual([['witnesses', 'name']]);
  });

  it('reads disclosures with the record ids of the hidden selections, never a client key of the same look', () => {
    const shape = run('{ witnesses { _audit_id_: codename name } }', ['wp:read', 'witness-protection:identity'], { purpose: 'CASE-1' });
    expect(shape.audited).toBe(true);
    const { data, disclosures } = processResponse(shape, {
      witnesses: [{ [HIDDEN.id]: 'w-1', _audit_id_: 'WAGTAIL-01', name: 'Synthetic One' }],
    });
    expect(data).toEqual({ witnesses: [{ _audit_id_: 'WAGTAIL-01', name: 'Synthetic One' }] });
    expect(disclosures.personalCoordinates).toEqual(['Witness.name']);
    expect(disclosures.personalEntities).toEqual([{ type: 'Witness', id: 'w-1' }]);
  });

  it('forgets a disclosure that a propagated null took out of the response', () => {
    const shape = run('{ witness { name secret { dob } } }', ['wp:read', 'witness-protection:identity'], { purpose: 'CASE-1' });
    expect(shape.removals).toEqual([]);
    // The subgraph nulled secret (non-null): graphql propagation nulls witness, the walk keeps the null.
    const { disclosures } = processResponse(shape, { witness: null });
    expect(disclosures.personalCoordinates).toEqual([]);
  });
});
