import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  GraphQLError,
  isAbstractType,
  isListType,
  isObjectType,
  type GraphQLAbstractType,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import type { AccessRule, AccessRules } from './access-rules.js';
import { satisfies, type Caller } from './caller.js';
import { missingForAll, type MissingRequirements } from './requirements.js';

/**
 * The subgraph's own line of defence: the same `@authenticated` / `@requiresScopes` /
 * `@policy` rules the gateway enforces, checked again on everything this subgraph
 * resolves against the caller carried by the internal token — so a token stolen from
 * one subgraph, or a bug in the gateway, still cannot read a field the caller may not see.
 * - a field: its own rule and the rule of the type it returns;
 * - an `_entities` reference: the rule of the entity's type, before it is resolved;
 * - a field returning a union or interface: items whose runtime type the caller may not
 *   read are left out of lists (a single one is refused), so neither their fields nor
 *   their `__typename`, nor even their number, show.
 */
export const UNAUTHORIZED_FIELD_OR_TYPE = 'UNAUTHORIZED_FIELD_OR_TYPE';

/** `missing`: what the caller lacks (`requiredScopes`, `purposeRequired`), so the error says what to fix. */
export function unauthorizedFieldError(missing: MissingRequirements = {}): GraphQLError {
  return new GraphQLError('Unauthorized field or type', {
    extensions: { code: UNAUTHORIZED_FIELD_OR_TYPE, ...missing },
  });
}

type ResolveReference = (reference: unknown, context: unknown, info: GraphQLResolveInfo) => unknown;
interface SubgraphExtensions {
  apollo?: { subgraph?: { resolveReference?: ResolveReference } };
}

/** Wraps resolvers in place; returns the same schema. */
export function enforceAccessRules(
  schema: GraphQLSchema,
  rules: AccessRules,
  callerOf: (context: unknown) => Caller,
): GraphQLSchema {
  const allowed = (checks: readonly AccessRule[], context: unknown) => {
    const caller = callerOf(context);
    return checks.every((rule) => satisfies(rule, caller));
  };
  const typeAllowed = (typeName: string, context: unknown) => {
    const rule = rules.types.get(typeName);
    return !rule || allowed([rule], context);
  };

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    guardReferences(type, (context) => typeAllowed(type.name, context));

    for (const field of Object.values(type.getFields())) {
      if (type === schema.getQueryType() && field.name === '_entities') continue; // guarded per reference
      const returned = getNamedType(field.type);
      const checks = [rules.fields.get(`${type.name}.${field.name}`), rules.types.get(returned.name)].filter(
        (rule): rule is AccessRule => rule !== undefined,
      );
      const abstract =
        isAbstractType(returned) && schema.getPossibleTypes(returned).some((t) => rules.types.has(t.name))
          ? returned
          : undefined;
      if (checks.length === 0 && !abstract) continue;

      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      const isList = isListType(getNullableType(field.type));
      field.resolve = async (source, args, context, info) => {
        if (!allowed(checks, context)) throw unauthorizedFieldError(missingForAll(checks, callerOf(context)));
        const value = await resolve(source, args, context, info);
        if (!abstract || value === null || value === undefined) return value;
        const visible = async (item: unknown) => {
          const runtime = await runtimeTypeName(abstract, item, context, info);
          return runtime !== '' && typeAllowed(runtime, context); // an unknown type is not shown
        };
        if (!isList) {
          if (!(await visible(value))) throw unauthorizedFieldError();
          return value;
        }
        const items = [...(value as Iterable<unknown>)];
        const keep = await Promise.all(items.map(visible));
        return items.filter((_, index) => keep[index]);
      };
    }
  }
  return schema;
}

/** `_entities` resolves a reference through the type's resolveReference (or returns it as is). */
function guardReferences(type: GraphQLObjectType, mayRead: (context: unknown) => boolean): void {
  const extensions = type.extensions as SubgraphExtensions;
  const subgraph = extensions.apollo?.subgraph;
  const original = subgraph?.resolveReference;
  if (!original && !isEntity(type)) return;
  // Async, so a refusal fails only its own representation (`_entities: [null]` with an
  // error at `_entities.<i>`), not the whole `_entities` list.
  const resolveReference: ResolveReference = async (reference, context, info) => {
    if (!mayRead(context)) throw unauthorizedFieldError();
    return original ? original(reference, context, info) : reference;
  };
  (extensions as { apollo: unknown }).apollo = {
    ...extensions.apollo,
    subgraph: { ...subgraph, resolveReference },
  };
}

function isEntity(type: GraphQLObjectType): boolean {
  return (type.astNode?.directives ?? []).some((directive) => directive.name.value === 'key');
}

async function runtimeTypeName(
  type: GraphQLAbstractType,
  value: unknown,
  context: unknown,
  info: GraphQLResolveInfo,
): Promise<string> {
  const resolved = type.resolveType ? await type.resolveType(value, context, info, type) : undefined;
  if (typeof resolved === 'string') return resolved;
  const typename = (value as { __typename?: unknown }).__typename;
  return typeof typename === 'string' ? typename : '';
}
