import { getNamedType, isAbstractType, isCompositeType, type GraphQLSchema } from 'graphql';
import {
  missingForAll,
  type AccessRules,
  type Caller,
  type MissingRequirements,
} from '@mission-graph/service-kit';

/**
 * What a caller lacks for a field the gateway refused, for the `extensions` of its
 * `UNAUTHORIZED_FIELD_OR_TYPE` error: `requiredScopes` (any one set, all of it), or
 * `purposeRequired: true` (the `X-Access-Purpose` header). The rules are the ones
 * `decisions.ts` applies: the field's rule and its type's on every type that may hold
 * it, and the rule of the type it returns; a removed fragment (`Type`), that type's rule.
 */
export type RefusalExplainer = (coordinate: string) => MissingRequirements;

export function refusalExplainer(schema: GraphQLSchema, rules: AccessRules, caller: Caller): RefusalExplainer {
  const memo = new Map<string, MissingRequirements>();
  return (coordinate) => {
    let missing = memo.get(coordinate);
    if (!missing) {
      missing = missingForAll(rulesOf(schema, rules, coordinate), caller);
      memo.set(coordinate, missing);
    }
    return missing;
  };
}

function rulesOf(schema: GraphQLSchema, rules: AccessRules, coordinate: string) {
  const [typeName, fieldName] = coordinate.split('.') as [string, string | undefined];
  const type = schema.getType(typeName);
  if (!type || !isCompositeType(type)) return [];
  if (fieldName === undefined) return [rules.types.get(typeName)];
  const holders = isAbstractType(type) ? [type, ...schema.getPossibleTypes(type)] : [type];
  const field = 'getFields' in type ? type.getFields()[fieldName] : undefined;
  return [
    ...holders.flatMap((holder) => [rules.types.get(holder.name), rules.fields.get(`${holder.name}.${fieldName}`)]),
    field ? rules.types.get(getNamedType(field.type).name) : undefined,
  ];
}
