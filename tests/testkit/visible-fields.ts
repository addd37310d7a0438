/**
 * The oracle of the authorization property test: walks a response together with its
 * operation and lists every non-null value whose field or type rule the caller does
 * not satisfy. The rules are read from the supergraph, independently of the gateway's
 * own filtering code.
 */
import {
  getNamedType,
  isAbstractType,
  Kind,
  parse,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { satisfies, type AccessRules, type Caller } from '@mission-graph/service-kit';

export function leakedFields(
  schema: GraphQLSchema,
  rules: AccessRules,
  operation: string,
  data: unknown,
  caller: Caller,
): string[] {
  const document = parse(operation);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const leaks: string[] = [];
  const holds = (kind: 'types' | 'fields', key: string) => {
    const rule = rules[kind].get(key);
    return !rule || satisfies(rule, caller);
  };

  const walk = (set: SelectionSetNode, type: GraphQLCompositeType, value: unknown, path: string): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(set, type, item, `${path}.${index}`));
      return;
    }
    const object = value as Record<string, unknown>;
    const runtime = typeof object.__typename === 'string' ? object.__typename : type.name;
    if (!holds('types', runtime)) leaks.push(`${path}: an object of type ${runtime}`);
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT || selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value)! : selection;
        const condition = fragment.typeCondition?.name.value;
        if (condition && condition !== runtime && !isAbstractType(schema.getType(condition))) continue;
        walk(fragment.selectionSet, condition ? (schema.getType(condition) as GraphQLCompositeType) : type, value, path);
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith('__')) continue;
      const key = selection.alias?.value ?? name;
      const fieldValue = object[key];
      if (fieldValue === null || fieldValue === undefined) continue;
      const holder = schema.getType(runtime) as GraphQLCompositeType;
      const field = 'getFields' in holder ? holder.getFields()[name] : undefined;
      if (!field) continue;
      const coordinate = `${runtime}.${name}`;
      const returned = getNamedType(field.type).name;
      const interfaceRules = 'getInterfaces' in holder ? holder.getInterfaces().map((i) => `${i.name}.${name}`) : [];
      if (!holds('fields', coordinate) || !holds('types', returned) || interfaceRules.some((c) => !holds('fields', c))) {
        leaks.push(`${path}.${key}: ${coordinate} returned ${JSON.stringify(fieldValue).slice(0, 60)}`);
      }
      if (selection.selectionSet) {
        walk(selection.selectionSet, getNamedType(field.type) as GraphQLCompositeType, fieldValue, `${path}.${key}`);
      }
    }
  };

  const operationDefinition = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operationDefinition?.kind === Kind.OPERATION_DEFINITION) {
    walk(operationDefinition.selectionSet, schema.getQueryType()!, data, 'data');
  }
  return leaks;
}
