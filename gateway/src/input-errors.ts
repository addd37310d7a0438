import {
  Kind,
  type GraphQLError,
  parse,
  type GraphQLFormattedError,
  type ValueNode,
  visit,
} from 'graphql';

/**
 * Bad argument literals (`channel: FOO`, `from: "2020-13-01"`) fail GraphQL
 * validation, which Apollo reports as GRAPHQL_VALIDATION_FAILED with no hint of which
 * argument. The contract promises `BAD_USER_INPUT` naming the argument, so the
 * gateway finds the argument that holds the offending value and says so.
 */
export function asBadUserInput(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'GRAPHQL_VALIDATION_FAILED') return formatted;
  // Structural check, not instanceof: a test runner may load graphql twice (ESM and CJS).
  if (!isGraphQLError(error)) return formatted;

  const required = /argument "(\w+)" of type "[^"]+" is required/.exec(error.message);
  const argument = required?.[1] ?? argumentAt(error);
  if (!argument) return formatted;
  return {
    ...formatted,
    extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT', argument },
  };
}

function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && 'nodes' in error && 'source' in error;
}

function argumentAt(error: GraphQLError): string | undefined {
  const node = error.nodes?.[0];
  const source = error.source;
  if (!node?.loc || !source) return undefined;
  const offset = node.loc.start;
  // The innermost argument or input field whose value spans the offending node.
  let found: string | undefined;
  const descend = (value: ValueNode, name: string): void => {
    if (!value.loc || value.loc.start > offset || offset >= value.loc.end) return;
    found = name;
    if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) descend(field.value, `${name}.${field.name.value}`);
    } else if (value.kind === Kind.LIST) {
      for (const item of value.values) descend(item, name);
    }
  };
  try {
    // The text, not the Source object: another copy of graphql would refuse a foreign Source.
    visit(parse(source.body), { Argument: (argument) => descend(argument.value, argument.name.value) });
  } catch {
    return undefined;
  }
  return found;
}
