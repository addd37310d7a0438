import {
  defaultFieldResolver,
  Kind,
  type DocumentNode,
  type GraphQLFieldResolver,
  type TypeNode,
} from 'graphql';
import { notFound } from '../errors.js';

/**
 * A per-record rule that holds on every path to a type: every field of the SDL that
 * returns the type (a list or a single value, in any object type, at any depth) and its
 * entity references (`_entities`) get the check. A record the caller may not see is left
 * out of lists (not even counted) and refused where one was asked for, with the same
 * answer as a record that does not exist. The stores should not load such records in
 * the first place (page sizes and totals stay right); this is the line that holds when
 * one path forgets.
 */
export interface RecordGuard<Record, Context> {
  /** The object type whose records are guarded, e.g. `InformationExchangeRequest`. */
  typeName: string;
  /** May this caller (from the context) see this record? */
  visible(record: Record, context: Context): boolean;
  /** The record's id: a refused record is answered as a missing one (NOT_FOUND naming the id). */
  idOf(record: Record): string;
}

type Resolvers = Record<string, Record<string, unknown>>;
type ResolveReference = (reference: unknown, context: unknown, info: unknown) => unknown;

function namedType(type: TypeNode): { name: string; list: boolean } {
  if (type.kind === Kind.NAMED_TYPE) return { name: type.name.value, list: false };
  const inner = namedType(type.type);
  return { name: inner.name, list: inner.list || type.kind === Kind.LIST_TYPE };
}

/** The resolver map with the guard around every field returning the type and around its references. */
export function guardRecords<Record, Context>(
  typeDefs: DocumentNode,
  resolvers: object,
  guard: RecordGuard<Record, Context>,
): object {
  // A copy: only the resolver objects of the types that get a guard are copied (scalars stay as they are).
  const guarded: Resolvers = { ...(resolvers as Resolvers) };
  const copied = new Set<string>();
  const resolversOf = (typeName: string) => {
    if (!copied.has(typeName)) {
      guarded[typeName] = { ...guarded[typeName] };
      copied.add(typeName);
    }
    return guarded[typeName]!;
  };
  const refused = (record: unknown) => notFound(guard.typeName, guard.idOf(record as Record));
  const show = (record: unknown, context: unknown) =>
    record === null || record === undefined || guard.visible(record as Record, context as Context);

  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) {
      const returned = namedType(field.type);
      if (returned.name !== guard.typeName) continue;
      const typeResolvers = resolversOf(definition.name.value);
      const resolve = (typeResolvers[field.name.value] as GraphQLFieldResolver<unknown, unknown> | undefined) ?? defaultFieldResolver;
      typeResolvers[field.name.value] = async (source: unknown, args: unknown, context: unknown, info: never) => {
        const value = await resolve(source, args as never, context, info);
        if (returned.list) {
          return Array.isArray(value) ? value.filter((record) => show(record, context)) : value;
        }
        if (!show(value, context)) throw refused(value);
        return value;
      };
    }
  }
  const own = resolversOf(guard.typeName);
  const resolveReference = own.__resolveReference as ResolveReference | undefined;
  own.__resolveReference = async (reference: unknown, context: unknown, info: unknown) => {
    const record = resolveReference ? await resolveReference(reference, context, info) : reference;
    if (!show(record, context)) throw refused(record);
    return record;
  };
  return guarded;
}
