import {
  defaultFieldResolver,
  isObjectType,
  Kind,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { isExternal, type Caller } from './caller.js';
import { unauthorizedFieldError } from './enforce-rules.js';

/**
 * The subgraph's own check of the external contract. The gateway validates an external
 * operation against the contract schema before anything runs; a subgraph that receives
 * an internal token saying `contract: external` still answers only what its own SDL tags
 * `@tag(name: "external")` — so a gateway bug, or a token replayed against a field the
 * contract does not hold, reveals nothing outside it.
 *
 * Membership follows the contract's own rule (@theguild/federation-composition, as
 * Apollo's contracts): a field is in when it, or its type, carries the tag. Every
 * subgraph tags what it serves itself (a test checks that each subgraph's tags cover
 * its part of schema/external.graphql). Entity key fields stay answerable: the gateway
 * needs them to join entities across subgraphs.
 */
export const CONTRACT_TAG = 'external';

export interface ContractMembership {
  hasField(typeName: string, fieldName: string): boolean;
  /** The type itself, or any of its fields, is in the contract. */
  hasType(typeName: string): boolean;
}

function tagged(directives: readonly ConstDirectiveNode[] | undefined, tag: string): boolean {
  return (directives ?? []).some(
    (directive) =>
      directive.name.value === 'tag' &&
      directive.arguments?.some((argument) => argument.name.value === 'name' && argument.value.kind === Kind.STRING && argument.value.value === tag),
  );
}

/** `@key(fields: "id")` / `"from to"`: the top-level key fields of a type. */
function keyFields(directives: readonly ConstDirectiveNode[] | undefined): string[] {
  return (directives ?? []).flatMap((directive) => {
    if (directive.name.value !== 'key') return [];
    const fields = directive.arguments?.find((argument) => argument.name.value === 'fields')?.value;
    return fields?.kind === Kind.STRING ? fields.value.replace(/\{[^}]*\}/g, ' ').split(/\s+/).filter(Boolean) : [];
  });
}

export function readContract(typeDefs: DocumentNode, tag: string = CONTRACT_TAG): ContractMembership {
  const taggedTypes = new Set<string>();
  const fields = new Set<string>();
  const keys = new Set<string>();
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeName = definition.name.value;
    if (tagged(definition.directives, tag)) taggedTypes.add(typeName);
    for (const key of keyFields(definition.directives)) keys.add(`${typeName}.${key}`);
    for (const field of definition.fields ?? []) {
      if (tagged(field.directives, tag)) fields.add(`${typeName}.${field.name.value}`);
    }
  }
  const typesWithFields = new Set([...fields].map((coordinate) => coordinate.split('.')[0]!));
  return {
    hasField: (typeName, fieldName) =>
      taggedTypes.has(typeName) || fields.has(`${typeName}.${fieldName}`) || (typesWithFields.has(typeName) && keys.has(`${typeName}.${fieldName}`)),
    hasType: (typeName) => taggedTypes.has(typeName) || typesWithFields.has(typeName),
  };
}

type ResolveReference = (reference: unknown, context: unknown, info: unknown) => unknown;
interface SubgraphExtensions {
  apollo?: { subgraph?: { resolveReference?: ResolveReference } };
}

/** Wraps resolvers in place: for a request through the external contract, anything outside it is refused. */
export function enforceContract(
  schema: GraphQLSchema,
  contract: ContractMembership,
  callerOf: (context: unknown) => Caller,
): GraphQLSchema {
  const queryType = schema.getQueryType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      // `_entities` is how the gateway joins; each reference is checked by its type below.
      if (type === queryType && field.name === '_entities') continue;
      if (contract.hasField(type.name, field.name)) continue;
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        if (isExternal(callerOf(context))) throw unauthorizedFieldError();
        return resolve(source, args, context, info);
      };
    }
    if (contract.hasType(type.name)) continue;
    const extensions = type.extensions as SubgraphExtensions;
    const original = extensions.apollo?.subgraph?.resolveReference;
    if (!original) continue;
    const resolveReference: ResolveReference = async (reference, context, info) => {
      if (isExternal(callerOf(context))) throw unauthorizedFieldError();
      return original(reference, context, info);
    };
    (extensions as { apollo: unknown }).apollo = {
      ...extensions.apollo,
      subgraph: { ...extensions.apollo?.subgraph, resolveReference },
    };
  }
  return schema;
}
