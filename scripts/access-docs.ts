/**
 * A step of `pnpm compose`: every field of the composed supergraph that carries an
 * access rule gets a last paragraph in its description saying what it needs ("Requires
 * scope `forensics:personal` and a declared purpose (`X-Access-Purpose` header)."),
 * read from the same `@authenticated` / `@requiresScopes` / `@policy` directives the
 * gateway enforces. Analysts see it in the explorer's docs; it is regenerated on every
 * compose, so it cannot drift from the rules.
 */
import {
  Kind,
  parse,
  print,
  visit,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type StringValueNode,
  type TypeNode,
} from 'graphql';
import { allOf, describeRequirement, ruleOf, type AccessRule } from '@mission-graph/service-kit';

/** The supergraph SDL with the access paragraph added to the descriptions of guarded fields and types. */
export function documentAccessRules(supergraphSdl: string): string {
  const document = parse(supergraphSdl);
  const typeRules = rulesOfTypes(document);
  const documented = visit(document, {
    ObjectTypeDefinition: (node) => ({
      ...node,
      description: withAccess(node.description, typeRequirement(typeRules.get(node.name.value))),
      fields: node.fields?.map((field) => documentField(field, typeRules)),
    }),
    InterfaceTypeDefinition: (node) => ({
      ...node,
      fields: node.fields?.map((field) => documentField(field, typeRules)),
    }),
  });
  return print(documented);
}

function documentField(field: FieldDefinitionNode, typeRules: Map<string, AccessRule>): FieldDefinitionNode {
  // A field needs its own rule and the rule of the type it returns (as the gateway enforces).
  const rule = allOf([ruleOf(field.directives as readonly ConstDirectiveNode[]), typeRules.get(namedType(field.type))]);
  return { ...field, description: withAccess(field.description, describeRequirement(rule)) };
}

function typeRequirement(rule: AccessRule | undefined): string | undefined {
  const text = describeRequirement(rule);
  return text && `Every value of this type: ${text[0]!.toLowerCase()}${text.slice(1)}`;
}

function rulesOfTypes(document: DocumentNode): Map<string, AccessRule> {
  const rules = new Map<string, AccessRule>();
  for (const definition of document.definitions) {
    if ('name' in definition && definition.name && 'directives' in definition) {
      const rule = ruleOf(definition.directives as readonly ConstDirectiveNode[] | undefined);
      if (rule) rules.set(definition.name.value, rule);
    }
  }
  return rules;
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

function withAccess(description: StringValueNode | undefined, access: string | undefined): StringValueNode | undefined {
  if (!access) return description;
  const text = description?.value.trim();
  return { kind: Kind.STRING, value: text ? `${text}\n\n${access}` : access, block: true };
}
