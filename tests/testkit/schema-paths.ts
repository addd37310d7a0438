/**
 * Finds, in the graph's API schema, a shortest selection path from `Query` to a given
 * field, and writes the operation that selects it — so the authorization matrix can
 * reach every rule-bearing field without a hand-written query per field.
 */
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';

export interface Step {
  /** Set when the step needs an inline fragment on a concrete type first. */
  onType?: string;
  field: string;
  args: string;
  /** The field returns a list: data paths get an index here. */
  list: boolean;
}

/** A literal for a required argument, or undefined when we cannot invent one (ids). */
function literalFor(argument: GraphQLArgument): string | undefined {
  const type = getNullableType(argument.type);
  if (isScalarType(type) && type.name === 'Date') return argument.name === 'to' ? '"2030-12-31"' : '"2000-01-01"';
  if (isScalarType(type) && type.name === 'Int') return '5';
  return undefined;
}

/** The argument list to call `field` with, or undefined when a required one cannot be invented. */
export function argumentsFor(field: GraphQLField<unknown, unknown>): string | undefined {
  const parts: string[] = [];
  for (const argument of field.args) {
    if (argument.name === 'first') {
      parts.push('first: 50');
      continue;
    }
    if (!isNonNullType(argument.type)) continue;
    if (isInputObjectType(getNamedType(argument.type))) return undefined;
    const literal = literalFor(argument);
    if (literal === undefined) return undefined;
    parts.push(`${argument.name}: ${literal}`);
  }
  return parts.length > 0 ? `(${parts.join(', ')})` : '';
}

function returnsList(field: GraphQLField<unknown, unknown>): boolean {
  return isListType(getNullableType(field.type));
}

/** Shortest path of steps from Query to `typeName.fieldName`, or undefined. */
export function pathTo(schema: GraphQLSchema, typeName: string, fieldName: string): Step[] | undefined {
  const query = schema.getQueryType();
  if (!query) return undefined;
  const seen = new Set<string>([query.name]);
  let frontier: { type: GraphQLCompositeType; steps: Step[] }[] = [{ type: query, steps: [] }];
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const { type, steps } of frontier) {
      const holders = isAbstractType(type) ? schema.getPossibleTypes(type) : isObjectType(type) ? [type] : [];
      for (const holder of holders) {
        const onType = isAbstractType(type) ? holder.name : undefined;
        for (const field of Object.values(holder.getFields())) {
          const args = argumentsFor(field);
          if (args === undefined) continue;
          const step: Step = { field: field.name, args, list: returnsList(field), ...(onType ? { onType } : {}) };
          if (holder.name === typeName && field.name === fieldName) return [...steps, step];
          const child = getNamedType(field.type);
          if (!isCompositeType(child) || seen.has(child.name)) continue;
          seen.add(child.name);
          next.push({ type: child, steps: [...steps, step] });
        }
      }
    }
    frontier = next;
  }
  return undefined;
}

/** The operation selecting the path; a composite leaf selects `__typename`. */
export function operationFor(steps: Step[], leafIsComposite: boolean): string {
  let body = leafIsComposite ? '{ __typename }' : '';
  for (let index = steps.length - 1; index >= 0; index -= 1) {
    const step = steps[index]!;
    const selection = `${step.field}${step.args} ${body}`.trim();
    body = step.onType ? `{ ... on ${step.onType} { ${selection} } }` : `{ ${selection} }`;
  }
  return body;
}

/** Every value found at the steps' response keys, lists flattened. */
export function valuesAt(data: unknown, steps: Step[]): unknown[] {
  let current: unknown[] = [data];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || value === undefined || typeof value !== 'object') continue;
      const child = (value as Record<string, unknown>)[step.field];
      if (Array.isArray(child)) next.push(...child);
      else next.push(child);
    }
    current = next;
  }
  return current;
}
