import {
  getNamedType,
  isAbstractType,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { satisfies, type AccessRules, type Caller } from '@mission-graph/service-kit';

export interface AccessDecisions {
  /** May the caller read `fieldName` selected on `parentType`? */
  field(parentType: GraphQLCompositeType, fieldName: string): boolean;
  /** May the caller read values of `type`? */
  type(type: GraphQLNamedType): boolean;
}

/**
 * What one caller may read, from the supergraph's rules.
 * - A field needs its own rule and the rule of the type it returns, and the rule of
 *   the type it is selected on.
 * - A field selected on an abstract type needs the rules of that field and type on
 *   every implementation: otherwise selecting it there would read, from a denied
 *   implementation, what its own type refuses.
 */
export function accessDecisions(schema: GraphQLSchema, rules: AccessRules, caller: Caller): AccessDecisions {
  const memo = new Map<string, boolean>();
  const ruleHolds = (kind: 'types' | 'fields', key: string): boolean => {
    const rule = rules[kind].get(key);
    return rule === undefined || satisfies(rule, caller);
  };
  const typeAllowed = (type: GraphQLNamedType): boolean => ruleHolds('types', type.name);

  return {
    type: typeAllowed,
    field: (parent, fieldName) => {
      const key = `${parent.name}.${fieldName}`;
      let allowed = memo.get(key);
      if (allowed === undefined) {
        const holders = isAbstractType(parent) ? [parent, ...schema.getPossibleTypes(parent)] : [parent];
        allowed = holders.every((holder) => {
          if (!typeAllowed(holder) || !ruleHolds('fields', `${holder.name}.${fieldName}`)) return false;
          const field = 'getFields' in holder ? holder.getFields()[fieldName] : undefined;
          return field === undefined || typeAllowed(getNamedType(field.type));
        });
        memo.set(key, allowed);
      }
      return allowed;
    },
  };
}

/**
 * The caller's rights as far as field decisions go: authentication, whether the token
 * names a subject, scopes and the outcome of every registered policy. Two callers with the same key get the same
 * decisions everywhere, so they may share a cut operation (and its query plan).
 */
export function rightsKey(caller: Caller, policies: Readonly<Record<string, (caller: Caller) => boolean>>): string {
  const outcomes = Object.keys(policies)
    .sort()
    .map((name) => (policies[name]!(caller) ? '1' : '0'))
    .join('');
  // Whether the token names a subject: without one, personal data is refused (subject-required.ts).
  return `${caller.authenticated ? 'a' : '-'}${caller.subject ? 's' : '-'}${outcomes}|${[...caller.scopes].sort().join(' ')}`;
}
