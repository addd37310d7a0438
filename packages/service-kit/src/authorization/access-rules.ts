import {
  Kind,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DocumentNode,
} from 'graphql';

/**
 * The access rules of the graph, read from the composed supergraph, where composition
 * keeps `@authenticated`, `@requiresScopes` and `@policy` on the types and fields of
 * every subgraph. A rule is a conjunction of its parts; scope and policy sets are
 * "outer list OR, inner list AND" (federation spec).
 */
export interface AccessRule {
  authenticated: boolean;
  /** Any one inner list must be wholly held. */
  scopes?: string[][];
  /** Any one inner list of policies must all pass. */
  policies?: string[][];
}

export interface AccessRules {
  /** `Type` → rule on the type (applies wherever a value of the type is returned). */
  types: Map<string, AccessRule>;
  /** `Type.field` → rule on the field. */
  fields: Map<string, AccessRule>;
}

export const SECURITY_DIRECTIVES = new Set(['authenticated', 'requiresScopes', 'policy']);

function stringLists(value: ConstValueNode | undefined): string[][] {
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((inner) =>
    inner.kind === Kind.LIST ? inner.values.map((v) => (v.kind === Kind.STRING ? v.value : '')) : [],
  );
}

export function ruleOf(directives: readonly ConstDirectiveNode[] | undefined): AccessRule | undefined {
  let rule: AccessRule | undefined;
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (!SECURITY_DIRECTIVES.has(name)) continue;
    rule ??= { authenticated: false };
    const argument = directive.arguments?.[0]?.value;
    if (name === 'authenticated') rule.authenticated = true;
    if (name === 'requiresScopes') rule.scopes = stringLists(argument);
    if (name === 'policy') rule.policies = stringLists(argument);
  }
  return rule;
}

/** Reads every rule of a supergraph (or subgraph) SDL. */
export function readAccessRules(document: DocumentNode): AccessRules {
  const rules: AccessRules = { types: new Map(), fields: new Map() };
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION &&
      definition.kind !== Kind.SCALAR_TYPE_DEFINITION &&
      definition.kind !== Kind.ENUM_TYPE_DEFINITION
    ) {
      continue;
    }
    const typeName = definition.name.value;
    const typeRule = ruleOf(definition.directives);
    if (typeRule) rules.types.set(typeName, typeRule);
    if ('fields' in definition) {
      for (const field of definition.fields ?? []) {
        const fieldRule = ruleOf(field.directives);
        if (fieldRule) rules.fields.set(`${typeName}.${field.name.value}`, fieldRule);
      }
    }
  }
  return rules;
}
