import {
  GraphQLError,
  isNonNullType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { definitionsInUse } from '@mission-graph/service-kit';

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
  // The operation and the fragments it uses: a variable used in a spread fragment is used by the operation.
  for (const node of definitionsInUse(document, operation)) {
    if (found) break;
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
      }),
    );
  }
  if (!found) return undefined;
  return new GraphQLError(
    `Variable "$${found.variable}" is null, but it is used where a ${found.type} is required: send a value or leave it out to use its default`,
    { extensions: { code: 'BAD_USER_INPUT', variable: found.variable, http: { status: 400 } } },
  );
}
