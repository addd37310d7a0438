import {
  GraphQLError,
  isNonNullType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/**
 * A variable declared nullable with a default (`$s: Boolean = false`) may stand where a
 * non-null value is required (`@skip(if: $s)`, `first: Int!`): the spec allows it because
 * the default fills in when the variable is omitted. Sent as an explicit `null`, though,
 * the default does not apply, and the value reaches a non-null position: graphql-js then
 * throws inside the gateway's normalizer (it resolves `@include`/`@skip`). Refused here,
 * before anything is normalized or planned, as `BAD_USER_INPUT` naming the variable.
 *
 * Costs nothing on the ordinary path: the document is only walked when a declared
 * variable's coerced value is `null`.
 */
export function nullInNonNullPosition(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  coerced: Readonly<Record<string, unknown>>,
): GraphQLError | undefined {
  const nulls = new Set(
    (operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value).filter((name) => coerced[name] === null),
  );
  if (nulls.size === 0) return undefined;

  let found: { variable: string; type: string } | undefined;
  const fragments = new Set<string>();
  const scan = (node: DocumentNode['definitions'][number]) => {
    const typeInfo = new TypeInfo(schema);
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        Variable: (variable) => {
          if (found || !nulls.has(variable.name.value)) return;
          const expected = typeInfo.getInputType();
          if (expected && isNonNullType(expected)) found = { variable: variable.name.value, type: String(expected) };
        },
        // The operation's own declarations are not uses.
        VariableDefinition: () => false,
        FragmentSpread: (spread) => {
          fragments.add(spread.name.value);
        },
      }),
    );
  };
  scan(operation);
  const scanned = new Set<string>();
  for (let more = true; more && !found; ) {
    more = false;
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.FRAGMENT_DEFINITION || !fragments.has(definition.name.value) || scanned.has(definition.name.value)) continue;
      scanned.add(definition.name.value);
      more = true;
      scan(definition);
    }
  }
  if (!found) return undefined;
  return new GraphQLError(
    `Variable "$${found.variable}" is null, but it is used where a ${found.type} is required: send a value or leave it out to use its default`,
    { extensions: { code: 'BAD_USER_INPUT', variable: found.variable, http: { status: 400 } } },
  );
}
