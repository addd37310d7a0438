/**
 * Inputs the operation pipeline refuses before anything is normalized or planned, without
 * servers: a null variable where a value is needed, and text no database stores as sent
 * (kit storable-text.ts, which the subgraphs run too). The red-team suite sends the same
 * attacks through the real gateway.
 */
import { buildSchema, getVariableValues, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { findUnstorableInput, isStorableText } from '@mission-graph/service-kit';
import { nullInNonNullPosition } from '../src/operation/variables.js';

const schema = buildSchema(/* GraphQL */ `
  input Filter { municipality: String, tags: [String!] }
  input Report { description: String!, place: Place }
  input Place { name: String }
  type Query { people(first: Int!, filter: Filter): [String!]! }
  type Mutation { report(input: Report!): String }
`);

const operationOf = (source: string) => {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return { document, operation };
};
const coerce = (operation: OperationDefinitionNode, variables: Record<string, unknown>) => {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (result.errors) throw result.errors[0];
  return result.coerced;
};

describe('a null variable where the operation needs a value', () => {
  const { document, operation } = operationOf(
    'query($s: Boolean = false, $n: Int = 5) { people(first: $n) @skip(if: $s) } ',
  );

  it('@skip(if: $s) with a defaulted variable sent as explicit null: BAD_USER_INPUT naming it', () => {
    const error = nullInNonNullPosition(schema, document, operation, coerce(operation, { s: null }));
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', variable: 's' });
    expect(error?.message).toMatch(/\$s.*Boolean!/);
  });

  it('a defaulted variable sent as null where a field argument needs Int!: named too', () => {
    expect(nullInNonNullPosition(schema, document, operation, coerce(operation, { n: null }))?.extensions).toMatchObject({ variable: 'n' });
  });

  it('given or omitted, nothing is refused (the default applies only when omitted)', () => {
    for (const variables of [{}, { s: true }, { s: false, n: 3 }]) {
      expect(nullInNonNullPosition(schema, document, operation, coerce(operation, variables))).toBeUndefined();
    }
  });

  it('follows fragments: a null used in a fragment’s non-null position is refused', () => {
    const viaFragment = operationOf('query($s: Boolean = false) { ...F } fragment F on Query { people(first: 1) @include(if: $s) }');
    const error = nullInNonNullPosition(schema, viaFragment.document, viaFragment.operation, coerce(viaFragment.operation, { s: null }));
    expect(error?.extensions).toMatchObject({ variable: 's' });
  });
});

describe('text no database stores as sent', () => {
  it('isStorableText: a NUL or an unpaired surrogate is not storable; paired surrogates (emoji) are', () => {
    expect(isStorableText('Prizren')).toBe(true);
    expect(isStorableText('bridge 🌉')).toBe(true);
    expect(isStorableText('Prizren\u0000')).toBe(false);
    expect(isStorableText('crowd \ud800')).toBe(false);
    expect(isStorableText('\udc00 crowd')).toBe(false);
  });

  it('a NUL in a variable is named by the argument it fills and the variable', () => {
    const { document, operation } = operationOf('query($m: String) { people(first: 1, filter: { municipality: $m }) }');
    expect(findUnstorableInput(document, operation, { m: 'Prizren\u0000' })).toEqual({ argument: 'filter.municipality', variable: 'm', problem: 'a NUL character' });
  });

  it('a lone surrogate deep in an input object variable: the argument path goes into the object', () => {
    const { document, operation } = operationOf('mutation($i: Report!) { report(input: $i) }');
    expect(findUnstorableInput(document, operation, { i: { description: 'ok', place: { name: 'bridge \ud800' } } })).toEqual({
      argument: 'input.place.name',
      variable: 'i',
      problem: 'an unpaired surrogate',
    });
  });

  it('a NUL escaped in a literal of a fragment the operation spreads', () => {
    const { document, operation } = operationOf('{ ...F } fragment F on Query { people(first: 1, filter: { tags: ["a", "b\\u0000"] }) }');
    expect(findUnstorableInput(document, operation, undefined)).toEqual({ argument: 'filter.tags', problem: 'a NUL character' });
  });

  it('an undeclared variable is not looked at (nothing reads it), however deep it is nested', () => {
    const { document, operation } = operationOf('{ people(first: 1) }');
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(findUnstorableInput(document, operation, { undeclared: deep })).toBeUndefined();
  });

  it('ordinary text passes', () => {
    const { document, operation } = operationOf('query($m: String) { people(first: 1, filter: { municipality: $m, tags: ["é", "🌉"] }) }');
    expect(findUnstorableInput(document, operation, { m: 'Mitrovica' })).toBeUndefined();
  });
});
