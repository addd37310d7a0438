import {
  getNamedType,
  isAbstractType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { satisfies, type AccessRules, type Caller } from '@mission-graph/service-kit';
import type { AccessDecisions } from './filter-operation.js';

/**
 * What one caller may read, from the supergraph's rules.
 * - A field needs its own rule and the rule of the type it returns.
 * - A field selected on an interface (or a union member reached through it) needs the
 *   rules of that field and type on every implementation: otherwise selecting it on
 *   the interface would read, from a denied implementation, what its own type refuses.
 */
export function accessDecisions(
  schema: GraphQLSchema,
  rules: AccessRules,
  caller: Caller,
): AccessDecisions {
  const memo = new Map<string, boolean>();
  const ruleHolds = (kind: 'types' | 'fields', key: string): boolean => {
    const rule = rules[kind].get(key);
    return rule === undefined || satisfies(rule, caller);
  };
  const typeAllowed = (type: GraphQLNamedType): boolean => ruleHolds('types', type.name);

  return {
    // A fragment's type condition; on an abstract type its fields are then checked
    // against every implementation (below).
    type: typeAllowed,
    field: (parent: GraphQLCompositeType, field: GraphQLField<unknown, unknown>) => {
      const key = `${parent.name}.${field.name}`;
      let allowed = memo.get(key);
      if (allowed === undefined) {
        const holders = isAbstractType(parent) ? [parent, ...schema.getPossibleTypes(parent)] : [parent];
        allowed =
          holders.every((holder) => typeAllowed(holder) && ruleHolds('fields', `${holder.name}.${field.name}`)) &&
          typeAllowed(getNamedType(field.type));
        memo.set(key, allowed);
      }
      return allowed;
    },
  };
}
